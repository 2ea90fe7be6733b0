//! Scratch schemas: the file's objects made inside a transaction that is
//! always rolled back, and read back with the same inspector as the live
//! database, so that both sides are in the server's own spelling.
//!
//! [`Scratch`] sets one up (schemas standing in for the real ones, the
//! search path, extensions, enums, sequences); [`whole_tables`] makes each
//! table as the file says (what partitions need, and what names the
//! statement the server rejects); the probes in `probe.rs` make far less.

use super::ddl as planner;
use super::ddl_objects as objects;
use super::inspect::read;
use super::session::{Namespaces, Session, database_error};
use crate::error::{Error, Result};
use crate::model::{
    Column, DefaultValue, Expr, Function, Index, IndexKey, IndexPart, Schema, Sequence, SqlType, Table,
    inherited_column,
};
use crate::sql::quote_ident;
use indexmap::IndexMap;

/// Scratch schemas standing in for the real ones, inside one transaction.
pub(super) struct Scratch {
    /// The real schemas; `schemas[0]` is the default one.
    schemas: Vec<String>,
    /// Scratch schema i stands in for `schemas[i]`.
    names: Vec<String>,
    /// (what, statement): run as one batch; statement by statement only to
    /// find the culprit when the batch fails.
    pub(super) statements: Vec<(String, String)>,
    /// Read back views, functions, triggers, types and policies too, not
    /// only tables.
    pub(super) objects: bool,
    /// The file's functions made so far (by key), so none is made twice.
    made_functions: std::collections::HashSet<String>,
}

