//! The differ for who may do what: owners, grants and default privileges
//! (PostgreSQL), and extensions.
//!
//! Both sides hold grants as a file writes them (the grantees named; the
//! others hold what PostgreSQL gives implicitly), so each object's ACL is
//! completed on both sides and compared grantee by grantee. An object this
//! plan makes starts from what its maker holds by default, and any role the
//! maker's default privileges name is reset to what the file says: the
//! result is the file's grants exactly, whatever the defaults gave.

use super::Change;
use super::change::GrantOn;
use crate::model::naming::serial_sequence_in_schema;
use crate::model::{Column, Grants, Held, PUBLIC, Privileges, Schema, Securable, SecurableKind};
use std::collections::{BTreeSet, HashMap, HashSet};

/// Appends the changes to extensions.
pub(super) fn diff_extensions(current: &Schema, desired: &Schema, changes: &mut Vec<Change>) {
    for (name, extension) in &desired.extensions {
        match current.extensions.get(name) {
            None => changes.push(Change::CreateExtension {
                name: name.clone(),
                version: extension.version.clone(),
                schema: extension.schema.clone(),
            }),
            Some(live) => {
                // A schema left out is no change, as a version left out.
                if let Some(schema) = extension.schema.as_ref().filter(|s| live.schema.as_ref() != Some(*s)) {
                    changes.push(Change::MoveExtension {
                        name: name.clone(),
                        from: live.schema.clone(),
                        to: schema.clone(),
                    });
                }
                if let Some(version) = extension.version.as_ref().filter(|v| live.version.as_ref() != Some(*v)) {
                    changes.push(Change::UpdateExtension {
                        name: name.clone(),
                        from: live.version.clone(),
                        to: version.clone(),
                    });
                }
            }
        }
    }
}

/// Appends the extensions the file leaves out, to drop once nothing of
/// the schema uses them.
pub(super) fn drop_extensions(current: &Schema, desired: &Schema, changes: &mut Vec<Change>) {
    if desired.extensions_unmanaged {
        return;
    }
    for name in current.extensions.keys() {
        if !desired.extensions.contains_key(name) {
            changes.push(Change::DropExtension { name: name.clone() });
        }
    }
}

/// The objects `changes` make (or make again), which start with no
/// grants of their own.
fn made(changes: &[Change]) -> HashSet<Securable> {
    let mut made = HashSet::new();
    for change in changes {
        let (kind, name) = match change {
            Change::CreateTable(t) => (SecurableKind::Table, t.name.clone()),
            Change::SetPartitionBy { table, .. } => (SecurableKind::Table, table.clone()),
            Change::CreateView(v) if v.materialized => (SecurableKind::MaterializedView, v.name.clone()),
            Change::CreateView(v) => (SecurableKind::View, v.name.clone()),
            Change::CreateSequence(s) => (SecurableKind::Sequence, s.name.clone()),
            Change::CreateFunction(f) if f.procedure => (SecurableKind::Procedure, f.key()),
            Change::CreateFunction(f) => (SecurableKind::Function, f.key()),
            Change::CreateEnum { name, .. } | Change::RecreateEnum { name, .. } => (SecurableKind::Type, name.clone()),
            Change::CreateCompositeType(t) => (SecurableKind::Type, t.name.clone()),
            Change::CreateDomain(d) => (SecurableKind::Domain, d.name.clone()),
            _ => continue,
        };
        made.insert(Securable::new(kind, name));
    }
    made
}

/// The grantees whose privileges differ, and how: (grantee, to grant,
/// to revoke). A revoke's flag is set where only the grant option goes.
fn compare(have: &Grants, want: &Grants) -> Vec<(String, Held, Held)> {
    let grantees: BTreeSet<&String> = have.0.keys().chain(want.0.keys()).collect();
    let empty = Held::new();
    let mut out = Vec::new();
    for grantee in grantees {
        let (had, wanted) = (have.0.get(grantee).unwrap_or(&empty), want.0.get(grantee).unwrap_or(&empty));
        let mut grant = Held::new();
        let mut revoke = Held::new();
        for (key, option) in wanted {
            match had.get(key) {
                Some(had_option) if had_option >= option => {}
                _ => {
                    grant.insert(key.clone(), *option);
                }
            }
        }
        for (key, option) in had {
            match wanted.get(key) {
                None => {
                    revoke.insert(key.clone(), false);
                }
                Some(false) if *option => {
                    revoke.insert(key.clone(), true);
                }
                _ => {}
            }
        }
        if !grant.is_empty() || !revoke.is_empty() {
            out.push((grantee.clone(), grant, revoke));
        }
    }
    out
}

/// One object's grants being compared.
struct Compared<'a> {
    object: &'a Securable,
    /// Made by this plan (by its owner now).
    fresh: bool,
    owner_now: &'a str,
    owner_wanted: &'a str,
}

