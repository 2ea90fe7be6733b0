//! Reading views, functions, procedures and triggers from `pg_catalog`,
//! one query per kind, plus one that lists what exists but is not managed
//! (so that it is reported, never silently left out). Definitions come in
//! the server's spelling (`pg_get_viewdef`, `pg_get_function_arguments`,
//! `pg_get_triggerdef`), which normalised files are compared in too.

use super::session::{Namespaces, query};
use super::types;
use crate::error::Result;
use crate::model::{
    Aggregate, Check, Collation, CompositeType, Domain, Expr, Function, Index, Policy, Schema, Trigger, View,
};
use crate::sql::lexer::{matching_paren, text_of, tokenize};
use indexmap::IndexMap;
use postgres::GenericClient;
use std::collections::HashMap;

/// Not an extension's object (of catalog `catalog`, row `oid`).
pub(super) fn own(catalog: &str, oid: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '{catalog}'::regclass AND e.objid = {oid} AND e.deptype = 'e')"
    )
}

/// Views and materialized views (with `matview_indexes`, read with the
/// tables), in dependency order as the differ and the file list them.
pub(super) fn inspect_views(
    client: &mut impl GenericClient,
    within: &Namespaces,
    schema: &mut Schema,
    mut matview_indexes: HashMap<String, IndexMap<String, Index>>,
) -> Result<()> {
    let schemas = within.schemas.to_vec();
    let rows = query(
        client,
        &format!(
            "SELECT n.nspname, c.relname, pg_get_viewdef(c.oid),
                    array(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum),
                    array(SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum),
                    coalesce(c.reloptions::text[], '{{}}'), obj_description(c.oid, 'pg_class'),
                    c.relkind = 'm', c.relispopulated
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('v', 'm') AND n.nspname = ANY($1) AND {}
             ORDER BY 1, 2",
            own("pg_class", "c.oid")
        ),
        &schemas,
    )?;
    for row in rows {
        let name = within.name(row.get(0), row.get(1));
        let definition: String = row.get(2);
        let options: Vec<String> = row.get(5);
        let option = |key: &str| options.iter().find_map(|o| o.strip_prefix(&format!("{key}=")).map(str::to_string));
        let on = |key: &str| option(key).is_some_and(|v| matches!(v.as_str(), "true" | "on" | "1" | "yes"));
        let view = View {
            name: name.clone(),
            query: Expr::new(definition.trim().trim_end_matches(';').trim_end()),
            columns: row.get(3),
            column_types: row.get(4),
            security_barrier: on("security_barrier"),
            security_invoker: on("security_invoker"),
            check_option: option("check_option"),
            comment: row.get(6),
            materialized: row.get(7),
            with_data: row.get(8),
            indexes: matview_indexes.remove(&name).unwrap_or_default(),
            sql_file: None,
        };
        schema.views.insert(name, view);
    }
    let order: Vec<String> = crate::model::view_order(&schema.views).into_iter().map(str::to_string).collect();
    schema.views.sort_by_cached_key(|name, _| order.iter().position(|n| n == name));
    Ok(())
}

