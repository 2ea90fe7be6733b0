//! The PostgreSQL inspector: reads `pg_catalog` into the model with a fixed
//! number of queries (one per kind of object, for all tables at once),
//! whatever the number of tables. Expressions, defaults and types are taken
//! in the server's own spelling (`pg_get_expr`, `format_type`), which is
//! what the desired schema is normalised to as well.

use super::inspect_objects;
use super::session::{Namespaces, query, unreadable};
use super::types;
use crate::error::Result;
use crate::model::{
    Check, Column, DefaultValue, Exclusion, ExclusionElement, Expr, ForeignKey, Index, IndexKey, IndexPart, Partition,
    PrimaryKey, ReferentialAction, Schema, Sequence, SequenceOptions, Statistics, Table, Unique, storage_value,
};
use postgres::GenericClient;
use std::collections::HashMap;

/// Tables (and materialized views, whose columns and indexes are read
/// the same way) of the scope that belong to no extension.
const TABLES: &str = "
    SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname = ANY($1)
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')";

pub(super) fn inspect(client: &mut impl GenericClient, within: &Namespaces) -> Result<Schema> {
    let (mut schema, unmodelled) = inspect_privileged(client, within)?;
    schema.unmanaged.extend(unmodelled.into_iter().map(|(line, _)| line));
    Ok(schema)
}

/// The schema with its owners, grants and default privileges, and the
/// lines (with their schema) of unmodelled objects that have some.
pub(super) fn inspect_privileged(
    client: &mut impl GenericClient,
    within: &Namespaces,
) -> Result<(Schema, Vec<(String, String)>)> {
    let mut schema = read(client, within, true)?;
    let unmodelled = super::inspect_privileges::read_privileges(client, within, &mut schema)?;
    Ok((schema, unmodelled))
}

/// Reads the tables (their columns, keys, checks, indexes) and, with
/// `objects`, what rests on them and the types: a scratch copy of tables
/// alone needs no more. One query per kind of object.
pub(super) fn read(client: &mut impl GenericClient, within: &Namespaces, objects: bool) -> Result<Schema> {
    let mut schema = Schema::default();
    let schemas = within.schemas.to_vec();
    read_enums(client, within, &schemas, &mut schema)?;
    read_extensions(client, within, &mut schema)?;
    let mut sequences = read_sequences(client, within, &schemas, &mut schema)?;
    let (tables_read, materialized) = read_tables(client, within, &schemas, &mut schema)?;
    let attribute_names = read_columns(client, within, &tables_read, &mut sequences, &mut schema)?;
    read_constraints(client, within, &tables_read, &attribute_names, &mut schema)?;
    read_indexes(client, within, &tables_read, &mut schema)?;
    read_statistics(client, within, &tables_read, &attribute_names, &mut schema)?;
    // Materialized views were read as tables for their indexes.
    let matview_indexes = materialized
        .into_iter()
        .filter_map(|name| schema.tables.shift_remove(&name).map(|t| (name, t.indexes)))
        .collect();
    if objects {
        inspect_objects::inspect_views(client, within, &mut schema, matview_indexes)?;
        inspect_objects::inspect_functions(client, within, &mut schema)?;
        inspect_objects::inspect_triggers(client, within, &mut schema)?;
        inspect_objects::inspect_types(client, within, &mut schema)?;
        inspect_objects::inspect_policies(client, within, &mut schema)?;
        inspect_objects::inspect_aggregates(client, within, &mut schema)?;
    }
    Ok(schema)
}

fn read_enums(
    client: &mut impl GenericClient,
    within: &Namespaces,
    schemas: &Vec<String>,
    schema: &mut Schema,
) -> Result<()> {
    let enums = query(
        client,
        "SELECT n.nspname, t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_type t
         JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
         WHERE n.nspname = ANY($1)
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
         GROUP BY 1, 2 ORDER BY 1, 2",
        schemas,
    )?;
    for row in enums {
        schema.enums.insert(within.name(row.get(0), row.get(1)), row.get(2));
    }
    Ok(())
}

