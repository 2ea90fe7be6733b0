//! A whole schema: tables, types, sequences, and the objects that rest on
//! them (views, functions, triggers).

use super::{
    Aggregate, Collation, CompositeType, Domain, Function, Sequence, Table, Trigger, UnmanagedDependent, View,
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
    /// Extensions the schema needs (PostgreSQL). Only ever added.
    pub extensions: Vec<String>,
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
