//! A whole schema: tables, types, sequences, and the objects that rest on
//! them (views, functions, triggers).

use super::{
    Aggregate, Collation, CompositeType, DefaultPrivileges, Domain, Extension, Function, Privileges, Securable,
    SecurableKind, Sequence, Table, Trigger, UnmanagedDependent, View,
};
use indexmap::IndexMap;

/// Everything dbshape models of a database, or of a schema file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Schema {
    /// Tables by (possibly schema-qualified) name, in order.
    pub tables: IndexMap<String, Table>,
    /// Enum types (PostgreSQL): name → labels in order.
    pub enums: IndexMap<String, Vec<String>>,
    /// Domains (PostgreSQL), by name.
    pub domains: IndexMap<String, Domain>,
    /// Composite types (PostgreSQL), by name.
    pub composite_types: IndexMap<String, CompositeType>,
    /// Collations of the schema's own (PostgreSQL), by name.
    pub collations: IndexMap<String, Collation>,
    /// Extensions the schema needs (PostgreSQL), by name.
    pub extensions: IndexMap<String, Extension>,
    /// Sequences of their own (PostgreSQL), by name.
    pub sequences: IndexMap<String, Sequence>,
    /// Views by (possibly schema-qualified) name, each after the views it
    /// reads.
    pub views: IndexMap<String, View>,
    /// Functions and procedures (PostgreSQL) by [`Function::key`].
    pub functions: IndexMap<String, Function>,
    /// Aggregates (PostgreSQL) by [`Aggregate::key`].
    pub aggregates: IndexMap<String, Aggregate>,
    /// Triggers by (table or view, trigger name).
    pub triggers: IndexMap<(String, String), Trigger>,
    /// Owners and grants (PostgreSQL) of the objects that have any of
    /// their own; an object not listed has the default owner and only
    /// implicit grants.
    pub privileges: IndexMap<Securable, Privileges>,
    /// `ALTER DEFAULT PRIVILEGES` entries (PostgreSQL).
    pub default_privileges: DefaultPrivileges,
    /// The owner of every object that names none. In a file: its
    /// top-level `owner:` (`None`: owners are left as they are). From a
    /// database: the most common owner.
    pub owner: Option<String>,
    /// From a database: the role the connection acts as, which owns what
    /// it creates.
    pub role: Option<String>,
    /// The file says `manage: { privileges: false }`: owners, grants and
    /// default privileges are neither planned nor reported.
    pub privileges_unmanaged: bool,
    /// The file says `manage: { extensions: false }`: extensions it leaves
    /// out are left alone, not dropped.
    pub extensions_unmanaged: bool,
    /// What a database holds that dbshape does not manage (`domain
    /// money`, `policy users.own_rows`): reported, left as it is.
    pub unmanaged: Vec<String>,
    /// The unmanaged objects that hang on a table, by the table's name: a
    /// plan may not drop the table or change its columns under them.
    pub unmanaged_on: IndexMap<String, Vec<UnmanagedDependent>>,
}

impl Schema {
    /// Table names ordered so that every table comes after the tables its
    /// foreign keys reference and after its partitioned parent (cycles and self-references are broken by
    /// name order). Ties keep alphabetical order, so the result is stable.
    pub fn dependency_order(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.tables.keys().map(String::as_str).collect();
        names.sort_unstable();
        let mut placed: indexmap::IndexSet<&str> = indexmap::IndexSet::with_capacity(names.len());
        fn visit<'a>(
            schema: &'a Schema,
            name: &'a str,
            placed: &mut indexmap::IndexSet<&'a str>,
            visiting: &mut Vec<&'a str>,
        ) {
            if placed.contains(name) || visiting.contains(&name) {
                return;
            }
            visiting.push(name);
            if let Some(table) = schema.tables.get(name) {
                let mut parents: Vec<&str> = table.foreign_keys.values().map(|fk| fk.ref_table.as_str()).collect();
                parents.extend(table.partition_of.as_ref().map(|p| p.parent.as_str()));
                parents.extend(table.inherits.as_deref());
                parents.sort_unstable();
                for parent in parents {
                    if let Some((key, _)) = schema.tables.get_key_value(parent) {
                        visit(schema, key.as_str(), placed, visiting);
                    }
                }
            }
            visiting.pop();
            placed.insert(name);
        }
        let mut visiting = Vec::new();
        for name in names {
            visit(self, name, &mut placed, &mut visiting);
        }
        placed.into_iter().collect()
    }
}