impl Scratch {
    /// Scratch schemas for the schemas of `tables` and of `desired`'s enums,
    /// with the search path, extensions, enums and sequences made, and the
    /// domains and composite types, after the `functions` (the file's) that
    /// their checks and defaults call.
    pub(super) fn new<'a>(
        conn: &mut Session,
        desired: &'a Schema,
        functions: &IndexMap<String, Function>,
        tables: impl Iterator<Item = &'a String>,
    ) -> Result<Scratch> {
        let types = desired.enums.keys().chain(desired.domains.keys()).chain(desired.composite_types.keys());
        let schemas = conn.schemas_of(tables.chain(types));
        let pid: i32 = conn
            .client
            .query_one("SELECT pg_backend_pid()", &[])
            .map_err(failed("read the session's process id"))?
            .get(0);
        let names: Vec<String> = (0..schemas.len()).map(|i| format!("dbshape_scratch_{pid}_{i}")).collect();
        let mut scratch =
            Scratch { schemas, names, statements: Vec::new(), objects: false, made_functions: Default::default() };
        for name in &scratch.names {
            scratch.statements.push(("a scratch schema".into(), format!("CREATE SCHEMA {}", quote_ident(name))));
        }
        scratch.statements.push((
            "the search path".into(),
            format!(
                "SET LOCAL search_path = {}, {}",
                quote_ident(&scratch.names[0]),
                quote_ident(&conn.default_schema)
            ),
        ));
        for (extension, wanted) in &desired.extensions {
            let schema = wanted.schema.as_ref().unwrap_or(&conn.default_schema);
            let what = format!("extension \"{extension}\"");
            scratch.statements.push((what.clone(), format!("CREATE SCHEMA IF NOT EXISTS {}", quote_ident(schema))));
            scratch.statements.push((
                what,
                format!("CREATE EXTENSION IF NOT EXISTS {} SCHEMA {}", quote_ident(extension), quote_ident(schema)),
            ));
        }
        // The file's collations under their own names, in their own schemas
        // (the transaction is rolled back), so columns name them as they
        // will: scratch schemas are never part of a collation's name.
        for collation in desired.collations.values() {
            let name = match collation.name.split_once('.') {
                Some((schema, _)) => {
                    let sql = format!("CREATE SCHEMA IF NOT EXISTS {}", quote_ident(schema));
                    scratch.statements.push((format!("collation \"{}\"", collation.name), sql));
                    collation.name.clone()
                }
                None => format!("{}.{}", conn.default_schema, collation.name),
            };
            let made = crate::model::Collation { comment: None, name, ..collation.clone() };
            for sql in objects::create_collation(&made) {
                let sql = sql.replacen("CREATE COLLATION", "CREATE COLLATION IF NOT EXISTS", 1);
                scratch.statements.push((format!("collation \"{}\"", collation.name), sql));
            }
        }
        for (name, values) in &desired.enums {
            let sql = planner::create_enum(&scratch.to_scratch(name), values);
            scratch.statements.push((format!("enum \"{name}\""), sql));
        }
        // Domains and composite types, which may be of the enums (and a
        // composite type of a domain); first the functions the domains'
        // checks and defaults call, unless their signatures need the
        // file's types.
        let calls = desired
            .domains
            .values()
            .flat_map(|d| d.checks.values().map(|c| c.expr.as_str()).chain(d.default.as_ref().map(Expr::as_str)));
        let types = desired.enums.keys().chain(desired.domains.keys()).chain(desired.composite_types.keys());
        scratch.make_functions_called_by(functions, calls.collect(), types.collect());
        for domain in desired.domains.values() {
            let mut made = crate::model::Domain { name: scratch.to_scratch(&domain.name), ..domain.clone() };
            scratch.scratch_type(desired, &mut made.base);
            made.comment = None;
            for sql in objects::create_domain(&made) {
                scratch.statements.push((format!("domain \"{}\"", domain.name), sql));
            }
        }
        for composite in desired.composite_types.values() {
            let mut made =
                crate::model::CompositeType { name: scratch.to_scratch(&composite.name), ..composite.clone() };
            for sql_type in made.attributes.values_mut() {
                scratch.scratch_type(desired, sql_type);
            }
            made.comment = None;
            for sql in objects::create_composite_type(&made) {
                scratch.statements.push((format!("type \"{}\"", composite.name), sql));
            }
        }
        // Defaults may read the file's sequences (`nextval('invoice_no')`).
        for (name, sequence) in &desired.sequences {
            let scratch_sequence = Sequence { name: scratch.to_scratch(name), ..sequence.clone() };
            scratch.statements.push((format!("sequence \"{name}\""), planner::create_sequence(&scratch_sequence)));
        }
        Ok(scratch)
    }

    /// Makes the file's functions that its tables' defaults, checks and
    /// index expressions call (bodies unchecked: they may read those very
    /// tables). A function of a table's row type cannot be made before the
    /// table, and no default calls one.
    pub(super) fn make_functions_for_tables(&mut self, desired: &Schema) {
        if desired.functions.is_empty() {
            return;
        }
        let mut texts: Vec<&str> = Vec::new();
        for table in desired.tables.values() {
            for column in table.columns.values() {
                if let Some(crate::model::DefaultValue::Expr(e)) = &column.default {
                    texts.push(e.as_str());
                }
                texts.extend(column.generated.as_ref().map(Expr::as_str));
            }
            texts.extend(table.checks.values().map(|c| c.expr.as_str()));
            for index in table.indexes.values() {
                texts.extend(index.predicate.as_ref().map(Expr::as_str));
                for part in &index.parts {
                    if let IndexKey::Expr(e) = &part.key {
                        texts.push(e.as_str());
                    }
                }
            }
        }
        self.make_functions_called_by(&desired.functions, texts, desired.tables.keys().collect());
    }

    /// Makes the file's functions that `texts` call, but those whose
    /// signature names one of `not_yet` (tables or types not made yet).
    fn make_functions_called_by(
        &mut self,
        functions: &IndexMap<String, Function>,
        texts: Vec<&str>,
        not_yet: Vec<&String>,
    ) {
        if functions.is_empty() || texts.is_empty() {
            return;
        }
        let lower_bare = |name: &str| crate::model::naming::bare(name).to_ascii_lowercase();
        let named: std::collections::HashSet<String> =
            texts.into_iter().flat_map(crate::sql::lexer::identifiers).collect();
        let not_yet: std::collections::HashSet<String> = not_yet.into_iter().map(|t| lower_bare(t)).collect();
        let needed: Vec<(&String, &Function)> = functions
            .iter()
            .filter(|(key, f)| named.contains(&lower_bare(&f.name)) && !self.made_functions.contains(*key))
            .filter(|(_, f)| {
                let signature = format!("{} {}", f.arguments, f.returns.as_ref().map_or("", |r| r.as_str()));
                crate::sql::lexer::identifiers(&signature).is_disjoint(&not_yet)
            })
            .collect();
        if needed.is_empty() {
            return;
        }
        self.statements.push(("function bodies unchecked".into(), "SET LOCAL check_function_bodies = off".into()));
        for (key, function) in needed {
            self.made_functions.insert(key.clone());
            let made =
                crate::model::Function { name: self.to_scratch(&function.name), comment: None, ..function.clone() };
            let what = format!("{} \"{}\"", function.kind(), function.name);
            self.statements.push((what, objects::create_function(&made, false)));
        }
    }

    /// `query` with each schema-qualified name of a table or view made in
    /// the scratch schemas (`made`, by model name) pointed at its scratch
    /// copy: a view over `x.data` that the plan makes or changes reads the
    /// copy (the real one may not exist yet). [`Scratch::real_text`] maps
    /// the server's spelling back.
    pub(super) fn to_scratch_query(&self, query: &str, made: &[&str]) -> String {
        let tokens = crate::sql::lexer::tokenize(query);
        let mut out = String::with_capacity(query.len());
        let mut at = 0;
        for (i, token) in tokens.iter().enumerate() {
            let (Some(dot), Some(object)) = (tokens.get(i + 1), tokens.get(i + 2)) else { break };
            let after_dot = i > 0 && tokens[i - 1].is_punct('.');
            if after_dot || !dot.is_punct('.') {
                continue;
            }
            let Some(s) = self.schemas.iter().position(|s| *s == token.ident()) else { continue };
            let model_name = if s == 0 { object.ident() } else { format!("{}.{}", self.schemas[s], object.ident()) };
            if made.contains(&model_name.as_str()) {
                out.push_str(&query[at..token.start]);
                out.push_str(&quote_ident(&self.names[s]));
                at = token.end;
            }
        }
        out.push_str(&query[at..]);
        out
    }

    /// Whether the file's function `key` is made already.
    pub(super) fn made_function(&self, key: &str) -> bool {
        self.made_functions.contains(key)
    }

    /// The scratch name of a (possibly schema-qualified) table or type.
    pub(super) fn to_scratch(&self, name: &str) -> String {
        match name.split_once('.') {
            Some((schema, table)) => match self.schemas.iter().position(|s| s == schema) {
                Some(i) if i > 0 => format!("{}.{table}", self.names[i]),
                _ => table.to_string(),
            },
            None => name.to_string(),
        }
    }

    /// The real name of a scratch-qualified type name.
    fn real_name(&self, type_name: &str) -> Option<String> {
        let (schema, rest) = type_name.split_once('.')?;
        let i = self.names.iter().position(|s| s == schema)?;
        Some(format!("{}.{rest}", self.schemas[i]))
    }

    /// SQL text read from the scratch schemas with the real schemas' names:
    /// a name qualified by a scratch schema is qualified by the schema it
    /// stands in for (or unqualified, for the default one).
    pub(super) fn real_text(&self, text: &str) -> String {
        let mut text = text.to_string();
        for (i, name) in self.names.iter().enumerate().rev() {
            let real = if i == 0 { String::new() } else { format!("{}.", quote_ident(&self.schemas[i])) };
            text = text.replace(&format!("\"{name}\"."), &real).replace(&format!("{name}."), &real);
        }
        text
    }

    /// The real name of a table read from the scratch schemas.
    fn real_table(&self, name: &str) -> String {
        match self.real_name(name) {
            Some(real) if real.starts_with(&format!("{}.", self.schemas[0])) => {
                real[self.schemas[0].len() + 1..].to_string()
            }
            Some(real) => real,
            None => name.to_string(),
        }
    }

    /// A column type of `desired` as made in the scratch schemas: an enum
    /// of the file is its scratch copy.
    pub(super) fn scratch_type(&self, desired: &Schema, sql_type: &mut SqlType) {
        map_type_schema(sql_type, &|type_name| {
            let own = desired.enums.contains_key(type_name)
                || desired.domains.contains_key(type_name)
                || desired.composite_types.contains_key(type_name);
            own.then(|| self.to_scratch(type_name))
        });
    }

    /// A table read back, with real names for its types and its parent.
    pub(super) fn real(&self, mut table: Table) -> Table {
        for column in table.columns.values_mut() {
            map_type_schema(&mut column.sql_type, &|t| self.real_name(t));
        }
        if let Some(partition) = &mut table.partition_of {
            partition.parent = self.real_table(&partition.parent);
        }
        table
    }

    /// Runs the statements and reads the scratch schemas back, always
    /// rolling back. When the batch fails and `culprit` is set, the
    /// statements run again one by one to name the one the server rejects.
    pub(super) fn run(&self, conn: &mut Session, culprit: bool) -> Result<Schema> {
        let batch: String = self.statements.iter().map(|(_, sql)| format!("{sql};\n")).collect();
        let mut tx = conn.client.transaction().map_err(failed("begin the scratch transaction"))?;
        if let Err(error) = tx.batch_execute(&batch) {
            drop(tx);
            let named = if culprit { find_rejected(conn, &self.statements) } else { None };
            return Err(named.unwrap_or_else(|| rejected("the schema file", error)));
        }
        let read = read(&mut tx, &Namespaces { schemas: &self.names, default_schema: &self.names[0] }, self.objects)?;
        let _ = tx.rollback();
        Ok(read)
    }
}

