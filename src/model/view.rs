//! A view: a named query, with the options PostgreSQL keeps on it.

use super::naming::bare;
use super::{Expr, Index};
use crate::sql::lexer::identifiers;
use indexmap::{IndexMap, IndexSet};
use std::collections::HashSet;

/// A view. Its query is compared in the server's spelling (PostgreSQL
/// prints it back with `pg_get_viewdef`; SQLite keeps it as written).
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct View {
    /// Its (possibly schema-qualified) name.
    pub name: String,
    /// The query, as after `AS`.
    pub query: Expr,
    /// Its columns' names, in order, as the database reports them. Empty
    /// in a file that leaves them to the query.
    pub columns: Vec<String>,
    /// The columns' types, in order, as the database reports them (read
    /// from the database or a scratch copy; a file never says them). They
    /// decide whether `CREATE OR REPLACE` can change the view.
    pub column_types: Vec<String>,
    /// PostgreSQL `security_barrier`.
    pub security_barrier: bool,
    /// PostgreSQL 15 `security_invoker`.
    pub security_invoker: bool,
    /// `WITH LOCAL|CASCADED CHECK OPTION`: `local` or `cascaded`.
    pub check_option: Option<String>,
    /// Free text about it.
    pub comment: Option<String>,
    /// PostgreSQL: a materialized view (its rows stored, refreshed on
    /// demand).
    pub materialized: bool,
    /// A materialized view made with its rows (`WITH DATA`, the default)
    /// or empty until refreshed. How it is made, not what it is: never a
    /// change on its own.
    pub with_data: bool,
    /// A materialized view's indexes by name.
    pub indexes: IndexMap<String, Index>,
    /// The file the query was read from (`sql_file:`), kept so that
    /// `fmt` writes it back as such; not part of what the view is.
    pub sql_file: Option<String>,
}

/// Equal in what the view is; the column types, which follow from the
/// tables it reads, are not part of that.
impl PartialEq for View {
    fn eq(&self, other: &View) -> bool {
        self.name == other.name
            && self.query == other.query
            && self.columns == other.columns
            && self.security_barrier == other.security_barrier
            && self.security_invoker == other.security_invoker
            && self.check_option == other.check_option
            && self.comment == other.comment
            && self.materialized == other.materialized
            && self.indexes == other.indexes
    }
}

impl Eq for View {}

impl View {
    /// A view of `query`.
    pub fn new(name: impl Into<String>, query: impl Into<String>) -> View {
        View { name: name.into(), query: Expr::new(query.into()), with_data: true, ..View::default() }
    }

    /// Whether `other` is the same view apart from the comment and (of a
    /// materialized view) the indexes, which change on their own.
    pub fn same_definition(&self, other: &View) -> bool {
        View { comment: other.comment.clone(), indexes: other.indexes.clone(), ..self.clone() } == *other
    }

    /// Whether the live view `self` is what the file's `wanted` says, by
    /// dbshape's comparison: the columns a file leaves to the query are the
    /// live ones, and comments (the view's, its indexes') change on their own.
    pub(crate) fn is_written_as(&self, wanted: &View) -> bool {
        let columns = if wanted.columns.is_empty() { self.columns.clone() } else { wanted.columns.clone() };
        let same_indexes = self.indexes.len() == wanted.indexes.len()
            && wanted.indexes.values().all(|i| {
                self.indexes.get(&i.name).is_some_and(|l| Index { comment: i.comment.clone(), ..l.clone() } == *i)
            });
        same_indexes && self.same_definition(&View { columns, comment: self.comment.clone(), ..wanted.clone() })
    }

    /// What its query may read.
    pub(crate) fn reads(&self) -> Reads {
        Reads::of(self.query.as_str())
    }

    /// `view` or `materialized view`.
    pub fn kind(&self) -> &'static str {
        if self.materialized { "materialized view" } else { "view" }
    }

    /// Whether the database can turn this view into `to` with `CREATE OR
    /// REPLACE VIEW`: the columns it has keep their names and types, in
    /// order, and new ones only come after them.
    pub fn replaceable_by(&self, to: &View) -> bool {
        !self.materialized
            && !to.materialized
            && !self.columns.is_empty()
            && self.columns.len() == self.column_types.len()
            && to.columns.len() == to.column_types.len()
            && to.columns.len() >= self.columns.len()
            && self.columns.iter().zip(&to.columns).all(|(a, b)| a == b)
            && self.column_types.iter().zip(&to.column_types).all(|(a, b)| a == b)
    }
}

/// What SQL text (a view's query, a trigger's condition) may read: every
/// identifier in it, each possibly a relation, a column or a function.
/// More is harmless: a word that names nothing matches nothing. The one
/// matcher for "this text reads that", for the differ and the normalisers.
#[derive(Clone, Debug, Default)]
pub(crate) struct Reads(HashSet<String>);

impl Reads {
    /// What `sql` may read.
    pub(crate) fn of(sql: &str) -> Reads {
        Reads(identifiers(sql))
    }

    /// Whether it names the relation or function `name`, schema-qualified
    /// or not (SQL text often names it without its schema).
    pub(crate) fn names(&self, name: &str) -> bool {
        self.0.contains(&bare(name).to_ascii_lowercase())
    }

    /// Whether it names the column `column`.
    pub(crate) fn names_column(&self, column: &str) -> bool {
        self.0.contains(&column.to_ascii_lowercase())
    }

    /// Every name it may read, lower-cased.
    pub(crate) fn words(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

/// The views of `views` for which `seed` holds, and every view that reads
/// one of them, directly or through others: in dependency order. A view
/// that reads a view made again is made again too; the differ and the
/// PostgreSQL normaliser each say what starts it (a change that forces a
/// view to be remade; a change that may alter how the server stores it).
pub(crate) fn and_readers<'a>(
    views: &'a IndexMap<String, View>,
    mut seed: impl FnMut(&'a str, &'a View, &Reads) -> bool,
) -> IndexSet<&'a str> {
    let mut found: IndexSet<&str> = IndexSet::new();
    for name in view_order(views) {
        let view = &views[name];
        let reads = view.reads();
        if found.iter().any(|other| reads.names(other)) || seed(name, view, &reads) {
            found.insert(name);
        }
    }
    found
}

/// Views in dependency order: each after the views its query names.
pub fn view_order(views: &IndexMap<String, View>) -> Vec<&str> {
    // Each query's names once, looked up among the view names.
    let by_name: std::collections::HashMap<String, usize> =
        views.keys().enumerate().map(|(i, n)| (bare(n).to_ascii_lowercase(), i)).collect();
    let reads: Vec<Vec<usize>> = views
        .values()
        .enumerate()
        .map(|(i, v)| {
            let mut read: Vec<usize> =
                v.reads().words().filter_map(|w| by_name.get(w).copied()).filter(|&j| j != i).collect();
            read.sort_unstable();
            read
        })
        .collect();
    let mut placed: IndexSet<usize> = IndexSet::with_capacity(views.len());
    fn visit(i: usize, reads: &[Vec<usize>], placed: &mut IndexSet<usize>, path: &mut Vec<usize>) {
        if placed.contains(&i) || path.contains(&i) {
            return;
        }
        path.push(i);
        for &j in &reads[i] {
            visit(j, reads, placed, path);
        }
        path.pop();
        placed.insert(i);
    }
    for i in 0..views.len() {
        visit(i, &reads, &mut placed, &mut Vec::new());
    }
    placed.into_iter().map(|i| views.get_index(i).expect("an index of views").0.as_str()).collect()
}