/// Functions and procedures (not C or internal ones).
pub(super) fn inspect_functions(
    client: &mut impl GenericClient,
    within: &Namespaces,
    schema: &mut Schema,
) -> Result<()> {
    let schemas = within.schemas.to_vec();
    let rows = query(
        client,
        &format!(
            "SELECT n.nspname, p.proname, p.prokind = 'p', pg_get_function_arguments(p.oid),
                    pg_get_function_identity_arguments(p.oid),
                    CASE WHEN p.prokind <> 'p' THEN pg_get_function_result(p.oid) END, l.lanname::text,
                    p.provolatile::text, p.proisstrict, p.prosecdef, p.proparallel::text,
                    coalesce(p.proconfig, '{{}}'),
                    CASE WHEN p.prosqlbody IS NOT NULL THEN pg_get_function_sqlbody(p.oid) ELSE p.prosrc END,
                    obj_description(p.oid, 'pg_proc')
             FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
             WHERE n.nspname = ANY($1) AND p.prokind IN ('f', 'p') AND l.lanname NOT IN ('c', 'internal') AND {}
             ORDER BY 1, 2, 5",
            own("pg_proc", "p.oid")
        ),
        &schemas,
    )?;
    for row in rows {
        let volatility = match row.get::<_, String>(7).as_str() {
            "i" => "immutable",
            "s" => "stable",
            _ => "volatile",
        };
        let parallel = match row.get::<_, String>(10).as_str() {
            "s" => "safe",
            "r" => "restricted",
            _ => "unsafe",
        };
        let config: Vec<String> = row.get(11);
        let function = Function {
            name: within.name(row.get(0), row.get(1)),
            procedure: row.get(2),
            arguments: Expr::new(row.get::<_, String>(3)),
            identity: row.get(4),
            returns: row.get::<_, Option<String>>(5).map(Expr::new),
            language: row.get(6),
            volatility: volatility.into(),
            strict: row.get(8),
            security_definer: row.get(9),
            parallel: parallel.into(),
            config: config
                .into_iter()
                .map(|c| match c.split_once('=') {
                    Some((k, v)) => (k.to_string(), v.to_string()),
                    None => (c, String::new()),
                })
                .collect(),
            body: row.get(12),
            comment: row.get(13),
            sql_file: None,
        };
        schema.functions.insert(function.key(), function);
    }

    Ok(())
}

/// Enabled triggers on tables and views (not constraint triggers, not a
/// partition's copies).
pub(super) fn inspect_triggers(
    client: &mut impl GenericClient,
    within: &Namespaces,
    schema: &mut Schema,
) -> Result<()> {
    let schemas = within.schemas.to_vec();
    let rows = query(
        client,
        &format!(
            "SELECT n.nspname, c.relname, t.tgname::text, t.tgtype::int4,
                    array(SELECT a.attname::text FROM unnest(t.tgattr::int2[]) WITH ORDINALITY k(num, ord)
                          JOIN pg_attribute a ON a.attrelid = t.tgrelid AND a.attnum = k.num ORDER BY k.ord),
                    pg_get_triggerdef(t.oid), fn.nspname, f.proname, t.tgargs, t.tgnargs::int4,
                    t.tgoldtable::text, t.tgnewtable::text, obj_description(t.oid, 'pg_trigger')
             FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             JOIN pg_proc f ON f.oid = t.tgfoid JOIN pg_namespace fn ON fn.oid = f.pronamespace
             WHERE NOT t.tgisinternal AND t.tgconstraint = 0 AND t.tgparentid = 0 AND t.tgenabled = 'O'
               AND n.nspname = ANY($1) AND c.relkind IN ('r', 'p', 'v') AND {}
             ORDER BY 1, 2, 3",
            own("pg_class", "c.oid")
        ),
        &schemas,
    )?;
    for row in rows {
        let table = within.name(row.get(0), row.get(1));
        let kind: i32 = row.get(3);
        let timing = if kind & 64 != 0 {
            "instead of"
        } else if kind & 2 != 0 {
            "before"
        } else {
            "after"
        };
        let events: Vec<String> = [(4, "insert"), (16, "update"), (8, "delete"), (32, "truncate")]
            .into_iter()
            .filter(|(bit, _)| kind & bit != 0)
            .map(|(_, e)| e.to_string())
            .collect();
        let raw_args: Vec<u8> = row.get(8);
        let count: i32 = row.get(9);
        let mut arguments: Vec<String> =
            raw_args.split(|b| *b == 0).map(|a| String::from_utf8_lossy(a).into_owned()).collect();
        arguments.truncate(count.max(0) as usize);
        let definition: String = row.get(5);
        let trigger = Trigger {
            name: row.get(2),
            table: table.clone(),
            timing: timing.into(),
            events,
            update_of: row.get(4),
            for_each_row: kind & 1 != 0,
            when: when_of(&definition).map(Expr::new),
            old_table: row.get(10),
            new_table: row.get(11),
            function: Some(within.name(row.get(6), row.get(7))),
            arguments,
            body: None,
            comment: row.get(12),
            sql_file: None,
        };
        schema.triggers.insert((table, trigger.name.clone()), trigger);
    }
    Ok(())
}