fn read_extensions(client: &mut impl GenericClient, within: &Namespaces, schema: &mut Schema) -> Result<()> {
    // The default version is read from the extension's control file, so
    // only for the extensions there are.
    let extensions = client
        .query(
            "SELECT e.extname::text, e.extversion,
                 e.extversion = (SELECT a.default_version FROM pg_available_extensions() a WHERE a.name = e.extname),
                 n.nspname::text
             FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
             WHERE e.extname <> 'plpgsql' ORDER BY 1",
            &[],
        )
        .map_err(unreadable)?;
    for row in extensions {
        let mut extension = crate::model::Extension::at(Some(row.get(1)));
        extension.default_version = row.get::<_, Option<bool>>(2).unwrap_or(false);
        let namespace: String = row.get(3);
        extension.schema = (namespace != within.default_schema).then_some(namespace);
        schema.extensions.insert(row.get(0), extension);
    }

    Ok(())
}

/// Sequences, but an identity column's (internal to it) and an
/// extension's; by oid, for the serial columns.
fn read_sequences(
    client: &mut impl GenericClient,
    within: &Namespaces,
    schemas: &Vec<String>,
    schema: &mut Schema,
) -> Result<HashMap<i64, String>> {
    let sequences = query(
        client,
        "SELECT s.seqrelid::int8, n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,
                s.seqmin, s.seqmax, s.seqcache, s.seqcycle, tn.nspname, t.relname, a.attname::text,
                obj_description(c.oid, 'pg_class')
         FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass
              AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0
         LEFT JOIN pg_class t ON t.oid = d.refobjid LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace
         LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
         WHERE n.nspname = ANY($1) AND d.deptype IS DISTINCT FROM 'i'
           AND NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = 'pg_class'::regclass AND x.objid = c.oid AND x.deptype = 'e')
         ORDER BY 2, 3",
        schemas,
    )?;
    let mut by_oid: HashMap<i64, String> = HashMap::new();
    for row in sequences {
        let name = within.name(row.get(1), row.get(2));
        let type_text: String = row.get(3);
        let sql_type = types::read(&type_text);
        let options = SequenceOptions {
            start: row.get(4),
            increment: row.get(5),
            min: row.get(6),
            max: row.get(7),
            cache: row.get(8),
            cycle: row.get(9),
        };
        let owned_by = match (row.get::<_, Option<String>>(10), row.get::<_, Option<String>>(11), row.get(12)) {
            (Some(schema_name), Some(table), Some(column)) => Some((within.name(&schema_name, &table), column)),
            _ => None,
        };
        let options = options.canonical(&sql_type);
        let sequence = Sequence { name: name.clone(), sql_type, options, owned_by, comment: row.get(13) };
        by_oid.insert(row.get(0), name.clone());
        schema.sequences.insert(name, sequence);
    }

    Ok(by_oid)
}

