//! The SQL text of the statements a PostgreSQL plan runs on tables,
//! columns, keys, indexes, enums and sequences (views, functions,
//! triggers, types and policies are `ddl_objects.rs`). The scratch schemas
//! that spell the file through the server are made with the same text.

use super::session::{collation_ident, qualified, schema_of, table_ident};
use super::types::{serial_base, type_sql, using_cast};
use crate::error::{Error, Result};
use crate::model::naming::{self, serial_sequence as serial_sequence_name};
use crate::model::{
    Check, Column, DefaultValue, Exclusion, ForeignKey, Index, IndexKey, IndexPart, Sequence, SequenceOptions, SqlType,
    Statistics, Table, Unique,
};
use crate::sql::{ident_list, quote_ident, quote_literal};
use indexmap::IndexMap;

pub(super) fn create_sequence(sequence: &Sequence) -> String {
    let mut sql = format!("CREATE SEQUENCE {} AS {}", table_ident(&sequence.name), type_sql(&sequence.sql_type));
    for clause in sequence_clauses(&sequence.options) {
        sql.push(' ');
        sql.push_str(&clause);
    }
    sql
}

/// `ALTER SEQUENCE … OWNED BY table.column` (or `NONE`).
pub(super) fn owned_by(sequence: &Sequence) -> String {
    let owner = match &sequence.owned_by {
        Some((table, column)) => format!("{}.{}", table_ident(table), quote_ident(column)),
        None => "NONE".into(),
    };
    format!("ALTER SEQUENCE {} OWNED BY {owner}", table_ident(&sequence.name))
}

pub(super) fn comment_on_sequence(sequence: &Sequence) -> String {
    let text = sequence.comment.as_deref().map_or("NULL".into(), quote_literal);
    format!("COMMENT ON SEQUENCE {} IS {text}", table_ident(&sequence.name))
}

pub(super) fn create_enum(name: &str, values: &[String]) -> String {
    let labels: Vec<String> = values.iter().map(|v| quote_literal(v)).collect();
    format!("CREATE TYPE {} AS ENUM ({})", table_ident(name), labels.join(", "))
}

/// Renames the old type out of the way, creates the new one, casts every
/// column of the type through text (a value with no label left fails the
/// cast, and the transaction with it), then drops the old type.
pub(super) fn recreate_enum(name: &str, values: &[String], base: &crate::model::Schema) -> Vec<String> {
    let bare = naming::bare(name);
    let old = format!("{bare}__dbshape_old");
    let old_qualified = match name.split_once('.') {
        Some((schema, _)) => format!("{}.{}", quote_ident(schema), quote_ident(&old)),
        None => quote_ident(&old),
    };
    let mut statements =
        vec![format!("ALTER TYPE {} RENAME TO {}", table_ident(name), quote_ident(&old)), create_enum(name, values)];
    let enum_type = SqlType::Other(name.to_string());
    let array_type = SqlType::Array(Box::new(enum_type.clone()));
    for table in base.tables.values() {
        // A column the parent has too (inherited, or declared as well)
        // changes with the parent's.
        let parent = table.inherits.as_ref().and_then(|p| base.tables.get(p));
        let from_parent = |name: &str| parent.is_some_and(|p| p.columns.contains_key(name));
        for column in table.columns.values().filter(|c| !from_parent(&c.name)) {
            let suffix = if column.sql_type == enum_type {
                ""
            } else if column.sql_type == array_type {
                "[]"
            } else {
                continue;
            };
            let alter = |clause: String| {
                format!("ALTER TABLE {} ALTER COLUMN {} {clause}", table_ident(&table.name), quote_ident(&column.name))
            };
            if column.default.is_some() {
                statements.push(alter("DROP DEFAULT".into()));
            }
            let new_type = format!("{}{suffix}", table_ident(name));
            statements
                .push(alter(format!("TYPE {new_type} USING {}::text{suffix}::{new_type}", quote_ident(&column.name))));
            if let Some(default) = &column.default {
                statements.push(alter(format!("SET DEFAULT {}", default_sql(default))));
            }
        }
    }
    statements.push(format!("DROP TYPE {old_qualified}"));
    statements
}