/// Domains, composite types and collations, one query each.
pub(super) fn inspect_types(client: &mut impl GenericClient, within: &Namespaces, schema: &mut Schema) -> Result<()> {
    let schemas = within.schemas.to_vec();
    let rows = query(
        client,
        &format!(
            "SELECT n.nspname, t.typname, format_type(t.typbasetype, t.typtypmod), t.typdefault, t.typnotnull,
                    array(SELECT c.conname::text FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname),
                    array(SELECT pg_get_expr(c.conbin, 0) FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname),
                    array(SELECT obj_description(c.oid, 'pg_constraint') FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname),
                    obj_description(t.oid, 'pg_type')
             FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
             WHERE t.typtype = 'd' AND n.nspname = ANY($1) AND {}
             ORDER BY 1, 2",
            own("pg_type", "t.oid")
        ),
        &schemas,
    )?;
    for row in rows {
        let name = within.name(row.get(0), row.get(1));
        let base: String = row.get(2);
        let names: Vec<String> = row.get(5);
        let exprs: Vec<String> = row.get(6);
        let comments: Vec<Option<String>> = row.get(7);
        let checks = names
            .into_iter()
            .zip(exprs)
            .zip(comments)
            .map(|((name, expr), comment)| (name.clone(), Check { comment, ..Check::new(name, Expr::new(expr)) }))
            .collect();
        let domain = Domain {
            name: name.clone(),
            base: types::read(&base),
            default: row.get::<_, Option<String>>(3).map(Expr::new),
            not_null: row.get(4),
            checks,
            comment: row.get(8),
        };
        schema.domains.insert(name, domain);
    }
    let rows = query(
        client,
        &format!(
            "SELECT n.nspname, t.typname,
                    array(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum),
                    array(SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum),
                    obj_description(t.oid, 'pg_type')
             FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_class c ON c.oid = t.typrelid
             WHERE t.typtype = 'c' AND c.relkind = 'c' AND n.nspname = ANY($1) AND {}
             ORDER BY 1, 2",
            own("pg_type", "t.oid")
        ),
        &schemas,
    )?;
    for row in rows {
        let name = within.name(row.get(0), row.get(1));
        let names: Vec<String> = row.get(2);
        let types: Vec<String> = row.get(3);
        let attributes = names.into_iter().zip(types).map(|(attribute, t)| (attribute, types::read(&t))).collect();
        schema.composite_types.insert(name.clone(), CompositeType { name, attributes, comment: row.get(4) });
    }
    let rows = query(
        client,
        &format!(
            "SELECT n.nspname, o.collname, o.collprovider::text, o.colliculocale, o.collcollate, o.collctype,
                    o.collisdeterministic, obj_description(o.oid, 'pg_collation')
             FROM pg_collation o JOIN pg_namespace n ON n.oid = o.collnamespace
             WHERE n.nspname = ANY($1) AND {}
             ORDER BY 1, 2",
            own("pg_collation", "o.oid")
        ),
        &schemas,
    )?;
    for row in rows {
        let name = within.name(row.get(0), row.get(1));
        let icu = row.get::<_, String>(2) == "i";
        let collation = Collation {
            name: name.clone(),
            provider: if icu { "icu" } else { "libc" }.into(),
            locale: if icu { row.get(3) } else { None },
            lc_collate: if icu { None } else { row.get(4) },
            lc_ctype: if icu { None } else { row.get(5) },
            deterministic: row.get(6),
            comment: row.get(7),
        };
        schema.collations.insert(name, collation.canonical());
    }
    Ok(())
}

