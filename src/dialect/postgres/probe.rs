//! Probes: the server's spelling of each distinct thing the file says that
//! PostgreSQL rewrites, asked once.
//!
//! How PostgreSQL prints an expression depends only on its text and on the
//! types (and collations) of the columns it reads. So a check, a generated
//! column or an index with expressions is made on a small scratch table
//! holding just the columns it reads, one table per such set of columns,
//! shared by every table of the file that has the same one; a default
//! depends only on its column's type, and a type's name on nothing else:
//! they are columns of one scratch table each. A thousand tables written
//! alike cost a handful of scratch objects, not a thousand tables.
//!
//! The answer is the server's own, for the very text of the file, in the
//! very context it has in its table: no rewrite is guessed. What a probe
//! could not reproduce exactly (partitions, an expression that names its
//! own table or reads a generated column) goes the whole-table way.

use super::ddl as planner;
use super::scratch::{SCRATCH_TABLES_PER_TRANSACTION, Scratch, server_part};
use super::session::Session;
use crate::error::Result;
use crate::model::{Check, Column, DefaultValue, Expr, IndexKey, IndexPart, Schema, SqlType, Table};
use crate::sql::lexer::{Kind, tokenize};
use indexmap::IndexMap;
use std::collections::HashMap;

/// Columns per scratch table of types or defaults (PostgreSQL allows 1,600).
const COLUMNS_PER_TABLE: usize = 1000;

/// A column a probe reads: its name, type and collation.
type EnvColumn = (String, SqlType, Option<String>);

/// A type and collation.
type TypeKey = (SqlType, Option<String>);

/// A default as SQL, for a column of a type and collation.
type DefaultKey = (SqlType, Option<String>, String);

/// Whether `table` can be read back through probes alone.
pub(super) fn can_probe(table: &Table) -> bool {
    table.partition_by.is_none()
        && table.partition_of.is_none()
        && table.inherits.is_none()
        && pieces(&server_part(table)).is_some()
}

/// Reads `names` of `schema` back as [`super::scratch::whole_tables`] would,
/// through probes; `None` when the probes could not say (a piece no probe
/// stands for, or the server refused one): the caller then makes those
/// tables whole, which names what the server rejects.
pub(super) fn probe(conn: &mut Session, schema: &Schema, names: &[String]) -> Option<Vec<Table>> {
    let mut probes = Probes::default();
    let mut parts = Vec::new();
    for name in names {
        let part = server_part(&schema.tables[name]);
        let pieces = pieces(&part)?;
        let fills = probes.register(&part, pieces);
        parts.push((part, fills));
    }
    let read = probes.run(conn, schema, names).ok()?;
    parts
        .into_iter()
        .map(|(mut table, fills)| {
            for fill in fills {
                fill.apply(&mut table, &read)?;
            }
            Some(table)
        })
        .collect()
}

/// What of a table the server spells, and the columns each piece reads.
struct Pieces {
    checks: Vec<(String, Vec<EnvColumn>)>,
    generated: Vec<(String, Vec<EnvColumn>)>,
    indexes: Vec<(String, Vec<EnvColumn>)>,
    exclusions: Vec<(String, Vec<EnvColumn>)>,
}