/// The tables (and materialized views, whose columns and indexes are read
/// the same way): which the later queries read, and which are
/// materialized views.
fn read_tables(
    client: &mut impl GenericClient,
    within: &Namespaces,
    schemas: &Vec<String>,
    schema: &mut Schema,
) -> Result<(TablesRead, Vec<String>)> {
    let tables = query(
        client,
        &format!(
            "SELECT n.nspname, c.relname, ds.description,
                    CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
                    pn.nspname, p.relname, pg_get_expr(c.relpartbound, c.oid), c.oid, c.relkind = 'm',
                    CASE WHEN c.relforcerowsecurity AND c.relrowsecurity THEN 'forced' WHEN c.relrowsecurity THEN 'enabled' END,
                    c.relpersistence = 'u',
                    CASE WHEN c.reloptions IS NOT NULL OR c.reltoastrelid <> 0 THEN coalesce(c.reloptions, '{{}}') || coalesce(
                        (SELECT array_agg('toast.' || o) FROM pg_class x, unnest(x.reloptions) o WHERE x.oid = c.reltoastrelid),
                        '{{}}') END,
                    ih.nspname, ih.relname
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             -- The one table it inherits from, if just one (several are named as not managed).
             LEFT JOIN LATERAL (SELECT hn.nspname, h.relname FROM pg_inherits hi
                                JOIN pg_class h ON h.oid = hi.inhparent JOIN pg_namespace hn ON hn.oid = h.relnamespace
                                WHERE hi.inhrelid = c.oid AND NOT c.relispartition AND h.relkind = 'r'
                                  AND NOT EXISTS (SELECT 1 FROM pg_inherits o WHERE o.inhrelid = c.oid AND o.inhseqno > 1)) ih ON true
             LEFT JOIN pg_description ds ON ds.objoid = c.oid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = 0
             LEFT JOIN pg_inherits i ON c.relispartition AND i.inhrelid = c.oid
             LEFT JOIN pg_class p ON p.oid = i.inhparent LEFT JOIN pg_namespace pn ON pn.oid = p.relnamespace
             WHERE c.oid IN ({TABLES}) ORDER BY 1, 2"
        ),
        schemas,
    )?;
    let tables_read = TablesRead::new(tables.iter().map(|row| row.get(7)).collect(), schemas);
    let mut materialized = Vec::new();
    for row in tables {
        let name = within.name(row.get(0), row.get(1));
        if row.get::<_, bool>(8) {
            materialized.push(name.clone());
        }
        let mut table = Table::new(&name);
        table.comment = row.get(2);
        table.row_level_security = row.get(9);
        // A materialized view's are named as not managed.
        if !row.get::<_, bool>(8) {
            table.unlogged = row.get(10);
            for option in row.get::<_, Option<Vec<String>>>(11).unwrap_or_default() {
                if let Some((key, value)) = option.split_once('=') {
                    table.storage.insert(key.to_string(), storage_value(key, value));
                }
            }
        }
        table.partition_by = row.get(3);
        if let (Some(parent_schema), Some(parent), Some(bound)) =
            (row.get::<_, Option<String>>(4), row.get::<_, Option<String>>(5), row.get::<_, Option<String>>(6))
        {
            let bound = bound.strip_prefix("FOR VALUES ").unwrap_or(&bound).to_string();
            table.partition_of = Some(Partition { parent: within.name(&parent_schema, &parent), bound });
        }
        if let (Some(parent_schema), Some(parent)) =
            (row.get::<_, Option<String>>(12), row.get::<_, Option<String>>(13))
        {
            table.inherits = Some(within.name(&parent_schema, &parent));
        }
        schema.tables.insert(name, table);
    }
    // A parent out of reach (a schema not read) leaves its child named as
    // not managed.
    let names: Vec<String> = schema.tables.keys().cloned().collect();
    for table in schema.tables.values_mut() {
        if table.inherits.as_ref().is_some_and(|p| !names.contains(p)) {
            table.inherits = None;
        }
    }

    Ok((tables_read, materialized))
}