pub(super) fn drop_constraint(table: &str, name: &str) -> String {
    format!("ALTER TABLE {} DROP CONSTRAINT {}", table_ident(table), quote_ident(name))
}

/// CREATE TABLE with its keys and validated checks; foreign keys and
/// checks kept `NOT VALID` come separately (CREATE TABLE would validate
/// them: [`unvalidated_checks`]).
pub(super) fn create_table(table: &Table) -> String {
    // An inheriting table's parent's columns come with `INHERITS`.
    let own = table.columns.values().filter(|c| !(c.inherited && table.inherits.is_some()));
    let mut lines: Vec<String> = own.map(column_definition).collect();
    let column_lines = lines.len();
    if let Some(pk) = &table.primary_key {
        lines.push(format!(
            "CONSTRAINT {} PRIMARY KEY ({}){}",
            quote_ident(&pk.name),
            ident_list(&pk.columns),
            deferrable_clause(pk.deferrable, pk.initially_deferred)
        ));
    }
    for unique in table.uniques.values().filter(|u| !repeats_a_key(table, u)) {
        lines.push(format!("CONSTRAINT {} {}", quote_ident(&unique.name), unique_clause(unique)));
    }
    for check in table.checks.values().filter(|c| !c.not_valid) {
        lines.push(format!("CONSTRAINT {} CHECK ({})", quote_ident(&check.name), check.expr.unwrapped()));
    }
    for exclusion in table.exclusions.values() {
        lines.push(format!("CONSTRAINT {} {}", quote_ident(&exclusion.name), exclude_clause(exclusion)));
    }
    let partition_by = table.partition_by.as_ref().map(|key| format!(" PARTITION BY {key}")).unwrap_or_default();
    let with =
        if table.storage.is_empty() { String::new() } else { format!(" WITH ({})", storage_list(&table.storage)) };
    let inherits = table.inherits.as_ref().map(|p| format!(" INHERITS ({})", table_ident(p))).unwrap_or_default();
    let partition_by = format!("{inherits}{partition_by}{with}");
    let create = if table.unlogged { "CREATE UNLOGGED TABLE" } else { "CREATE TABLE" };
    match &table.partition_of {
        // Its columns are its parent's; its own constraints may follow.
        Some(partition) => {
            let constraints = lines.split_off(column_lines);
            let constraints =
                if constraints.is_empty() { String::new() } else { format!(" (\n  {}\n)", constraints.join(",\n  ")) };
            format!(
                "{create} {} PARTITION OF {}{constraints} {}{partition_by}",
                table_ident(&table.name),
                table_ident(&partition.parent),
                partition.bound_clause()
            )
        }
        None => format!("{create} {} (\n  {}\n){partition_by}", table_ident(&table.name), lines.join(",\n  ")),
    }
}

/// Storage parameters as in `WITH (...)`: `fillfactor = '50'`. Names are
/// plain identifiers (the file's loader checks), values quoted literals,
/// which PostgreSQL takes for every kind of parameter.
fn storage_list(parameters: &IndexMap<String, String>) -> String {
    parameters.iter().map(|(k, v)| format!("{k} = {}", quote_literal(v))).collect::<Vec<_>>().join(", ")
}