/// What makes an aggregate one dbshape manages: a plain state type, a
/// transition function, maybe a final function and an initial state.
const SIMPLE_AGGREGATE: &str = "a.aggkind = 'n' AND a.aggcombinefn = 0 AND a.aggserialfn = 0 AND a.aggdeserialfn = 0
     AND a.aggmtransfn = 0 AND a.aggsortop = 0 AND NOT a.aggfinalextra AND a.aggtransspace = 0";

/// Aggregates of the simple kind (see [`SIMPLE_AGGREGATE`]).
pub(super) fn inspect_aggregates(
    client: &mut impl GenericClient,
    within: &Namespaces,
    schema: &mut Schema,
) -> Result<()> {
    let rows = query(
        client,
        &format!(
            "SELECT n.nspname, p.proname::text,
                    array(SELECT format_type(t.oid, NULL) FROM unnest(p.proargtypes) WITH ORDINALITY k(typ, i)
                          JOIN pg_type t ON t.oid = k.typ ORDER BY k.i),
                    fn.nspname, f.proname::text, format_type(a.aggtranstype, NULL),
                    ffn.nspname, ff.proname::text, a.agginitval, obj_description(p.oid, 'pg_proc')
             FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid JOIN pg_namespace n ON n.oid = p.pronamespace
             JOIN pg_proc f ON f.oid = a.aggtransfn JOIN pg_namespace fn ON fn.oid = f.pronamespace
             LEFT JOIN pg_proc ff ON ff.oid = a.aggfinalfn LEFT JOIN pg_namespace ffn ON ffn.oid = ff.pronamespace
             WHERE n.nspname = ANY($1) AND {SIMPLE_AGGREGATE} AND {}
             ORDER BY 1, 2",
            own("pg_proc", "p.oid")
        ),
        &within.schemas.to_vec(),
    )?;
    let type_of = |text: String| types::read(&text);
    for row in rows {
        let arguments: Vec<String> = row.get(2);
        let aggregate = Aggregate {
            name: within.name(row.get(0), row.get(1)),
            arguments: arguments.into_iter().map(type_of).collect(),
            sfunc: within.name(row.get(3), row.get(4)),
            stype: type_of(row.get(5)),
            finalfunc: match (row.get::<_, Option<String>>(6), row.get::<_, Option<String>>(7)) {
                (Some(schema_name), Some(name)) => Some(within.name(&schema_name, &name)),
                _ => None,
            },
            initcond: row.get(8),
            comment: row.get(9),
        };
        schema.aggregates.insert(aggregate.key(), aggregate);
    }
    Ok(())
}

/// Row level security policies, into their tables.
pub(super) fn inspect_policies(
    client: &mut impl GenericClient,
    within: &Namespaces,
    schema: &mut Schema,
) -> Result<()> {
    let rows = query(
        client,
        &format!(
            "SELECT n.nspname, c.relname, p.polname::text, p.polpermissive, p.polcmd::text,
                    array(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r)::text END FROM unnest(p.polroles) r ORDER BY 1),
                    pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid),
                    obj_description(p.oid, 'pg_policy')
             FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = ANY($1) AND {}
             ORDER BY 1, 2, 3",
            own("pg_class", "c.oid")
        ),
        &within.schemas.to_vec(),
    )?;
    for row in rows {
        let Some(table) = schema.tables.get_mut(&within.name(row.get(0), row.get(1))) else { continue };
        let command = match row.get::<_, String>(4).as_str() {
            "r" => "select",
            "a" => "insert",
            "w" => "update",
            "d" => "delete",
            _ => "all",
        };
        let policy = Policy {
            name: row.get(2),
            permissive: row.get(3),
            command: command.into(),
            roles: row.get(5),
            using: row.get::<_, Option<String>>(6).map(Expr::new),
            with_check: row.get::<_, Option<String>>(7).map(Expr::new),
            comment: row.get(8),
        };
        table.policies.insert(policy.name.clone(), policy);
    }
    Ok(())
}

/// The `WHEN (…)` condition of a `pg_get_triggerdef` text.
fn when_of(definition: &str) -> Option<String> {
    let tokens = tokenize(definition);
    let at = tokens.iter().position(|t| t.is("WHEN"))?;
    if !tokens.get(at + 1)?.is_punct('(') {
        return None;
    }
    let close = matching_paren(&tokens, at + 1)?;
    Some(text_of(definition, &tokens[at + 2..close]).to_string())
}