/// The columns; a column whose default reads the sequence it owns, which
/// is exactly what `serial` makes, is a serial one (the sequence is then
/// the column's, taken out of `sequences` and the schema's). Returns the
/// column names by (table oid, attnum), to read constraint keys.
fn read_columns(
    client: &mut impl GenericClient,
    within: &Namespaces,
    tables_read: &TablesRead,
    by_oid: &mut HashMap<i64, String>,
    schema: &mut Schema,
) -> Result<HashMap<(i64, i16), String>> {
    let columns = query_tables(
        client,
        "WITH owned AS (
                 SELECT DISTINCT ON (d.refobjid, d.refobjsubid) d.objid, d.refobjid, d.refobjsubid
                 FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
                 WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a'
                   AND d.refobjid {IN_TABLES})
             -- A default never names a column, so it is printed without opening the
             -- table (relation 0): much cheaper. Generated columns do name them.
             SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                    CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, 0) ELSE pg_get_expr(d.adbin, d.adrelid) END,
                    a.attidentity::text, a.attgenerated::text,
                    CASE WHEN a.attcollation <> t.typcollation THEN (SELECT CASE WHEN cn.nspname IN ('pg_catalog', 'public') THEN co.collname::text ELSE cn.nspname || '.' || co.collname END FROM pg_namespace cn WHERE cn.oid = co.collnamespace) END,
                    ds.description,
                    CASE WHEN a.attidentity = '' THEN o.objid::int8 END, c.oid::int8, a.attnum,
                    sq.seqstart, sq.seqincrement, sq.seqmin, sq.seqmax, sq.seqcache, sq.seqcycle,
                    -- The sequence the default reads, if it reads one.
                    CASE WHEN d.oid IS NOT NULL THEN
                    (SELECT dd.refobjid::int8 FROM pg_depend dd JOIN pg_class ds ON ds.oid = dd.refobjid AND ds.relkind = 'S'
                     WHERE dd.classid = 'pg_attrdef'::regclass AND dd.objid = d.oid LIMIT 1) END,
                    a.attislocal
             FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             JOIN pg_type t ON t.oid = a.atttypid
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
             LEFT JOIN pg_collation co ON co.oid = a.attcollation
             LEFT JOIN pg_description ds ON ds.objoid = c.oid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = a.attnum
             LEFT JOIN owned o ON o.refobjid = c.oid AND o.refobjsubid = a.attnum
             -- An identity column's sequence depends on it internally.
             LEFT JOIN pg_depend di ON di.classid = 'pg_class'::regclass AND di.refclassid = 'pg_class'::regclass
                  AND di.refobjid = c.oid AND di.refobjsubid = a.attnum AND di.deptype = 'i' AND a.attidentity <> ''
             LEFT JOIN pg_sequence sq ON sq.seqrelid = di.objid
             WHERE c.oid {IN_TABLES} AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attrelid, a.attnum",
        tables_read,
    )?;
    let mut attribute_names: HashMap<(i64, i16), String> = HashMap::new();
    for row in columns {
        attribute_names.insert((row.get(11), row.get(12)), row.get(2));
        let table_name = within.name(row.get(0), row.get(1));
        let Some(table) = schema.tables.get_mut(&table_name) else {
            continue;
        };
        let name: String = row.get(2);
        let type_text: String = row.get(3);
        let default: Option<String> = row.get(5);
        let identity: String = row.get(6);
        let generated: String = row.get(7);
        let mut sql_type = types::read(&type_text);
        // A serial column: its default reads the sequence it owns, which is
        // exactly what `serial` makes. Any other is a sequence of its own.
        let owned: Option<i64> = row.get(10);
        let serial = owned.is_some()
            && owned == row.get::<_, Option<i64>>(19)
            && default.as_deref().is_some_and(|d| d.starts_with("nextval("))
            && owned.and_then(|oid| by_oid.get(&oid)).is_some_and(|sequence| {
                types::is_serial_sequence(&schema.sequences[sequence], &table_name, &name, &sql_type)
            });
        let mut serial_sequence = None;
        if serial {
            let sequence = owned.and_then(|oid| by_oid.remove(&oid)).expect("checked above");
            schema.sequences.shift_remove(&sequence);
            sql_type = sql_type.serial().expect("checked above");
            serial_sequence = Some(sequence);
        }
        let mut column = Column::new(&name, sql_type);
        column.serial_sequence = serial_sequence;
        column.nullable = !row.get::<_, bool>(4);
        column.autoincrement = !identity.is_empty();
        column.identity_always = identity == "a";
        if let Some(start) = row.get::<_, Option<i64>>(13) {
            let options = SequenceOptions {
                start: Some(start),
                increment: row.get(14),
                min: row.get(15),
                max: row.get(16),
                cache: row.get(17),
                cycle: row.get(18),
            };
            column.identity_options = options.canonical(&column.sql_type);
        }
        if generated == "s" {
            column.generated = default.map(Expr::new);
        } else if !serial {
            column.default = default.as_deref().and_then(DefaultValue::from_sql);
        }
        column.collation = row.get(8);
        column.comment = row.get(9);
        column.inherited = table.inherits.is_some() && !row.get::<_, bool>(20);
        table.columns.insert(name, column);
    }

    Ok(attribute_names)
}