/// `ALTER TABLE … SET (…)` and `RESET (…)` from one set of storage
/// parameters to another.
pub(super) fn set_storage_parameters(
    table: &str,
    from: &IndexMap<String, String>,
    to: &IndexMap<String, String>,
) -> Vec<String> {
    let mut statements = Vec::new();
    let reset: Vec<&str> = from.keys().filter(|k| !to.contains_key(*k)).map(String::as_str).collect();
    if !reset.is_empty() {
        statements.push(format!("ALTER TABLE {} RESET ({})", table_ident(table), reset.join(", ")));
    }
    let set: IndexMap<String, String> =
        to.iter().filter(|(k, v)| from.get(*k) != Some(*v)).map(|(k, v)| (k.clone(), v.clone())).collect();
    if !set.is_empty() {
        statements.push(format!("ALTER TABLE {} SET ({})", table_ident(table), storage_list(&set)));
    }
    statements
}

/// `CREATE STATISTICS` on `table`'s columns, in the table's schema, and
/// its comment.
pub(super) fn create_statistics(table: &str, statistics: &Statistics) -> Vec<String> {
    let kinds = if statistics.kinds.is_empty() { String::new() } else { format!(" ({})", statistics.kinds.join(", ")) };
    let mut statements = vec![format!(
        "CREATE STATISTICS {}{kinds} ON {} FROM {}",
        qualified(schema_of(table), &statistics.name),
        ident_list(&statistics.columns),
        table_ident(table)
    )];
    if statistics.comment.is_some() {
        statements.push(comment_on_statistics(table, statistics));
    }
    statements
}

pub(super) fn comment_on_statistics(table: &str, statistics: &Statistics) -> String {
    format!(
        "COMMENT ON STATISTICS {} IS {}",
        qualified(schema_of(table), &statistics.name),
        statistics.comment.as_deref().map_or("NULL".into(), quote_literal)
    )
}

pub(super) fn drop_statistics(table: &str, statistics: &Statistics) -> String {
    format!("DROP STATISTICS {}", qualified(schema_of(table), &statistics.name))
}

/// `ALTER TABLE … SET UNLOGGED` or `SET LOGGED`.
pub(super) fn set_unlogged(table: &str, unlogged: bool) -> String {
    format!("ALTER TABLE {} SET {}", table_ident(table), if unlogged { "UNLOGGED" } else { "LOGGED" })
}

/// CREATE TABLE silently leaves out a unique constraint on the same columns
/// as the primary key or an earlier unique constraint; ALTER TABLE adds it.
/// These statements follow `create_table`.
pub(super) fn repeated_uniques(table: &Table) -> Vec<String> {
    table.uniques.values().filter(|u| repeats_a_key(table, u)).map(|u| add_unique(&table.name, u)).collect()
}

pub(super) fn repeats_a_key(table: &Table, unique: &Unique) -> bool {
    table.primary_key.as_ref().is_some_and(|pk| pk.columns == unique.columns)
        || table.uniques.values().take_while(|u| u.name != unique.name).any(|u| u.columns == unique.columns)
}

/// The checks of a new table the file keeps `validated: false`, added
/// `NOT VALID` after `create_table` and before the comments.
pub(super) fn unvalidated_checks(table: &Table) -> Vec<String> {
    table.checks.values().filter(|c| c.not_valid).map(|c| add_check(&table.name, c)).collect()
}

/// `ADD CONSTRAINT … CHECK`, `NOT VALID` where the file says `validated: false`.
pub(super) fn add_check(table: &str, check: &Check) -> String {
    let not_valid = if check.not_valid { " NOT VALID" } else { "" };
    format!(
        "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({}){not_valid}",
        table_ident(table),
        quote_ident(&check.name),
        check.expr.unwrapped()
    )
}

pub(super) fn add_unique(table: &str, unique: &Unique) -> String {
    format!("ALTER TABLE {} ADD CONSTRAINT {} {}", table_ident(table), quote_ident(&unique.name), unique_clause(unique))
}

/// `UNIQUE [NULLS NOT DISTINCT] (columns) [DEFERRABLE [INITIALLY DEFERRED]]`.
pub(super) fn unique_clause(unique: &Unique) -> String {
    let nulls = if unique.nulls_not_distinct { " NULLS NOT DISTINCT" } else { "" };
    let deferrable = deferrable_clause(unique.deferrable, unique.initially_deferred);
    format!("UNIQUE{nulls} ({}){deferrable}", ident_list(&unique.columns))
}