impl Compared<'_> {
    /// Appends the revokes and grants that make `live` (as `base` holds
    /// it) what `wanted` says.
    fn grants(
        &self,
        base: &Schema,
        desired: &Schema,
        live: Option<&Privileges>,
        wanted: Option<&Privileges>,
        out: &mut Vec<Change>,
    ) {
        let (object, fresh) = (self.object, self.fresh);
        let have = live.map(|p| p.grants.clone()).unwrap_or_default().complete(object.kind, self.owner_now);
        let mut have = have.transferred(self.owner_now, self.owner_wanted);
        let mut want = wanted.map(|p| p.grants.clone()).unwrap_or_default().complete(object.kind, self.owner_wanted);
        if fresh {
            // What its maker's default privileges gave is not known in
            // detail: all of it is revoked, and what the file says granted.
            let defaults = desired.default_privileges.iter().chain(&base.default_privileges);
            let mut roles: Vec<&str> = defaults
                .filter(|(scope, _)| scope.role == self.owner_now && scope.objects == object.kind.default_objects())
                .flat_map(|(_, grants)| grants.0.keys().map(String::as_str))
                .collect();
            roles.sort_unstable();
            roles.dedup();
            for role in roles {
                let on = GrantOn::Object(object.clone());
                let all: Held = object.kind.privileges().iter().map(|p| ((*p, None), false)).collect();
                out.push(Change::Revoke { on: on.clone(), grantee: role.to_string(), privileges: all, fresh });
                have.0.remove(role);
                if let Some(wanted) = want.0.remove(role) {
                    out.push(Change::Grant { on, grantee: role.to_string(), privileges: wanted });
                }
            }
        }
        for (grantee, grant, revoke) in compare(&have, &want) {
            let on = GrantOn::Object(object.clone());
            if !revoke.is_empty() {
                out.push(Change::Revoke { on: on.clone(), grantee: grantee.clone(), privileges: revoke, fresh });
            }
            if !grant.is_empty() {
                out.push(Change::Grant { on, grantee, privileges: grant });
            }
        }
    }
}