/// Primary keys, unique constraints, checks and foreign keys.
fn read_constraints(
    client: &mut impl GenericClient,
    within: &Namespaces,
    tables_read: &TablesRead,
    attribute_names: &HashMap<(i64, i16), String>,
    schema: &mut Schema,
) -> Result<()> {
    let constraints = query_tables(
        client,
        "SELECT n.nspname, c.relname, con.conname, con.contype::text,
                    con.conrelid::int8, con.conkey, fn.nspname, fc.relname, con.confrelid::int8, con.confkey,
                    con.confdeltype::text, con.confupdtype::text, con.condeferrable, con.condeferred,
                    CASE WHEN con.contype = 'c' THEN pg_get_expr(con.conbin, con.conrelid) END,
                    -- PostgreSQL 15+; NULL (as on older servers) means distinct.
                    (SELECT (to_jsonb(ix) ->> 'indnullsnotdistinct')::boolean FROM pg_index ix
                     WHERE con.contype = 'u' AND ix.indexrelid = con.conindid),
                    cd.description, con.convalidated
             FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             -- A join, not obj_description(): a function call per row costs more than the rest.
             LEFT JOIN pg_description cd ON cd.objoid = con.oid AND cd.classoid = 'pg_constraint'::regclass AND cd.objsubid = 0
             LEFT JOIN pg_class fc ON fc.oid = con.confrelid LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
             WHERE c.oid {IN_TABLES} AND con.contype IN ('p', 'u', 'c', 'f')
               -- A partition's copies of its parent's constraints are the parent's.
               AND con.conparentid = 0 AND NOT (con.contype = 'c' AND con.coninhcount > 0 AND c.relispartition)
               -- An inheriting table's copies of its parent's checks are the parent's.
               AND NOT (con.contype = 'c' AND NOT con.conislocal)
             ORDER BY con.conrelid, con.conname",
        tables_read,
    )?;
    for row in constraints {
        let table_name = within.name(row.get(0), row.get(1));
        let Some(table) = schema.tables.get_mut(&table_name) else {
            continue;
        };
        let name: String = row.get(2);
        let kind: String = row.get(3);
        let comment: Option<String> = row.get(16);
        let names = |oid: i64, keys: Option<Vec<i16>>| -> Vec<String> {
            keys.unwrap_or_default().iter().filter_map(|k| attribute_names.get(&(oid, *k)).cloned()).collect()
        };
        let columns = names(row.get(4), row.get(5));
        let (deferrable, initially_deferred): (bool, bool) = (row.get(12), row.get(13));
        match kind.as_str() {
            "p" => {
                let pk = PrimaryKey { comment, deferrable, initially_deferred, ..PrimaryKey::new(name, columns) };
                table.primary_key = Some(pk);
            }
            "u" => {
                let nulls_not_distinct = row.get::<_, Option<bool>>(15).unwrap_or(false);
                let unique = Unique {
                    nulls_not_distinct,
                    deferrable,
                    initially_deferred,
                    comment,
                    ..Unique::new(&name, columns)
                };
                table.uniques.insert(name, unique);
            }
            "c" => {
                let expr: Option<String> = row.get(14);
                let check = Check {
                    comment,
                    not_valid: !row.get::<_, bool>(17),
                    ..Check::new(name.clone(), Expr::new(expr.unwrap_or_default()))
                };
                table.checks.insert(name, check);
            }
            _ => {
                let ref_schema: String = row.get(6);
                let ref_table: String = row.get(7);
                let ref_columns = names(row.get(8), row.get(9));
                let fk = ForeignKey {
                    name: name.clone(),
                    columns,
                    ref_table: within.name(&ref_schema, &ref_table),
                    ref_columns,
                    on_delete: action(row.get(10)),
                    on_update: action(row.get(11)),
                    deferrable: row.get(12),
                    initially_deferred: row.get(13),
                    comment,
                    not_valid: !row.get::<_, bool>(17),
                    own_index: None,
                };
                table.foreign_keys.insert(name, fk);
            }
        }
    }

    Ok(())
}