/// ` DEFERRABLE [INITIALLY DEFERRED]`, or nothing.
pub(super) fn deferrable_clause(deferrable: bool, initially_deferred: bool) -> &'static str {
    match (deferrable || initially_deferred, initially_deferred) {
        (true, true) => " DEFERRABLE INITIALLY DEFERRED",
        (true, false) => " DEFERRABLE",
        _ => "",
    }
}

/// The comments of a new table: its own, its columns', and its keys',
/// checks' and indexes' (foreign keys' come with the foreign keys).
pub(super) fn comments(table: &Table) -> Vec<String> {
    let t = table.name.as_str();
    let mut statements = Vec::new();
    if let Some(comment) = &table.comment {
        statements.push(format!("COMMENT ON TABLE {} IS {}", table_ident(t), quote_literal(comment)));
    }
    // A partition's column comments are changes of their own (the differ
    // lists where a partition differs from its parent).
    for column in table.columns.values().filter(|_| table.partition_of.is_none()) {
        statements.extend(column_comment(t, column));
    }
    if let Some(pk) = &table.primary_key {
        statements.extend(constraint_comment(t, &pk.name, &pk.comment));
    }
    for unique in table.uniques.values() {
        statements.extend(constraint_comment(t, &unique.name, &unique.comment));
    }
    for check in table.checks.values() {
        statements.extend(constraint_comment(t, &check.name, &check.comment));
    }
    for exclusion in table.exclusions.values() {
        statements.extend(constraint_comment(t, &exclusion.name, &exclusion.comment));
    }
    for index in table.indexes.values().filter(|i| i.comment.is_some()) {
        statements.push(comment_on_index(t, &index.name, &index.comment));
    }
    statements
}

/// `COMMENT ON CONSTRAINT`, for a constraint that has a comment.
pub(super) fn constraint_comment(table: &str, name: &str, comment: &Option<String>) -> Option<String> {
    comment.as_ref().map(|_| comment_on_constraint(table, name, comment))
}

pub(super) fn comment_on_constraint(table: &str, name: &str, comment: &Option<String>) -> String {
    let text = comment.as_deref().map_or("NULL".into(), quote_literal);
    format!("COMMENT ON CONSTRAINT {} ON {} IS {text}", quote_ident(name), table_ident(table))
}

pub(super) fn comment_on_index(table: &str, name: &str, comment: &Option<String>) -> String {
    let text = comment.as_deref().map_or("NULL".into(), quote_literal);
    format!("COMMENT ON INDEX {} IS {text}", qualified(schema_of(table), name))
}

pub(super) fn column_comment(table: &str, column: &Column) -> Option<String> {
    column.comment.as_ref().map(|comment| {
        format!("COMMENT ON COLUMN {}.{} IS {}", table_ident(table), quote_ident(&column.name), quote_literal(comment))
    })
}

pub(super) fn add_foreign_key(table: &str, fk: &ForeignKey) -> String {
    let mut sql = format!(
        "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
        table_ident(table),
        quote_ident(&fk.name),
        ident_list(&fk.columns),
        table_ident(&fk.ref_table),
        ident_list(&fk.ref_columns)
    );
    for (clause, action) in [("ON DELETE", fk.on_delete), ("ON UPDATE", fk.on_update)] {
        if action != Default::default() {
            sql.push_str(&format!(" {clause} {}", action.sql()));
        }
    }
    sql.push_str(deferrable_clause(fk.deferrable, fk.initially_deferred));
    if fk.not_valid {
        sql.push_str(" NOT VALID");
    }
    sql
}