fn failed(doing: &str) -> impl FnOnce(postgres::Error) -> Error {
    let doing = doing.to_string();
    move |e| Error::Database { doing, cause: database_error(e) }
}

/// The server's form of an expression, keeping the file's text for SQL.
pub(super) fn written(wanted: Option<&Expr>, spelled: Option<&Expr>) -> Option<Expr> {
    match (wanted, spelled) {
        (Some(wanted), Some(spelled)) => Some(Expr::spelled(wanted, spelled, None)),
        (_, spelled) => spelled.cloned(),
    }
}

pub(super) fn written_default(wanted: Option<&DefaultValue>, spelled: Option<&DefaultValue>) -> Option<DefaultValue> {
    match (wanted, spelled) {
        (Some(DefaultValue::Expr(wanted)), Some(DefaultValue::Expr(spelled))) => {
            Some(DefaultValue::Expr(Expr::spelled(wanted, spelled, None)))
        }
        (_, spelled) => spelled.cloned(),
    }
}

pub(super) fn written_index(wanted: &Index, spelled: &Index) -> Index {
    let mut index = spelled.clone();
    index.predicate = written(wanted.predicate.as_ref(), spelled.predicate.as_ref());
    written_parts(index.parts.iter_mut(), wanted.parts.iter());
    index
}