/// Extended statistics on columns, in the table's schema, with the
/// default target: the others (on expressions, elsewhere, with a target of
/// their own) are named as not managed.
fn read_statistics(
    client: &mut impl GenericClient,
    within: &Namespaces,
    tables_read: &TablesRead,
    attribute_names: &HashMap<(i64, i16), String>,
    schema: &mut Schema,
) -> Result<()> {
    let rows = query_tables(
        client,
        "SELECT n.nspname, c.relname, s.stxname, s.stxkind::text[], s.stxkeys::int2[], c.oid::int8,
                obj_description(s.oid, 'pg_statistic_ext')
         FROM pg_statistic_ext s JOIN pg_class c ON c.oid = s.stxrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.oid {IN_TABLES} AND s.stxexprs IS NULL AND s.stxnamespace = c.relnamespace
           AND coalesce(s.stxstattarget, -1) < 0
         ORDER BY 1, 2, 3",
        tables_read,
    )?;
    for row in rows {
        let Some(table) = schema.tables.get_mut(&within.name(row.get(0), row.get(1))) else { continue };
        let oid: i64 = row.get(5);
        let keys: Vec<i16> = row.get(4);
        let columns: Vec<String> = keys.iter().filter_map(|k| attribute_names.get(&(oid, *k)).cloned()).collect();
        let codes: Vec<String> = row.get(3);
        let kinds: Vec<String> = [("d", "ndistinct"), ("f", "dependencies"), ("m", "mcv")]
            .iter()
            .filter(|(code, _)| codes.iter().any(|c| c == code))
            .map(|(_, kind)| kind.to_string())
            .collect();
        let kinds = Statistics::canonical_kinds(&kinds);
        let name: String = row.get(2);
        let statistics = Statistics { kinds, comment: row.get(6), ..Statistics::new(&name, columns) };
        table.statistics.insert(name, statistics);
    }
    Ok(())
}