/// A default as SQL. An expression is parenthesised: a column's DEFAULT
/// takes only a restricted expression (`now() AT TIME ZONE 'utc'` must be
/// wrapped).
pub(super) fn default_sql(default: &DefaultValue) -> String {
    match default {
        DefaultValue::Literal(literal) => literal.to_string(),
        DefaultValue::Expr(expr) => format!("({})", expr.unwrapped()),
    }
}

pub(super) fn column_definition(column: &Column) -> String {
    let mut sql = format!("{} {}", quote_ident(&column.name), type_sql(&column.sql_type));
    if let Some(collation) = &column.collation {
        sql.push_str(&format!(" COLLATE {}", collation_ident(collation)));
    }
    if let Some(generated) = &column.generated {
        sql.push_str(&format!(" GENERATED ALWAYS AS ({}) STORED", generated.unwrapped()));
    } else if column.autoincrement {
        sql.push_str(&format!(" {}", identity_clause(column)));
    } else if let Some(default) = &column.default {
        sql.push_str(&format!(" DEFAULT {}", default_sql(default)));
    }
    if !column.nullable {
        sql.push_str(" NOT NULL");
    }
    sql
}

/// `GENERATED … AS IDENTITY`, with the options that are not the defaults.
pub(super) fn identity_clause(column: &Column) -> String {
    let kind = if column.identity_always { "ALWAYS" } else { "BY DEFAULT" };
    let options = sequence_clauses(&column.identity_options);
    match options.is_empty() {
        true => format!("GENERATED {kind} AS IDENTITY"),
        false => format!("GENERATED {kind} AS IDENTITY ({})", options.join(" ")),
    }
}

/// `START WITH 100`, `INCREMENT BY 5`, … for each option that is set.
pub(super) fn sequence_clauses(options: &SequenceOptions) -> Vec<String> {
    let mut clauses = Vec::new();
    let numbers = [
        ("START WITH", options.start),
        ("INCREMENT BY", options.increment),
        ("MINVALUE", options.min),
        ("MAXVALUE", options.max),
        ("CACHE", options.cache),
    ];
    for (clause, value) in numbers {
        if let Some(value) = value {
            clauses.push(format!("{clause} {value}"));
        }
    }
    if options.cycle {
        clauses.push("CYCLE".into());
    }
    clauses
}

/// A serial column's sequence: the one the database has (`<table>_<column>_seq`
/// unless a rename left it another name), unqualified and qualified.
pub(super) fn serial_sequence(table: &str, column: &Column) -> (String, String) {
    let name = column.serial_sequence.clone().unwrap_or_else(|| serial_sequence_name(table, &column.name));
    let bare = naming::bare(&name).to_string();
    (bare, table_ident(&name))
}

/// Refuses a type change to or from a serial type that is neither another
/// serial type nor an identity column.
pub(super) fn serial_change(table: &str, from: &Column, to: &Column) -> Result<()> {
    match (serial_base(&from.sql_type), serial_base(&to.sql_type)) {
        (Some(_), Some(_)) => Ok(()),
        (Some(_), None) if to.autoincrement && to.sql_type.is_integer() => Ok(()),
        (Some(_), None) | (None, Some(_)) if from.sql_type != to.sql_type => Err(Error::Unsupported(format!(
            "changing {table}.{} from {} to {} is not supported: a serial column can become another serial type \
             or an identity column (`autoincrement: true` or `identity:`)",
            to.name, from.sql_type, to.sql_type
        ))),
        _ => Ok(()),
    }
}