/// Appends the changes to owners, grants and default privileges. `base`
/// is the current schema with this plan's renames applied.
pub(super) fn diff_privileges(base: &Schema, desired: &Schema, changes: &mut Vec<Change>) {
    if desired.privileges_unmanaged {
        return;
    }
    let mut made = made(changes);
    // A schema the database does not have yet is made by this plan (every
    // schema in scope is read, with its owner).
    let objects = desired.securables();
    let mut schemas = Vec::new();
    if base.role.is_some() {
        for object in objects.iter().filter(|o| o.kind == SecurableKind::Schema) {
            if !base.privileges.contains_key(object) {
                schemas.push(Change::CreateSchema { name: object.name.clone() });
                made.insert(object.clone());
            }
        }
    }
    let maker = base.role.as_deref().or(desired.owner.as_deref()).unwrap_or("current_user");
    let mut owners = Vec::new();
    let mut grants = Vec::new();
    for object in objects {
        let fresh = made.contains(&object);
        let wanted = desired.privileges.get(&object);
        let live = if fresh { None } else { base.privileges.get(&object) };
        // Nothing said and nothing granted: nothing to compare (most objects).
        if !fresh && wanted.is_none() && desired.owner.is_none() && live.is_none_or(|p| p.grants.0.is_empty()) {
            continue;
        }
        let owner_now = if fresh { maker.to_string() } else { base.owner_of(&object).unwrap_or(maker).to_string() };
        let owner_wanted = wanted.and_then(|p| p.owner.as_deref()).or(desired.owner.as_deref()).unwrap_or(&owner_now);
        let owner_wanted = owner_wanted.to_string();
        if owner_wanted != owner_now {
            owners.push(Change::SetOwner {
                object: object.clone(),
                from: owner_now.clone(),
                to: owner_wanted.clone(),
                fresh,
            });
        }
        let object = Compared { object: &object, fresh, owner_now: &owner_now, owner_wanted: &owner_wanted };
        object.grants(base, desired, live, wanted, &mut grants);
    }
    // Serial and identity columns' own sequences, which belong to their
    // table: known by their column, since their name is the database's.
    let by_column: HashMap<(&str, &str), &Securable> = base
        .privileges
        .iter()
        .filter_map(|(object, p)| p.column.as_ref().map(|(t, c)| ((t.as_str(), c.as_str()), object)))
        .collect();
    let has_sequence = |c: &Column| c.sql_type.is_serial() || c.autoincrement;
    // An identity column's sequence keeps the name it was made with when
    // this plan renames its table or column (a serial's is renamed too).
    let mut renamed_tables: HashMap<&str, &str> = HashMap::new();
    let mut renamed_columns: HashMap<(&str, &str), &str> = HashMap::new();
    for change in changes.iter() {
        match change {
            Change::RenameTable { from, to } => {
                renamed_tables.insert(to, from);
            }
            Change::RenameColumn { table, from, to } => {
                renamed_columns.insert((table, to), from);
            }
            _ => {}
        }
    }
    let made_as = |table: &str, column: &Column| {
        let old_table = renamed_tables.get(table).copied().unwrap_or(table);
        let old_column = renamed_columns.get(&(table, column.name.as_str())).copied().unwrap_or(&column.name);
        match column.sql_type.is_serial() {
            true => serial_sequence_in_schema(table, &column.name),
            false => serial_sequence_in_schema(old_table, old_column),
        }
    };
    for table in desired.tables.values() {
        for column in table.columns.values().filter(|c| has_sequence(c)) {
            let named = Securable::new(SecurableKind::Sequence, serial_sequence_in_schema(&table.name, &column.name));
            let wanted = desired.privileges.get(&named);
            let live_table = base.tables.get(&table.name);
            let fresh = !live_table.and_then(|t| t.columns.get(&column.name)).is_some_and(has_sequence);
            let live_key = by_column.get(&(table.name.as_str(), column.name.as_str())).filter(|_| !fresh);
            let live = live_key.and_then(|key| base.privileges.get(*key));
            if !fresh && wanted.is_none() && live.is_none() {
                continue;
            }
            // Its owner is its table's, before and after the plan.
            let table_object = Securable::new(SecurableKind::Table, table.name.clone());
            let owner_now = match live_table {
                Some(_) => base.owner_of(&table_object).unwrap_or(maker).to_string(),
                None => maker.to_string(),
            };
            let own = desired.privileges.get(&table_object).and_then(|p| p.owner.as_deref());
            let owner_wanted = own.or(desired.owner.as_deref()).unwrap_or(&owner_now).to_string();
            let target = match live_key {
                Some(key) => (*key).clone(),
                None if !fresh => Securable::new(SecurableKind::Sequence, made_as(&table.name, column)),
                None => named.clone(),
            };
            let object = Compared { object: &target, fresh, owner_now: &owner_now, owner_wanted: &owner_wanted };
            object.grants(base, desired, live, wanted, &mut grants);
        }
    }
    // Default privileges: an entry of no schema completes like an object
    // its role owns; one in a schema only adds.
    let scopes: BTreeSet<_> = desired.default_privileges.keys().chain(base.default_privileges.keys()).collect();
    let mut defaults = Vec::new();
    for scope in scopes {
        let complete = |grants: Option<&Grants>| scope.complete(&grants.cloned().unwrap_or_default());
        let (have, want) =
            (complete(base.default_privileges.get(scope)), complete(desired.default_privileges.get(scope)));
        for (grantee, grant, revoke) in compare(&have, &want) {
            let on = GrantOn::Default(scope.clone());
            if !revoke.is_empty() {
                defaults.push(Change::Revoke {
                    on: on.clone(),
                    grantee: grantee.clone(),
                    privileges: revoke,
                    fresh: false,
                });
            }
            if !grant.is_empty() {
                defaults.push(Change::Grant { on, grantee, privileges: grant });
            }
        }
    }
    // Default privileges first: objects made later in the plan are
    // planned with them in place.
    changes.extend(schemas);
    changes.extend(defaults);
    changes.extend(owners);
    changes.extend(grants);
}

/// Every role `schema` names (owners, grantees, default privileges'
/// roles), with where the file says it.
pub fn roles_named(schema: &Schema) -> Vec<(String, Vec<String>)> {
    let mut named: Vec<(String, Vec<String>)> = Vec::new();
    let mut add = |role: &str, at: Vec<String>| {
        if role != PUBLIC && !named.iter().any(|(r, _)| r == role) {
            named.push((role.to_string(), at));
        }
    };
    if let Some(owner) = &schema.owner {
        add(owner, vec!["owner".into()]);
    }
    for privileges in schema.privileges.values() {
        if let Some(owner) = &privileges.owner {
            add(owner, [privileges.at.clone(), vec!["owner".into()]].concat());
        }
        for role in privileges.grants.roles() {
            add(role, [privileges.at.clone(), vec!["grants".into(), role.to_string()]].concat());
        }
    }
    for (scope, grants) in &schema.default_privileges {
        let key = match &scope.schema {
            Some(s) => format!("{} in {s}", scope.role),
            None => scope.role.clone(),
        };
        add(&scope.role, vec!["default_privileges".into(), key.clone()]);
        for role in grants.roles() {
            add(role, vec!["default_privileges".into(), key.clone(), scope.objects.word().into(), role.into()]);
        }
    }
    named
}