/// Something the database holds that dbshape does not manage yet: its
/// line (`rule r on t`, `unlogged sequence s`), the schema it is in (`None`:
/// the whole database's, always in scope), and the tables it hangs on,
/// which a plan may not drop, retype or reshape under it.
pub(super) struct Unmanaged {
    pub(super) line: String,
    pub(super) schema: Option<String>,
    kind: String,
    tables: Vec<String>,
}

impl Unmanaged {
    /// The tables a change may not reshape under it: objects that hang on
    /// a table (not a table's own settings, which no change drops).
    pub(super) fn hangs_on(&self) -> &[String] {
        match self.kind.as_str() {
            "rule" | "constraint trigger" | "disabled trigger" | "statistics" | "inherits" => &self.tables,
            _ => &[],
        }
    }

    /// Whether a column added to or dropped from the table reaches it.
    pub(super) fn follows_columns(&self) -> bool {
        self.kind == "inherits"
    }
}

/// What the database holds in the managed schemas (and database-wide)
/// that dbshape does not manage yet, one line each, with its schema and
/// the tables it hangs on: reported, never dropped. One query for every
/// kind, so that kinds a database does not have cost next to nothing.
pub(super) fn unmanaged(client: &mut impl GenericClient, within: &Namespaces) -> Result<Vec<Unmanaged>> {
    let schemas = within.schemas.to_vec();
    // kind, schema oid, name, and the table it is on (schema oid, name);
    // `inherits` also names the parent.
    let rows = query(client, &unmanaged_query(), &schemas)?;
    Ok(rows.into_iter().map(|row| unmanaged_of(&row, within)).collect())
}

/// One row of [`unmanaged_query`].
fn unmanaged_of(row: &postgres::Row, within: &Namespaces) -> Unmanaged {
    let (kind, schema, name): (String, Option<String>, Option<String>) = (row.get(0), row.get(1), row.get(2));
    let qualified = |at: usize| match (row.get::<_, Option<String>>(at), row.get::<_, Option<String>>(at + 1)) {
        (Some(schema), Some(table)) => Some(within.name(&schema, &table)),
        _ => None,
    };
    let (table, parent) = (qualified(3), qualified(5));
    // A line says its schema only when it is not the default one.
    let line = match (kind.as_str(), &name, &table, &parent) {
        ("inherits", _, Some(table), Some(parent)) => format!("table {table} inherits {parent}"),
        ("unlogged sequence", _, Some(table), _) => format!("{kind} {table}"),
        ("column setting", Some(name), Some(table), _) => format!("column {table}.{name}"),
        (_, Some(name), Some(table), _) => format!("{kind} {name} on {table}"),
        (_, Some(name), None, _) => match &schema {
            Some(s) => format!("{kind} {}", within.name(s, name)),
            None => format!("{kind} {name}"),
        },
        _ => kind.clone(),
    };
    let tables = table.into_iter().chain(parent).collect();
    Unmanaged { line, schema, kind, tables }
}