/// The statements that turn column `from` of `table` into `to`; `enums` are
/// the enum types of the schema the table is in now (a cast from one goes
/// through text).
pub(super) fn alter_column(
    table: &str,
    from: &Column,
    to: &Column,
    enums: &indexmap::IndexMap<String, Vec<String>>,
) -> Result<Vec<String>> {
    let alter =
        |clause: String| format!("ALTER TABLE {} ALTER COLUMN {} {clause}", table_ident(table), quote_ident(&to.name));
    let mut statements = Vec::new();
    // Serial columns change type with their sequence, or become identity
    // columns that go on from its current value; `from` then stands for
    // the column as those statements leave it.
    let mut from = from.clone();
    match (serial_base(&from.sql_type), serial_base(&to.sql_type)) {
        (Some(_), Some(base)) if from.sql_type != to.sql_type => {
            let (_, sequence) = serial_sequence(table, &from);
            statements.push(alter(format!("TYPE {}", type_sql(&base))));
            statements.push(format!("ALTER SEQUENCE {sequence} AS {}", type_sql(&base)));
            from.sql_type = to.sql_type.clone();
        }
        (Some(base), None) if to.autoincrement && to.sql_type.is_integer() => {
            // The identity's own sequence takes the serial one's name: that
            // one steps aside, hands over its current value, and goes.
            let (name, sequence) = serial_sequence(table, &from);
            let old_name = format!("{name}_dbshape_old");
            let old = qualified(schema_of(table), &old_name);
            if base != to.sql_type {
                statements.push(alter(format!("TYPE {}", type_sql(&to.sql_type))));
            }
            statements.push(alter("DROP DEFAULT".into()));
            statements.push(format!("ALTER SEQUENCE {sequence} RENAME TO {}", quote_ident(&old_name)));
            // No longer the column's: `pg_get_serial_sequence` must find the identity's.
            statements.push(format!("ALTER SEQUENCE {old} OWNED BY NONE"));
            statements.push(alter(format!("ADD {}", identity_clause(to))));
            statements.push(format!(
                "SELECT setval(pg_get_serial_sequence({}, {}), last_value, is_called) FROM {old}",
                quote_literal(&table_ident(table)),
                quote_literal(&to.name)
            ));
            statements.push(format!("DROP SEQUENCE {old}"));
            from = Column { nullable: from.nullable, comment: from.comment.clone(), ..to.clone() };
        }
        _ => serial_change(table, &from, to)?,
    }
    let type_changes = from.sql_type != to.sql_type || from.collation != to.collation;
    if from.autoincrement && !to.autoincrement {
        statements.push(alter("DROP IDENTITY".into()));
    }
    if from.default.is_some() && (to.default.is_none() || type_changes) {
        statements.push(alter("DROP DEFAULT".into()));
    }
    if type_changes {
        let mut clause = format!("TYPE {}", type_sql(&to.sql_type));
        if let Some(collation) = &to.collation {
            clause.push_str(&format!(" COLLATE {}", collation_ident(collation)));
        }
        if let Some(using) = &to.using {
            clause.push_str(&format!(" USING ({})", using.unwrapped()));
        } else if let Some(cast) = using_cast(&quote_ident(&to.name), &from.sql_type, &to.sql_type, enums) {
            clause.push_str(&format!(" USING {cast}"));
        }
        statements.push(alter(clause));
    }
    if let Some(default) = &to.default
        && (from.default.as_ref() != Some(default) || type_changes)
    {
        statements.push(alter(format!("SET DEFAULT {}", default_sql(default))));
    }
    if from.nullable
        && !to.nullable
        && let Some(backfill) = &to.backfill
    {
        statements.push(backfill_sql(table, &to.name, backfill));
    }
    if from.nullable != to.nullable {
        statements.push(alter(if to.nullable { "DROP NOT NULL".into() } else { "SET NOT NULL".into() }));
    }
    if to.autoincrement && !from.autoincrement {
        statements.push(alter(format!("ADD {}", identity_clause(to))));
        // Rows the column already has: the identity goes on past them.
        let options = to.identity_options.effective(&to.sql_type);
        let (start, ascending) = (options.start.unwrap_or(1), options.increment.unwrap_or(1) > 0);
        let column = quote_ident(&to.name);
        let (edge, next) = if ascending {
            (format!("greatest(max({column}), {})", start.saturating_sub(1)), "max")
        } else {
            (format!("least(min({column}), {})", start.saturating_add(1)), "min")
        };
        statements.push(format!(
            "SELECT setval(pg_get_serial_sequence({}, {}), {edge}) FROM {} HAVING {next}({column}) IS NOT NULL",
            quote_literal(&table_ident(table)),
            quote_literal(&to.name),
            table_ident(table)
        ));
    } else if to.autoincrement && from.identity_always != to.identity_always {
        statements.push(alter(format!("SET GENERATED {}", if to.identity_always { "ALWAYS" } else { "BY DEFAULT" })));
    }
    if to.autoincrement && from.autoincrement && from.identity_options != to.identity_options {
        // Every option said, so that one left out returns to its default;
        // nothing here restarts the sequence.
        let options = to.identity_options.effective(&to.sql_type);
        let clauses: Vec<String> = sequence_clauses(&options).into_iter().map(|c| format!("SET {c}")).collect();
        let cycle = if options.cycle { "" } else { " SET NO CYCLE" };
        statements.push(alter(format!("{}{cycle}", clauses.join(" "))));
    }
    if from.comment != to.comment {
        statements.push(format!(
            "COMMENT ON COLUMN {}.{} IS {}",
            table_ident(table),
            quote_ident(&to.name),
            to.comment.as_deref().map_or("NULL".into(), quote_literal)
        ));
    }
    Ok(statements)
}