/// Expression keys in the server's form, keeping the file's text for SQL.
pub(super) fn written_parts<'a>(
    spelled: impl ExactSizeIterator<Item = &'a mut IndexPart>,
    wanted: impl ExactSizeIterator<Item = &'a IndexPart>,
) {
    if spelled.len() != wanted.len() {
        return;
    }
    for (part, wanted) in spelled.zip(wanted) {
        if let (IndexKey::Expr(stored), IndexKey::Expr(written)) = (&part.key, &wanted.key) {
            part.key = IndexKey::Expr(Expr::spelled(written, stored, None));
        }
    }
}

/// Renames a user type (or the element type of an array) by `rename`.
pub(super) fn map_type_schema(sql_type: &mut SqlType, rename: &dyn Fn(&str) -> Option<String>) {
    match sql_type {
        SqlType::Other(name) => {
            if let Some(renamed) = rename(name) {
                *name = renamed;
            }
        }
        SqlType::Array(element) => map_type_schema(element, rename),
        _ => {}
    }
}

/// How many tables one scratch transaction creates.
pub(super) const SCRATCH_TABLES_PER_TRANSACTION: usize = 500;

/// What the server must spell for us: column types, defaults, generated
/// expressions, checks, and indexes with expressions or predicates. Keys,
/// plain indexes, identity, foreign keys and comments are names and flags
/// that the server keeps as given, and cost far more to create.
pub(super) fn server_part(table: &Table) -> Table {
    let mut part = table.clone();
    part.primary_key = None;
    part.uniques.clear();
    part.foreign_keys.clear();
    part.comment = None;
    for column in part.columns.values_mut() {
        column.autoincrement = false;
        column.identity_always = false;
        column.comment = None;
    }
    part.indexes.retain(|_, index| needs_server(index.predicate.as_ref(), &index.parts));
    part.exclusions.retain(|_, exclusion| {
        let parts: Vec<IndexPart> = exclusion.elements.iter().map(|e| e.part.clone()).collect();
        needs_server(exclusion.predicate.as_ref(), &parts)
    });
    // Made with the table, so the server spells a NOT VALID one too (the
    // scratch copy has no rows to skip).
    for check in part.checks.values_mut() {
        check.comment = None;
        check.not_valid = false;
    }
    for index in part.indexes.values_mut() {
        index.comment = None;
    }
    for exclusion in part.exclusions.values_mut() {
        exclusion.comment = None;
    }
    part
}

