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
use crate::model::{Grants, Held, PUBLIC, Schema, Securable, SecurableKind};
use std::collections::{BTreeSet, HashSet};

/// Appends the changes to extensions.
pub(super) fn diff_extensions(current: &Schema, desired: &Schema, changes: &mut Vec<Change>) {
    for (name, extension) in &desired.extensions {
        match current.extensions.get(name) {
            None => changes.push(Change::CreateExtension { name: name.clone(), version: extension.version.clone() }),
            Some(live) => {
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

/// Appends the changes to owners, grants and default privileges. `base`
/// is the current schema with this plan's renames applied.
pub(super) fn diff_privileges(base: &Schema, desired: &Schema, changes: &mut Vec<Change>) {
    if desired.privileges_unmanaged {
        return;
    }
    let mut made = made(changes);
    // A schema the database does not have yet is made by this plan (every
    // schema in scope is read, with its owner).
    if base.role.is_some() {
        for (object, _) in desired.privileges.iter().filter(|(o, _)| o.kind == SecurableKind::Schema) {
            if !base.privileges.contains_key(object) {
                made.insert(object.clone());
            }
        }
    }
    let maker = base.role.as_deref().or(desired.owner.as_deref()).unwrap_or("current_user");
    // Roles the maker's default privileges name: on a new object, what
    // they hold is whatever those gave, so it is set outright.
    let reset_by_defaults = |kind: SecurableKind| -> Vec<&str> {
        let wanted = desired.default_privileges.iter().chain(&base.default_privileges);
        let mut roles: Vec<&str> = wanted
            .filter(|(scope, _)| scope.role == maker && scope.objects == kind.default_objects())
            .flat_map(|(_, grants)| grants.0.keys().map(String::as_str))
            .collect();
        roles.sort_unstable();
        roles.dedup();
        roles
    };
    let mut owners = Vec::new();
    let mut grants = Vec::new();
    for object in desired.securables() {
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
        let have = live.map(|p| p.grants.clone()).unwrap_or_default().complete(object.kind, &owner_now);
        let mut have = have.transferred(&owner_now, &owner_wanted);
        let mut want = wanted.map(|p| p.grants.clone()).unwrap_or_default().complete(object.kind, &owner_wanted);
        if fresh {
            // What the maker's default privileges gave is not known in
            // detail: all of it is revoked, and what the file says granted.
            for role in reset_by_defaults(object.kind) {
                let on = GrantOn::Object(object.clone());
                let all: Held = object.kind.privileges().iter().map(|p| ((*p, None), false)).collect();
                grants.push(Change::Revoke { on: on.clone(), grantee: role.to_string(), privileges: all, fresh });
                have.0.remove(role);
                if let Some(wanted) = want.0.remove(role) {
                    grants.push(Change::Grant { on, grantee: role.to_string(), privileges: wanted });
                }
            }
        }
        for (grantee, grant, revoke) in compare(&have, &want) {
            let on = GrantOn::Object(object.clone());
            if !revoke.is_empty() {
                grants.push(Change::Revoke { on: on.clone(), grantee: grantee.clone(), privileges: revoke, fresh });
            }
            if !grant.is_empty() {
                grants.push(Change::Grant { on, grantee, privileges: grant });
            }
        }
    }
    // Default privileges: an entry of no schema completes like an object
    // its role owns; one in a schema only adds.
    let scopes: BTreeSet<_> = desired.default_privileges.keys().chain(base.default_privileges.keys()).collect();
    let mut defaults = Vec::new();
    for scope in scopes {
        let complete = |grants: Option<&Grants>| {
            let grants = grants.cloned().unwrap_or_default();
            match scope.schema {
                None => grants.complete(scope.objects.kind(), &scope.role),
                Some(_) => grants,
            }
        };
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