/// Indexes, with the exclusion constraints they implement.
fn read_indexes(
    client: &mut impl GenericClient,
    within: &Namespaces,
    tables_read: &TablesRead,
    schema: &mut Schema,
) -> Result<()> {
    let indexes = query_tables(
        client,
        "SELECT n.nspname, c.relname, i.relname, x.indisunique, am.amname, x.indnkeyatts::int, x.indnatts::int,
                    ARRAY(SELECT CASE WHEN k.attnum <> 0 THEN a.attname::text ELSE pg_get_indexdef(x.indexrelid, k.i::int, true) END
                          FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(attnum, i)
                          LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum ORDER BY k.i),
                    x.indoption::int2[], x.indkey::int2[], pg_get_expr(x.indpred, x.indrelid, true),
                    -- Per key: the collation when not the key's own (for an expression, its type's),
                    -- and the operator class when not the default one. Each per-row subquery costs
                    -- about as much as the rest of the row: they run only where the answer is not
                    -- plainly none (no collation but 0 or the default one, 100, on columns whose
                    -- collations are those too; only default operator classes).
                    CASE WHEN NOT (x.indcollation::oid[] <@ '{{0,100}}'::oid[] AND NOT 0 = ANY(x.indkey::int2[])
                                   AND odd.attrelid IS NULL) THEN
                    ARRAY(SELECT CASE WHEN k.coll <> 0 AND k.coll <> coalesce(a.attcollation, ty.typcollation) THEN (SELECT CASE WHEN cn.nspname IN ('pg_catalog', 'public') THEN co.collname::text ELSE cn.nspname || '.' || co.collname END FROM pg_namespace cn WHERE cn.oid = co.collnamespace) END
                          FROM unnest(x.indkey::int2[], x.indcollation::oid[]) WITH ORDINALITY k(attnum, coll, i)
                          LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum AND k.attnum <> 0
                          JOIN pg_attribute ia ON ia.attrelid = x.indexrelid AND ia.attnum = k.i
                          JOIN pg_type ty ON ty.oid = ia.atttypid
                          LEFT JOIN pg_collation co ON co.oid = k.coll ORDER BY k.i) END,
                    CASE WHEN NOT x.indclass::oid[] <@ (SELECT array_agg(oid) FROM pg_opclass WHERE opcdefault) THEN
                    ARRAY(SELECT CASE WHEN NOT oc.opcdefault THEN
                                   CASE WHEN pg_opclass_is_visible(oc.oid) THEN oc.opcname::text ELSE ocn.nspname || '.' || oc.opcname END
                                 END
                          FROM unnest(x.indclass::oid[]) WITH ORDINALITY k(opc, i)
                          JOIN pg_opclass oc ON oc.oid = k.opc JOIN pg_namespace ocn ON ocn.oid = oc.opcnamespace ORDER BY k.i) END,
                    x.indisunique AND coalesce((to_jsonb(x) ->> 'indnullsnotdistinct')::boolean, false),
                    i.reloptions, (SELECT spcname::text FROM pg_tablespace WHERE oid = i.reltablespace),
                    id.description,
                    -- An exclusion constraint is read with its index: its
                    -- operators (schema-qualified when not visible), timing and comment.
                    xc.conname, CASE WHEN xc.oid IS NOT NULL THEN
                                ARRAY(SELECT CASE WHEN pg_operator_is_visible(o.oid) THEN o.oprname::text
                                                  ELSE 'OPERATOR(' || opn.nspname || '.' || o.oprname || ')' END
                                      FROM unnest(xc.conexclop) WITH ORDINALITY k(op, i)
                                      JOIN pg_operator o ON o.oid = k.op JOIN pg_namespace opn ON opn.oid = o.oprnamespace
                                      ORDER BY k.i) END,
                    coalesce(xc.condeferrable, false), coalesce(xc.condeferred, false), xd.description,
                    x.indisvalid
             FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am am ON am.oid = i.relam
             LEFT JOIN pg_constraint xc ON xc.conindid = x.indexrelid AND xc.contype = 'x' AND xc.conrelid = x.indrelid
             LEFT JOIN pg_description id ON id.objoid = i.oid AND id.classoid = 'pg_class'::regclass AND id.objsubid = 0
             LEFT JOIN pg_description xd ON xd.objoid = xc.oid AND xd.classoid = 'pg_constraint'::regclass AND xd.objsubid = 0
             -- Tables with a column whose collation is neither none nor the default.
             LEFT JOIN (SELECT DISTINCT attrelid FROM pg_attribute
                        WHERE attcollation NOT IN (0, 100) AND attnum > 0 AND attrelid {IN_TABLES}) odd ON odd.attrelid = x.indrelid
             WHERE c.oid {IN_TABLES}
               AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = x.indexrelid AND con.contype IN ('p', 'u'))
               -- A partition's copy of its parent's index is the parent's.
               AND NOT EXISTS (SELECT 1 FROM pg_inherits ih WHERE ih.inhrelid = x.indexrelid)
             ORDER BY 1, 2, 3",
        tables_read,
    )?;
    for row in indexes {
        let table_name = within.name(row.get(0), row.get(1));
        let Some(table) = schema.tables.get_mut(&table_name) else {
            continue;
        };
        let name: String = row.get(2);
        let method: String = row.get(4);
        let key_count = row.get::<_, i32>(5) as usize;
        let definitions: Vec<String> = row.get(7);
        let options: Vec<i16> = row.get(8);
        let keys: Vec<i16> = row.get(9);
        let collations: Vec<Option<String>> = row.get::<_, Option<_>>(11).unwrap_or_default();
        let opclasses: Vec<Option<String>> = row.get::<_, Option<_>>(12).unwrap_or_default();
        let mut parts = Vec::new();
        let mut include = Vec::new();
        for (i, definition) in definitions.into_iter().enumerate() {
            let is_column = keys.get(i).is_some_and(|k| *k != 0);
            // Plain columns come as their bare names, expressions as SQL.
            if i >= key_count {
                include.push(definition);
                continue;
            }
            let option = options.get(i).copied().unwrap_or(0);
            let descending = option & 1 != 0;
            let nulls_first = option & 2 != 0;
            parts.push(IndexPart {
                key: if is_column { IndexKey::Column(definition) } else { IndexKey::Expr(Expr::new(definition)) },
                descending,
                // NULLS FIRST is the default for DESC, NULLS LAST for ASC.
                nulls_first: (nulls_first != descending).then_some(nulls_first),
                collation: collations.get(i).cloned().flatten(),
                opclass: opclasses.get(i).cloned().flatten(),
                length: None,
            });
        }
        if let Some(constraint) = row.get::<_, Option<String>>(17) {
            let operators: Vec<String> = row.get::<_, Option<_>>(18).unwrap_or_default();
            let exclusion = Exclusion {
                name: constraint.clone(),
                method,
                elements: parts
                    .into_iter()
                    .zip(operators)
                    .map(|(part, operator)| ExclusionElement { part, operator })
                    .collect(),
                predicate: row.get::<_, Option<String>>(10).map(Expr::new),
                deferrable: row.get(19),
                initially_deferred: row.get(20),
                comment: row.get(21),
            };
            table.exclusions.insert(constraint, exclusion);
            continue;
        }
        let with = row
            .get::<_, Option<Vec<String>>>(14)
            .unwrap_or_default()
            .into_iter()
            .map(|option| match option.split_once('=') {
                Some((name, value)) => (name.to_string(), value.to_string()),
                None => (option, String::new()),
            })
            .collect();
        let index = Index {
            unique: row.get(3),
            predicate: row.get::<_, Option<String>>(10).map(Expr::new),
            method: (method != "btree").then_some(method),
            include,
            nulls_not_distinct: row.get(13),
            with,
            tablespace: row.get(15),
            comment: row.get(16),
            invalid: !row.get::<_, bool>(22),
            ..Index::new(name.clone(), parts)
        };
        table.indexes.insert(name, index);
    }
    Ok(())
}