/// kind, schema, name, the table it is on (schema, name) and, for
/// `inherits`, the parent (schema, name).
fn unmanaged_query() -> String {
    format!(
            "SELECT kind, n.nspname, name, tn.nspname, on_table, pn.nspname, parent FROM (
                 SELECT 'range type' AS kind, t.typnamespace AS ns, t.typname::text AS name,
                     NULL::oid AS on_ns, NULL::text AS on_table, NULL::oid AS parent_ns, NULL::text AS parent
                 FROM pg_type t WHERE t.typtype = 'r' AND {t}
               UNION ALL SELECT CASE p.prokind WHEN 'a' THEN 'aggregate' WHEN 'w' THEN 'window function' ELSE 'C function' END,
                   p.pronamespace, p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', NULL, NULL, NULL, NULL
                 FROM pg_proc p
                 JOIN pg_language l ON l.oid = p.prolang LEFT JOIN pg_aggregate a ON a.aggfnoid = p.oid
                 WHERE (p.prokind = 'w' OR (p.prokind = 'a' AND NOT ({SIMPLE_AGGREGATE}))
                        OR (p.prokind = 'f' AND l.lanname IN ('c', 'internal'))) AND {p}
               UNION ALL SELECT CASE WHEN t.tgconstraint <> 0 THEN 'constraint trigger' ELSE 'disabled trigger' END,
                   c.relnamespace, t.tgname::text, c.relnamespace, c.relname::text, NULL, NULL
                 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                 WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND (t.tgconstraint <> 0 OR t.tgenabled <> 'O') AND {c}
               UNION ALL SELECT 'rule', c.relnamespace, r.rulename::text, c.relnamespace, c.relname::text, NULL, NULL
                 FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class WHERE r.rulename <> '_RETURN' AND {c}
               UNION ALL SELECT 'inherits', c.relnamespace, NULL, c.relnamespace, c.relname::text, p.relnamespace, p.relname::text
                 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
                 WHERE p.relkind = 'r' AND c.relkind = 'r' AND {c}
                   -- One parent in reach is modelled (`inherits:`).
                   AND (EXISTS (SELECT 1 FROM pg_inherits o WHERE o.inhrelid = c.oid AND o.inhseqno > 1)
                        OR NOT (SELECT nspname FROM pg_namespace WHERE oid = p.relnamespace) = ANY($1))
               UNION ALL SELECT 'unlogged sequence', c.relnamespace, NULL, c.relnamespace, c.relname::text, NULL, NULL
                 FROM pg_class c WHERE c.relpersistence = 'u' AND c.relkind = 'S' AND {c}
               UNION ALL SELECT 'storage parameters', c.relnamespace,
                   array_to_string(coalesce(c.reloptions, '{{}}') || coalesce(
                       (SELECT array_agg('toast.' || o) FROM pg_class x, unnest(x.reloptions) o WHERE x.oid = c.reltoastrelid),
                       '{{}}'), ', '),
                   c.relnamespace, c.relname::text, NULL, NULL
                 FROM pg_class c WHERE c.relkind = 'm' AND {c} AND (c.reloptions IS NOT NULL
                   OR EXISTS (SELECT 1 FROM pg_class x WHERE x.oid = c.reltoastrelid AND x.reloptions IS NOT NULL))
               UNION ALL SELECT 'tablespace', c.relnamespace, s.spcname::text, c.relnamespace, c.relname::text, NULL, NULL
                 FROM pg_class c JOIN pg_tablespace s ON s.oid = c.reltablespace WHERE c.relkind IN ('r', 'p', 'm') AND {c}
               UNION ALL SELECT 'replica identity', c.relnamespace,
                   CASE c.relreplident WHEN 'f' THEN 'full' WHEN 'n' THEN 'nothing' ELSE 'index' END,
                   c.relnamespace, c.relname::text, NULL, NULL
                 FROM pg_class c WHERE c.relkind IN ('r', 'p') AND c.relreplident <> 'd' AND {c}
               UNION ALL SELECT 'cluster on index', c.relnamespace, x.relname::text, c.relnamespace, c.relname::text, NULL, NULL
                 FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class x ON x.oid = i.indexrelid
                 WHERE i.indisclustered AND {c}
               UNION ALL SELECT 'column setting', c.relnamespace,
                   a.attname || concat_ws(' ',
                       CASE WHEN a.attstattarget >= 0 THEN ': statistics ' || a.attstattarget END,
                       CASE WHEN a.attstorage <> ty.typstorage THEN ': storage ' || a.attstorage::text END,
                       CASE WHEN a.attcompression <> '' THEN ': compression ' || a.attcompression::text END),
                   c.relnamespace, c.relname::text, NULL, NULL
                 FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type ty ON ty.oid = a.atttypid
                 WHERE c.relkind IN ('r', 'p', 'm') AND a.attnum > 0 AND NOT a.attisdropped
                   AND (a.attstattarget >= 0 OR a.attstorage <> ty.typstorage OR a.attcompression <> '') AND {c}
               -- Statistics on expressions, in another schema or with a target of their own.
               UNION ALL SELECT 'statistics', s.stxnamespace, s.stxname::text, c.relnamespace, c.relname::text, NULL, NULL
                 FROM pg_statistic_ext s JOIN pg_class c ON c.oid = s.stxrelid WHERE {stx}
                   AND (s.stxexprs IS NOT NULL OR s.stxnamespace <> c.relnamespace OR coalesce(s.stxstattarget, -1) >= 0)
               UNION ALL SELECT 'foreign table', c.relnamespace, c.relname::text, NULL, NULL, NULL, NULL
                 FROM pg_class c WHERE c.relkind = 'f' AND {c}
               UNION ALL SELECT 'comment on enum', t.typnamespace, t.typname::text, NULL, NULL, NULL, NULL
                 FROM pg_type t JOIN pg_description d ON d.objoid = t.oid AND d.classoid = 'pg_type'::regclass
                 WHERE t.typtype = 'e' AND {t}
               UNION ALL SELECT 'operator', o.oprnamespace,
                   o.oprname || '(' || coalesce(format_type(o.oprleft, NULL), 'NONE') || ', '
                     || coalesce(format_type(o.oprright, NULL), 'NONE') || ')', NULL, NULL, NULL, NULL
                 FROM pg_operator o WHERE {opr}
               UNION ALL SELECT 'operator class', o.opcnamespace, o.opcname::text, NULL, NULL, NULL, NULL
                 FROM pg_opclass o WHERE {opc}
               UNION ALL SELECT 'operator family', o.opfnamespace, o.opfname::text, NULL, NULL, NULL, NULL
                 FROM pg_opfamily o WHERE {opf}
               UNION ALL SELECT 'text search configuration', o.cfgnamespace, o.cfgname::text, NULL, NULL, NULL, NULL
                 FROM pg_ts_config o WHERE {cfg}
               UNION ALL SELECT 'text search dictionary', o.dictnamespace, o.dictname::text, NULL, NULL, NULL, NULL
                 FROM pg_ts_dict o WHERE {dict}
               UNION ALL SELECT 'event trigger', 0, v.evtname::text, NULL, NULL, NULL, NULL FROM pg_event_trigger v
                 WHERE {evt}
               UNION ALL SELECT 'publication', 0, b.pubname::text, NULL, NULL, NULL, NULL FROM pg_publication b
               UNION ALL SELECT 'foreign server', 0, f.srvname::text, NULL, NULL, NULL, NULL FROM pg_foreign_server f
                 WHERE {srv}
               UNION ALL SELECT 'cast', 0, format_type(k.castsource, NULL) || ' AS ' || format_type(k.casttarget, NULL),
                   NULL, NULL, NULL, NULL FROM pg_cast k WHERE k.oid >= 16384 AND {cast}
             ) o LEFT JOIN pg_namespace n ON n.oid = o.ns LEFT JOIN pg_namespace tn ON tn.oid = o.on_ns
               LEFT JOIN pg_namespace pn ON pn.oid = o.parent_ns
             WHERE (o.ns = 0 OR n.nspname = ANY($1)) ORDER BY 1, 2, 3, 5",
            c = own("pg_class", "c.oid"),
            t = own("pg_type", "t.oid"),
            p = own("pg_proc", "p.oid"),
            stx = own("pg_statistic_ext", "s.oid"),
            opr = own("pg_operator", "o.oid"),
            opc = own("pg_opclass", "o.oid"),
            opf = own("pg_opfamily", "o.oid"),
            cfg = own("pg_ts_config", "o.oid"),
            dict = own("pg_ts_dict", "o.oid"),
            evt = own("pg_event_trigger", "v.oid"),
            srv = own("pg_foreign_server", "f.oid"),
            cast = own("pg_cast", "k.oid"),
    )
}