impl Schema {
    /// Every object privileges can be on, as the model holds it (schemas:
    /// those with privileges of their own).
    pub fn securables(&self) -> Vec<Securable> {
        let mut all = Vec::with_capacity(self.tables.len() + self.views.len() + self.privileges.len());
        let of = |kind, name: &String| Securable::new(kind, name.clone());
        let schemas = self.privileges.keys().filter(|s| s.kind == SecurableKind::Schema && self.lists_schema(&s.name));
        all.extend(schemas.cloned());
        all.extend(self.tables.keys().map(|t| of(SecurableKind::Table, t)));
        for (name, view) in &self.views {
            let kind = if view.materialized { SecurableKind::MaterializedView } else { SecurableKind::View };
            all.push(of(kind, name));
        }
        all.extend(self.sequences.keys().map(|s| of(SecurableKind::Sequence, s)));
        for (key, function) in &self.functions {
            let kind = if function.procedure { SecurableKind::Procedure } else { SecurableKind::Function };
            all.push(of(kind, key));
        }
        all.extend(self.enums.keys().chain(self.composite_types.keys()).map(|t| of(SecurableKind::Type, t)));
        all.extend(self.domains.keys().map(|d| of(SecurableKind::Domain, d)));
        all
    }

    /// Whether schema `name`'s owner and grants are part of this schema: a
    /// file's when `schemas:` lists it; a database's (which reads every
    /// schema) when it has something of note: an owner other than the
    /// default, or grants, or nothing in it (an empty schema is listed so
    /// that it is made too), and not as `initdb` makes schema `public`.
    pub fn lists_schema(&self, name: &str) -> bool {
        let Some(privileges) = self.privileges.get(&Securable::new(SecurableKind::Schema, name)) else {
            return false;
        };
        if self.role.is_none() {
            return true;
        }
        let initdb_public = name == "public"
            && privileges.owner.as_deref() == Some("pg_database_owner")
            && privileges.grants.0.len() == 1
            && privileges
                .grants
                .0
                .get(super::PUBLIC)
                .is_some_and(|held| held.len() == 1 && held.get(&(super::Privilege::Usage, None)) == Some(&false));
        let default_owner = self.owner.as_ref().or(self.role.as_ref());
        let own_owner = privileges.owner.is_some() && privileges.owner.as_ref() != default_owner;
        let prefix = format!("{name}.");
        let mut names = (self.tables.keys().chain(self.views.keys()).chain(self.sequences.keys()))
            .chain(self.functions.keys().chain(self.enums.keys()).chain(self.domains.keys()))
            .chain(self.composite_types.keys().chain(self.collations.keys()).chain(self.aggregates.keys()));
        let empty = !(names.any(|n| n.starts_with(&prefix))
            || self.extensions.values().any(|e| e.schema.as_deref() == Some(name)));
        !initdb_public && (own_owner || !privileges.grants.0.is_empty() || (empty && name != "public"))
    }

    /// The owner `object` has (or, from a file, is to have): its own, the
    /// default, or the role that creates it.
    pub fn owner_of(&self, object: &Securable) -> Option<&str> {
        let own = self.privileges.get(object).and_then(|p| p.owner.as_deref());
        own.or(self.owner.as_deref()).or(self.role.as_deref())
    }

    /// Puts the tables in [`Schema::dependency_order`].
    pub fn sort_tables_by_dependency(&mut self) {
        let order: std::collections::HashMap<String, usize> =
            self.dependency_order().into_iter().enumerate().map(|(i, name)| (name.to_string(), i)).collect();
        self.tables.sort_by_cached_key(|name, _| order[name]);
    }

    /// Removes the tables whose name matches one of the glob `patterns`
    /// (`*` any run of characters, `?` one character). A qualified name
    /// (`billing.invoices`) matches on its full text or on the bare name.
    /// The partitions of an excluded table go with it.
    pub(crate) fn exclude_tables(&mut self, patterns: &[String]) {
        if patterns.is_empty() {
            return;
        }
        let mut excluded: Vec<String> = Vec::new();
        self.tables.retain(|name, _| {
            let bare = super::naming::bare(name);
            let keep = !patterns.iter().any(|p| glob_match(p, name) || glob_match(p, bare));
            if !keep {
                excluded.push(name.clone());
            }
            keep
        });
        // A table left alone leaves its triggers alone too.
        let gone = |table: &str| {
            let bare = super::naming::bare(table);
            patterns.iter().any(|p| glob_match(p, table) || glob_match(p, bare))
        };
        self.triggers.retain(|(table, _), _| !gone(table));
        self.privileges.retain(|object, _| object.kind != SecurableKind::Table || !gone(&object.name));
        // A partitioned table left alone leaves its partitions alone too.
        while !excluded.is_empty() {
            let parents = std::mem::take(&mut excluded);
            self.tables.retain(|name, table| {
                let keep = !table.partition_of.as_ref().is_some_and(|p| parents.contains(&p.parent))
                    && !table.inherits.as_ref().is_some_and(|p| parents.contains(p));
                if !keep {
                    excluded.push(name.clone());
                }
                keep
            });
        }
    }
}

fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    // Classic two-pointer wildcard match with backtracking to the last `*`.
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn globs() {
        assert!(glob_match("alembic_*", "alembic_version"));
        assert!(glob_match("spatial_ref_sys", "spatial_ref_sys"));
        assert!(glob_match("t?", "t1"));
        assert!(!glob_match("t?", "t12"));
        assert!(glob_match("*", ""));
        assert!(!glob_match("a*b", "acd"));
    }
}