/// The tables the later queries read, and how they name them. A few
/// tables (a scratch schema's) go by oid, so that the server reads only
/// their rows of each catalog; through the subquery it hashed whole
/// catalogs first, and a scratch schema of three tables cost as much to
/// read as a database of thousands. Many tables go through the subquery,
/// where a hash join beats thousands of index lookups.
enum TablesRead {
    ByOid(Vec<u32>),
    InScope(Vec<String>),
}

impl TablesRead {
    /// Up to this many tables are read by oid.
    const BY_OID: usize = 100;

    fn new(oids: Vec<u32>, schemas: &[String]) -> TablesRead {
        if oids.len() <= Self::BY_OID { TablesRead::ByOid(oids) } else { TablesRead::InScope(schemas.to_vec()) }
    }
}

/// A query whose `{IN_TABLES}` is a condition on a table oid: one of the
/// tables read.
fn query_tables(client: &mut impl GenericClient, sql: &str, tables: &TablesRead) -> Result<Vec<postgres::Row>> {
    match tables {
        TablesRead::ByOid(oids) => client.query(&sql.replace("{IN_TABLES}", "= ANY($1)"), &[oids]),
        TablesRead::InScope(schemas) => {
            client.query(&sql.replace("{IN_TABLES}", &format!("IN ({TABLES})")), &[schemas])
        }
    }
    .map_err(unreadable)
}

fn action(code: String) -> ReferentialAction {
    match code.as_str() {
        "r" => ReferentialAction::Restrict,
        "c" => ReferentialAction::Cascade,
        "n" => ReferentialAction::SetNull,
        "d" => ReferentialAction::SetDefault,
        _ => ReferentialAction::NoAction,
    }
}