fn needs_server(predicate: Option<&Expr>, parts: &[IndexPart]) -> bool {
    predicate.is_some() || parts.iter().any(|p| matches!(p.key, IndexKey::Expr(_)))
}

/// Makes `names` (tables of `desired`) as the file says, in scratch
/// schemas, and reads them back: what the server rejects is named.
pub(super) fn whole_tables(conn: &mut Session, desired: &Schema, names: &[String]) -> Result<Vec<Table>> {
    let mut scratch = Scratch::new(conn, desired, &desired.functions, names.iter())?;
    scratch.make_functions_for_tables(desired);
    for name in with_parents(desired, names) {
        let name = &name;
        let mut table = server_part(&desired.tables[name]);
        table.name = scratch.to_scratch(name);
        let parent = table.partition_of.as_ref().and_then(|p| desired.tables.get(&p.parent)).map(server_part);
        if let Some(partition) = &mut table.partition_of {
            partition.parent = scratch.to_scratch(&partition.parent);
        }
        if let Some(parent) = &mut table.inherits {
            *parent = scratch.to_scratch(parent);
        }
        // Columns of a schema-qualified enum use its scratch copy.
        for column in table.columns.values_mut() {
            scratch.scratch_type(desired, &mut column.sql_type);
        }
        scratch.statements.push((format!("table \"{name}\""), planner::create_table(&table)));
        // A partition's own defaults and NOT NULL, where not its parent's.
        for column in parent.iter().flat_map(|parent| table.columns.values().map(move |c| (parent, c))) {
            let (parent, column) = column;
            let Some(inherited) = parent.columns.get(&column.name).map(|c| inherited_column(parent, c)) else {
                continue;
            };
            let own = Column { default: column.default.clone(), nullable: column.nullable, ..inherited.clone() };
            for statement in planner::alter_column(&table.name, &inherited, &own, &desired.enums)? {
                scratch.statements.push((format!("column \"{}\" of \"{name}\"", column.name), statement));
            }
        }
        for index in table.indexes.values() {
            let sql = planner::create_index(&table.name, index);
            scratch.statements.push((format!("index \"{}\" on \"{name}\"", index.name), sql));
        }
        for statement in planner::comments(&table) {
            scratch.statements.push((format!("a comment on \"{name}\""), statement));
        }
    }
    let mut read = scratch.run(conn, true)?;
    names
        .iter()
        .map(|name| {
            let table = read.tables.shift_remove(&scratch.to_scratch(name)).ok_or_else(|| {
                Error::Internal(format!("table \"{name}\" was not found after creating it in a scratch schema"))
            })?;
            Ok(scratch.real(table))
        })
        .collect()
}

/// `names` and the partitioned tables they are partitions of, parents
/// first: a partition is made under its parent.
fn with_parents(schema: &Schema, names: &[String]) -> Vec<String> {
    let mut all: Vec<(usize, String)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for name in names {
        let mut chain = vec![name.clone()];
        while let Some(parent) = schema
            .tables
            .get(chain.last().expect("not empty"))
            .and_then(|t| t.partition_of.as_ref().map(|p| &p.parent).or(t.inherits.as_ref()))
        {
            if chain.contains(parent) || !schema.tables.contains_key(parent) {
                break;
            }
            chain.push(parent.clone());
        }
        let depth = chain.len();
        for (i, name) in chain.into_iter().enumerate() {
            if seen.insert(name.clone()) {
                all.push((depth - i, name));
            }
        }
    }
    all.sort_by_key(|(depth, _)| *depth);
    all.into_iter().map(|(_, name)| name).collect()
}

/// Replays `statements` one by one (rolled back) to name the one the
/// server rejects.
fn find_rejected(conn: &mut Session, statements: &[(String, String)]) -> Option<Error> {
    let mut tx = conn.client.transaction().ok()?;
    for (what, sql) in statements {
        if let Err(error) = tx.batch_execute(sql) {
            return Some(rejected(what, error));
        }
    }
    None
}

/// The server refused to create `what` of the schema file.
pub(super) fn rejected(what: &str, error: postgres::Error) -> Error {
    Error::rejected(what, database_error(error))
}