/// The pieces of `table` (a server part), or `None` when one of them
/// cannot be probed exactly.
fn pieces(table: &Table) -> Option<Pieces> {
    let reads = |texts: &[&str], named: &[&str]| reads(table, texts, named);
    let part_texts = |parts: &[IndexPart]| -> (Vec<String>, Vec<String>) {
        let mut columns = Vec::new();
        let mut exprs = Vec::new();
        for part in parts {
            match &part.key {
                IndexKey::Column(column) => columns.push(column.clone()),
                IndexKey::Expr(expr) => exprs.push(expr.as_str().to_string()),
            }
        }
        (columns, exprs)
    };
    let mut pieces = Pieces { checks: Vec::new(), generated: Vec::new(), indexes: Vec::new(), exclusions: Vec::new() };
    for check in table.checks.values() {
        pieces.checks.push((check.name.clone(), reads(&[check.expr.as_str()], &[])?));
    }
    for column in table.columns.values() {
        if let Some(expr) = &column.generated {
            pieces.generated.push((column.name.clone(), reads(&[expr.as_str()], &[])?));
        }
    }
    for index in table.indexes.values() {
        let (mut columns, mut exprs) = part_texts(&index.parts);
        columns.extend(index.include.iter().cloned());
        exprs.extend(index.predicate.iter().map(|p| p.as_str().to_string()));
        let exprs: Vec<&str> = exprs.iter().map(String::as_str).collect();
        let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
        pieces.indexes.push((index.name.clone(), reads(&exprs, &columns)?));
    }
    for exclusion in table.exclusions.values() {
        let parts: Vec<IndexPart> = exclusion.elements.iter().map(|e| e.part.clone()).collect();
        let (columns, mut exprs) = part_texts(&parts);
        exprs.extend(exclusion.predicate.iter().map(|p| p.as_str().to_string()));
        let exprs: Vec<&str> = exprs.iter().map(String::as_str).collect();
        let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
        pieces.exclusions.push((exclusion.name.clone(), reads(&exprs, &columns)?));
    }
    Some(pieces)
}