/// The file's `backfill`: NULLs of a column that becomes NOT NULL get it.
pub(super) fn backfill_sql(table: &str, column: &str, backfill: &crate::model::Expr) -> String {
    let column = quote_ident(column);
    format!("UPDATE {} SET {column} = ({}) WHERE {column} IS NULL", table_ident(table), backfill.unwrapped())
}

/// An index key as SQL: `"a" COLLATE "C" text_pattern_ops DESC NULLS LAST`.
pub(super) fn index_key(part: &IndexPart) -> String {
    let mut key = match &part.key {
        IndexKey::Column(c) => quote_ident(c),
        IndexKey::Expr(e) => format!("({})", e.unwrapped()),
    };
    if let Some(collation) = &part.collation {
        key.push_str(&format!(" COLLATE {}", collation_ident(collation)));
    }
    if let Some(opclass) = &part.opclass {
        key.push_str(&format!(" {}", table_ident(opclass)));
    }
    if part.descending {
        key.push_str(" DESC");
    }
    match part.nulls_first {
        Some(true) => key.push_str(" NULLS FIRST"),
        Some(false) => key.push_str(" NULLS LAST"),
        None => {}
    }
    key
}

/// `EXCLUDE USING gist ("room" WITH =, …) [WHERE (…)] [DEFERRABLE …]`.
pub(super) fn exclude_clause(exclusion: &Exclusion) -> String {
    let elements: Vec<String> =
        exclusion.elements.iter().map(|e| format!("{} WITH {}", index_key(&e.part), e.operator)).collect();
    let mut sql = format!("EXCLUDE USING {} ({})", quote_ident(&exclusion.method), elements.join(", "));
    if let Some(predicate) = &exclusion.predicate {
        sql.push_str(&format!(" WHERE ({})", predicate.unwrapped()));
    }
    if exclusion.deferrable {
        sql.push_str(if exclusion.initially_deferred { " DEFERRABLE INITIALLY DEFERRED" } else { " DEFERRABLE" });
    }
    sql
}