/// The columns of `table` that `texts` (SQL) and `named` (column names)
/// may read, sorted by name: every column an identifier of the text could
/// name (more is harmless, a column left out makes the probe fail). `None`
/// when a text names the table itself (a whole-row or qualified reference)
/// or reads a generated column, which a probe table cannot stand for.
fn reads(table: &Table, texts: &[&str], named: &[&str]) -> Option<Vec<EnvColumn>> {
    let bare = crate::model::naming::bare(&table.name);
    let mut found: Vec<&Column> = Vec::new();
    for name in named {
        found.push(table.columns.get(*name)?);
    }
    for text in texts {
        for token in tokenize(text) {
            let matching: Vec<&Column> = match token.kind {
                Kind::Word => table.columns.values().filter(|c| c.name.eq_ignore_ascii_case(token.text)).collect(),
                Kind::QuotedIdent => {
                    let ident = token.ident();
                    table.columns.values().filter(|c| c.name == ident).collect()
                }
                _ => continue,
            };
            let names_table = match token.kind {
                Kind::Word => token.text.eq_ignore_ascii_case(bare),
                _ => token.ident() == bare,
            };
            if matching.is_empty() && names_table {
                return None;
            }
            found.extend(matching);
        }
    }
    if found.iter().any(|c| c.generated.is_some() || c.name.starts_with("dbshape_")) {
        return None;
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    found.dedup_by(|a, b| a.name == b.name);
    let columns: Vec<EnvColumn> =
        found.into_iter().map(|c| (c.name.clone(), c.sql_type.without_serial(), c.collation.clone())).collect();
    Some(columns)
}

/// Where a probe's answer goes in a table.
enum Fill {
    /// A column's type and collation: a column of a types table.
    Type {
        column: String,
        table: String,
        probe: String,
    },
    /// A column's default: a column of a defaults table.
    Default {
        column: String,
        table: String,
        probe: String,
    },
    /// A generated column's expression: a column of a probe table.
    Generated {
        column: String,
        table: String,
        probe: String,
    },
    Check {
        name: String,
        table: String,
        probe: String,
    },
    Index {
        name: String,
        table: String,
        probe: String,
    },
    Exclusion {
        name: String,
        table: String,
        probe: String,
    },
}

impl Fill {
    /// `None` when the probe is not where it was made.
    fn apply(self, table: &mut Table, read: &HashMap<String, Table>) -> Option<()> {
        let column_of = |scratch: &str, probe: &str| read.get(scratch).and_then(|t| t.columns.get(probe));
        match self {
            Fill::Type { column, table: scratch, probe } => {
                let spelled = column_of(&scratch, &probe)?;
                let column = table.columns.get_mut(&column)?;
                column.sql_type = spelled.sql_type.clone();
                column.collation = spelled.collation.clone();
            }
            Fill::Default { column, table: scratch, probe } => {
                let spelled = column_of(&scratch, &probe)?;
                table.columns.get_mut(&column)?.default = spelled.default.clone();
            }
            Fill::Generated { column, table: scratch, probe } => {
                let spelled = column_of(&scratch, &probe)?;
                table.columns.get_mut(&column)?.generated = spelled.generated.clone();
            }
            Fill::Check { name, table: scratch, probe } => {
                let spelled = read.get(&scratch).and_then(|t| t.checks.get(&probe))?;
                table.checks.insert(name.clone(), Check { name, ..spelled.clone() });
            }
            Fill::Index { name, table: scratch, probe } => {
                let spelled = read.get(&scratch).and_then(|t| t.indexes.get(&probe))?;
                let mut index = spelled.clone();
                index.name = name.clone();
                table.indexes.insert(name, index);
            }
            Fill::Exclusion { name, table: scratch, probe } => {
                let spelled = read.get(&scratch).and_then(|t| t.exclusions.get(&probe))?;
                let mut exclusion = spelled.clone();
                exclusion.name = name.clone();
                table.exclusions.insert(name, exclusion);
            }
        }
        Some(())
    }
}

/// The scratch tables to make: each distinct piece once.
#[derive(Default)]
struct Probes {
    /// (types table, column) for each type.
    types: IndexMap<TypeKey, (String, String)>,
    /// (defaults table, column, the default) for each default.
    defaults: IndexMap<DefaultKey, (String, String, DefaultValue)>,
    /// Probe tables by the columns their pieces read.
    tables: IndexMap<Vec<EnvColumn>, Table>,
    /// Piece (as SQL) → (probe table, probe name), per kind.
    made: HashMap<(char, Vec<EnvColumn>, String), (String, String)>,
    /// Probe names in use (indexes and exclusions are named schema-wide).
    count: usize,
}

impl Probes {
    fn next_name(&mut self, prefix: &str) -> String {
        self.count += 1;
        format!("dbshape_{prefix}{}", self.count)
    }

    /// Registers the pieces of `part`; the fills say where answers go.
    fn register(&mut self, part: &Table, pieces: Pieces) -> Vec<Fill> {
        let mut fills = Vec::new();
        for column in part.columns.values() {
            if !column.sql_type.is_serial() {
                let key = (column.sql_type.clone(), column.collation.clone());
                let (table, probe) = self.column_slot(ColumnSlot::Type(key));
                fills.push(Fill::Type { column: column.name.clone(), table, probe });
            }
            if let (Some(default), None) = (&column.default, &column.generated) {
                let sql = match default {
                    DefaultValue::Literal(literal) => literal.to_string(),
                    DefaultValue::Expr(expr) => expr.as_str().to_string(),
                };
                let key = (column.sql_type.without_serial(), column.collation.clone(), sql);
                let (table, probe) = self.column_slot(ColumnSlot::Default(key, default.clone()));
                fills.push(Fill::Default { column: column.name.clone(), table, probe });
            }
        }
        for (name, reads) in pieces.generated {
            let column = &part.columns[&name];
            let expr = column.generated.as_ref().expect("a generated column").clone();
            let key_sql = format!("{}|{:?}|{}", column.sql_type, column.collation, expr.as_str());
            let (table, probe) = self.piece('g', reads, key_sql, |probe, name| {
                let mut generated = Column::new(name, column.sql_type.without_serial());
                generated.collation = column.collation.clone();
                generated.generated = Some(expr.clone());
                probe.columns.insert(name.to_string(), generated);
            });
            fills.push(Fill::Generated { column: name, table, probe });
        }
        for (name, reads) in pieces.checks {
            let expr: Expr = part.checks[&name].expr.clone();
            let (table, probe) = self.piece('c', reads, expr.as_str().to_string(), |probe, name| {
                probe.checks.insert(name.to_string(), Check::new(name, expr.clone()));
            });
            fills.push(Fill::Check { name, table, probe });
        }
        for (name, reads) in pieces.indexes {
            let mut index = part.indexes[&name].clone();
            index.name = String::new();
            let key_sql = planner::create_index("", &index);
            let (table, probe) = self.piece('i', reads, key_sql, |probe, name| {
                index.name = name.to_string();
                probe.indexes.insert(name.to_string(), index.clone());
            });
            fills.push(Fill::Index { name, table, probe });
        }
        for (name, reads) in pieces.exclusions {
            let mut exclusion = part.exclusions[&name].clone();
            let key_sql = planner::exclude_clause(&exclusion);
            let (table, probe) = self.piece('x', reads, key_sql, |probe, name| {
                exclusion.name = name.to_string();
                probe.exclusions.insert(name.to_string(), exclusion.clone());
            });
            fills.push(Fill::Exclusion { name, table, probe });
        }
        fills
    }

    /// The probe for a piece of kind `kind` reading `reads`, made by `make`
    /// (given the probe table and the probe's name) unless already made.
    fn piece(
        &mut self,
        kind: char,
        reads: Vec<EnvColumn>,
        sql: String,
        make: impl FnOnce(&mut Table, &str),
    ) -> (String, String) {
        let key = (kind, reads.clone(), sql);
        if let Some(made) = self.made.get(&key) {
            return made.clone();
        }
        let probe_name = self.next_name(&kind.to_string());
        let count = self.tables.len();
        let table = self.tables.entry(reads.clone()).or_insert_with(|| {
            let mut table = Table::new(format!("dbshape_probe_{count}"));
            for (name, sql_type, collation) in &reads {
                let mut column = Column::new(name, sql_type.clone());
                column.collation = collation.clone();
                table.columns.insert(name.clone(), column);
            }
            table
        });
        make(table, &probe_name);
        let made = (table.name.clone(), probe_name);
        self.made.insert(key, made.clone());
        made
    }

    /// The column standing for a type or a default in a types or defaults table.
    fn column_slot(&mut self, slot: ColumnSlot) -> (String, String) {
        match slot {
            ColumnSlot::Type(key) => {
                if let Some(found) = self.types.get(&key) {
                    return found.clone();
                }
                let n = self.types.len();
                let found = (format!("dbshape_types_{}", n / COLUMNS_PER_TABLE), format!("t{n}"));
                self.types.insert(key, found.clone());
                found
            }
            ColumnSlot::Default(key, default) => {
                if let Some((table, column, _)) = self.defaults.get(&key) {
                    return (table.clone(), column.clone());
                }
                let n = self.defaults.len();
                let found = (format!("dbshape_defaults_{}", n / COLUMNS_PER_TABLE), format!("d{n}"));
                self.defaults.insert(key, (found.0.clone(), found.1.clone(), default));
                found
            }
        }
    }

    /// Makes every probe table (a bounded number per transaction) and
    /// reads them back, by name.
    fn run(self, conn: &mut Session, schema: &Schema, names: &[String]) -> Result<HashMap<String, Table>> {
        let mut tables: IndexMap<String, Table> = IndexMap::new();
        for ((sql_type, collation), (table, column)) in &self.types {
            let probe = tables.entry(table.clone()).or_insert_with(|| Table::new(table.clone()));
            let mut column = Column::new(column, sql_type.clone());
            column.collation = collation.clone();
            probe.columns.insert(column.name.clone(), column);
        }
        for ((sql_type, collation, _), (table, column, default)) in &self.defaults {
            let probe = tables.entry(table.clone()).or_insert_with(|| Table::new(table.clone()));
            let mut column = Column::new(column, sql_type.clone());
            column.collation = collation.clone();
            column.default = Some(default.clone());
            probe.columns.insert(column.name.clone(), column);
        }
        for table in self.tables.into_values() {
            tables.insert(table.name.clone(), table);
        }
        let tables: Vec<Table> = tables.into_values().collect();
        let mut read = HashMap::new();
        for batch in tables.chunks(SCRATCH_TABLES_PER_TRANSACTION) {
            let mut scratch = Scratch::new(conn, schema, &schema.functions, names.iter())?;
            scratch.make_functions_for_tables(schema);
            for table in batch {
                let mut table = table.clone();
                for column in table.columns.values_mut() {
                    scratch.scratch_type(schema, &mut column.sql_type);
                }
                for check in table.checks.values_mut() {
                    check.not_valid = false;
                }
                scratch.statements.push((format!("probe \"{}\"", table.name), planner::create_table(&table)));
                for index in table.indexes.values() {
                    scratch
                        .statements
                        .push((format!("probe \"{}\"", index.name), planner::create_index(&table.name, index)));
                }
            }
            let spelled = scratch.run(conn, false)?;
            for (name, table) in spelled.tables {
                read.insert(name, scratch.real(table));
            }
        }
        Ok(read)
    }
}

enum ColumnSlot {
    Type(TypeKey),
    Default(DefaultKey, DefaultValue),
}

#[cfg(test)]
mod tests {
    //! Probes must read exactly what making each table whole reads: both
    //! ways run here on the same schemas and are compared field by field
    //! (everything the normaliser takes from a read-back table).

    use super::*;
    use crate::dialect::Connection;
    use crate::model::{Exclusion, Index};
    use crate::scope::Scope;
    use std::path::Path;

    const ADMIN: &str = "host=127.0.0.1 port=5432 user=postgres dbname=postgres";

    /// A throw-away database and a connection to it; `None` when no server
    /// answers and `DBSHAPE_REQUIRE_PG` is unset.
    struct Database {
        name: String,
    }

    impl Database {
        fn new(tag: &str) -> Option<(Database, Session)> {
            let mut admin = match postgres::Client::connect(ADMIN, postgres::NoTls) {
                Ok(admin) => admin,
                Err(error) if std::env::var_os("DBSHAPE_REQUIRE_PG").is_some() => {
                    panic!("DBSHAPE_REQUIRE_PG is set but PostgreSQL is unreachable: {error}")
                }
                Err(_) => {
                    eprintln!("PostgreSQL unreachable: skipping");
                    return None;
                }
            };
            let name = format!("dbshape_probe_{tag}_{}", std::process::id());
            admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).unwrap();
            admin.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
            let url = format!("postgresql://postgres@127.0.0.1:5432/{name}?sslmode=disable");
            let conn = Session::open(&url, &Scope::default()).unwrap();
            Some((Database { name }, conn))
        }
    }

    impl Drop for Database {
        fn drop(&mut self) {
            if let Ok(mut admin) = postgres::Client::connect(ADMIN, postgres::NoTls) {
                let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
            }
        }
    }

    /// What the normaliser reads from a table read back.
    type Spelled = (
        Vec<(String, SqlType, Option<String>, Option<DefaultValue>, Option<Expr>, bool)>,
        Vec<Check>,
        Vec<Index>,
        Vec<Exclusion>,
    );

    fn spelled(table: &Table) -> Spelled {
        let columns = table
            .columns
            .values()
            .map(|c| {
                (
                    c.name.clone(),
                    c.sql_type.clone(),
                    c.collation.clone(),
                    c.default.clone(),
                    c.generated.clone(),
                    c.nullable,
                )
            })
            .collect();
        let mut checks: Vec<Check> = table.checks.values().cloned().collect();
        checks.sort_by(|a, b| a.name.cmp(&b.name));
        let mut indexes: Vec<Index> = table.indexes.values().cloned().collect();
        indexes.sort_by(|a, b| a.name.cmp(&b.name));
        let mut exclusions: Vec<Exclusion> = table.exclusions.values().cloned().collect();
        exclusions.sort_by(|a, b| a.name.cmp(&b.name));
        (columns, checks, indexes, exclusions)
    }

    /// Reads every probeable table of `schema` both ways and compares.
    fn same_both_ways(conn: &mut Session, schema: &Schema) -> usize {
        let names: Vec<String> = schema.tables.keys().filter(|n| can_probe(&schema.tables[*n])).cloned().collect();
        let probed = probe(conn, schema, &names).expect("probes");
        let whole = super::super::scratch::whole_tables(conn, schema, &names).expect("whole tables");
        for (name, (probed, whole)) in names.iter().zip(probed.iter().zip(&whole)) {
            assert_eq!(spelled(probed), spelled(whole), "table {name}");
        }
        names.len()
    }

    /// Written the way people write by hand: every piece here is one the
    /// server rewrites, and columns of one name have other types elsewhere.
    const HANDWRITTEN: &str = r#"
extensions: [btree_gist]
enums:
  mood: [happy, sad]
sequences:
  invoice_no: { type: integer, start: 1000 }
tables:
  orders:
    columns:
      id: { type: integer, primary_key: true }
      status: { type: varchar(20), nullable: false, default: new, check: "status IN ('new', 'open', 'closed')" }
      qty: { type: integer, default: 0, check: "qty BETWEEN 0 AND 1000" }
      price: { type: "numeric(12,2)", default: 0.00 }
      total: { type: "numeric(14,2)", generated: "qty * price" }
      email: { type: text, collation: C }
      placed: { type: date, default: { sql: CURRENT_DATE } }
      at: { type: timestamptz, default: "2026-01-01 00:00:00+02" }
      mood: { type: mood, default: happy }
      tags: { type: "text[]", default: "{a,b}" }
      payload: { type: jsonb, default: { sql: "'{}'::jsonb" } }
      invoice: { type: integer, default: { sql: "nextval('invoice_no')" } }
      "MixedCase": { type: text, check: "\"MixedCase\" <> ''" }
    checks:
      sane: "qty > 0 OR status = 'new'"
      dated: "at > '2020-01-01' AND placed >= DATE '2020-01-01'"
    indexes:
      orders_email: { columns: [{ expr: lower(email) }] }
      orders_open: { columns: [placed], where: "status <> 'closed'" }
      orders_kind: { columns: [{ expr: "payload->>'kind'", opclass: text_pattern_ops }], where: "payload ? 'kind'" }
      orders_mood: { columns: [mood, { expr: "upper(\"MixedCase\")", collation: C }] }
  items:
    columns:
      id: { type: bigint, primary_key: true }
      status: { type: text, check: "status IN ('new', 'open', 'closed')" }
      qty: { type: smallint, check: "qty BETWEEN 0 AND 1000" }
      email: text
      room: integer
      during: tsrange
    indexes:
      items_email: { columns: [{ expr: lower(email) }] }
    exclusions:
      items_no_overlap: { elements: [{ column: room, with: "=" }, { column: during, with: "&&" }], where: "status <> 'closed'" }
  selfish:
    columns:
      a: integer
      b: integer
    checks:
      whole_row: "selfish.a > 0"
"#;

    #[test]
    fn probes_read_what_whole_tables_read() {
        let Some((_db, mut conn)) = Database::new("hand") else { return };
        let schema = crate::file::load_str(HANDWRITTEN, Path::new("handwritten.yaml")).unwrap();
        // `selfish` names its own table: it is left to the whole-table way.
        assert!(!can_probe(&schema.tables["selfish"]));
        assert_eq!(same_both_ways(&mut conn, &schema), 2);
    }

    #[test]
    fn probes_read_the_corpus_as_whole_tables_do() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/postgres");
        let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        files.retain(|f| f.extension().is_some_and(|e| e == "sql"));
        files.sort();
        files.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/postgres_shop.sql"));
        for (i, file) in files.iter().enumerate() {
            let Some((db, mut conn)) = Database::new(&format!("corpus{i}")) else { return };
            let sql = std::fs::read_to_string(file).unwrap();
            conn.client.batch_execute(&sql).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            // The search path a dump may have emptied is the session's again.
            drop(conn);
            let url = format!("postgresql://postgres@127.0.0.1:5432/{}?sslmode=disable", db.name);
            let mut conn = Session::open(&url, &Scope::default()).unwrap();
            let live = conn.inspect(None).unwrap();
            assert!(same_both_ways(&mut conn, &live) > 0, "{}", file.display());
        }
    }
}