pub(super) fn create_index(table: &str, index: &Index) -> String {
    let parts: Vec<String> = index.parts.iter().map(index_key).collect();
    let mut sql = format!(
        "CREATE {}INDEX {} ON {}",
        if index.unique { "UNIQUE " } else { "" },
        quote_ident(&index.name),
        table_ident(table)
    );
    if let Some(method) = &index.method {
        sql.push_str(&format!(" USING {}", quote_ident(method)));
    }
    sql.push_str(&format!(" ({})", parts.join(", ")));
    if !index.include.is_empty() {
        sql.push_str(&format!(" INCLUDE ({})", ident_list(&index.include)));
    }
    if index.nulls_not_distinct {
        sql.push_str(" NULLS NOT DISTINCT");
    }
    if !index.with.is_empty() {
        let parameters: Vec<String> = index
            .with
            .iter()
            .map(|(name, value)| format!("{} = {}", quote_ident(name), quote_literal(value)))
            .collect();
        sql.push_str(&format!(" WITH ({})", parameters.join(", ")));
    }
    if let Some(tablespace) = &index.tablespace {
        sql.push_str(&format!(" TABLESPACE {}", quote_ident(tablespace)));
    }
    if let Some(predicate) = &index.predicate {
        sql.push_str(&format!(" WHERE {}", predicate.unwrapped()));
    }
    sql
}

pub(super) fn add_primary_key(table: &str, pk: &crate::model::PrimaryKey) -> String {
    format!(
        "ALTER TABLE {} ADD CONSTRAINT {} PRIMARY KEY ({}){}",
        table_ident(table),
        quote_ident(&pk.name),
        ident_list(&pk.columns),
        deferrable_clause(pk.deferrable, pk.initially_deferred)
    )
}

/// `ADD COLUMN` with its comment; a NOT NULL column with a backfill and no
/// default is added NULL, filled, then made NOT NULL (all in the one
/// transaction).
pub(super) fn add_column(table: &str, column: &Column) -> Vec<String> {
    let mut statements = match &column.backfill {
        Some(backfill) if !column.nullable && column.default.is_none() && column.generated.is_none() => {
            let nullable = Column { nullable: true, ..column.clone() };
            vec![
                format!("ALTER TABLE {} ADD COLUMN {}", table_ident(table), column_definition(&nullable)),
                backfill_sql(table, &column.name, backfill),
                format!("ALTER TABLE {} ALTER COLUMN {} SET NOT NULL", table_ident(table), quote_ident(&column.name)),
            ]
        }
        _ => vec![format!("ALTER TABLE {} ADD COLUMN {}", table_ident(table), column_definition(column))],
    };
    statements.extend(column_comment(table, column));
    statements
}

pub(super) fn drop_column(table: &str, column: &str) -> String {
    format!("ALTER TABLE {} DROP COLUMN {}", table_ident(table), quote_ident(column))
}

/// `ALTER TYPE … ADD VALUE` for each new label, before the label it precedes.
pub(super) fn add_enum_values(name: &str, values: &[(String, Option<String>)]) -> Vec<String> {
    values
        .iter()
        .map(|(value, before)| {
            let mut sql = format!("ALTER TYPE {} ADD VALUE {}", table_ident(name), quote_literal(value));
            if let Some(before) = before {
                sql.push_str(&format!(" BEFORE {}", quote_literal(before)));
            }
            sql
        })
        .collect()
}

/// A sequence's new type, options and comment (its owner changes on its own,
/// with the foreign keys).
pub(super) fn alter_sequence(from: &Sequence, to: &Sequence) -> Vec<String> {
    let mut statements = Vec::new();
    if from.sql_type != to.sql_type || from.options != to.options {
        // Every option said, so that one left out returns to its default;
        // no RESTART: the current value stays.
        let options = to.options.effective(&to.sql_type);
        let mut clauses = sequence_clauses(&options);
        if !options.cycle {
            clauses.push("NO CYCLE".into());
        }
        statements.push(format!(
            "ALTER SEQUENCE {} AS {} {}",
            table_ident(&to.name),
            type_sql(&to.sql_type),
            clauses.join(" ")
        ));
    }
    if from.comment != to.comment {
        statements.push(comment_on_sequence(to));
    }
    statements
}
