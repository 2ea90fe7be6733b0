//! The schema.yaml format exactly as written, before validation.
//!
//! `deny_unknown_fields` everywhere: a misspelt key is an error with a
//! "did you mean" hint, never silently ignored.

use super::unique_map::UniqueMap;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_yaml::Value;

#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    /// PostgreSQL extensions the schema needs: `[pgcrypto, citext]`, or
    /// with versions: `{ citext: "1.6", pg_trgm: {} }`.
    #[schemars(with = "Option<serde_json::Value>")]
    pub extensions: Option<Value>,
    /// PostgreSQL: the owner of every object that names none.
    pub owner: Option<String>,
    /// What dbshape manages: `{ privileges: false }` leaves owners, grants
    /// and default privileges alone; `{ extensions: false }` the extensions
    /// the file leaves out.
    pub manage: Option<RawManage>,
    /// PostgreSQL schemas' owners and grants: `{ app: { grants: { app_rw: [usage] } } }`.
    pub schemas: Option<UniqueMap<RawSchemaPrivileges>>,
    /// PostgreSQL `ALTER DEFAULT PRIVILEGES`: `{ app_owner: { tables: {
    /// app_rw: [select] } } }`, keyed by the role whose new objects they
    /// cover (`app_owner in reporting` for one schema).
    pub default_privileges: Option<UniqueMap<UniqueMap<RawGrants>>>,
    /// PostgreSQL enum types: `{ mood: [happy, sad] }` (or `{ mood: {
    /// values: [happy, sad], owner: x, grants: {...} } }`).
    pub enums: Option<UniqueMap<RawEnum>>,
    /// PostgreSQL sequences of their own: `{ invoice_no: { type: integer, start: 1000 } }`.
    pub sequences: Option<UniqueMap<RawSequence>>,
    /// PostgreSQL domains: `{ posint: { type: integer, check: "VALUE > 0" } }`.
    pub domains: Option<UniqueMap<RawDomain>>,
    /// PostgreSQL collations: `{ app.natural: { provider: icu, locale: "en-u-kn-true" } }`.
    pub collations: Option<UniqueMap<RawCollation>>,
    /// PostgreSQL composite types: `{ address: { attributes: { street: text } } }`.
    pub types: Option<UniqueMap<RawCompositeType>>,
    pub tables: Option<UniqueMap<RawTable>>,
    /// Views: `{ active_users: { query: "SELECT ..." } }`, each made after
    /// the tables and the views it reads.
    pub views: Option<UniqueMap<RawView>>,
    /// PostgreSQL materialized views: `{ totals: { query: "SELECT ...",
    /// indexes: { ... } } }`.
    pub materialized_views: Option<UniqueMap<RawMaterializedView>>,
    /// PostgreSQL functions, by name (`name(argument types)` for one of
    /// several of the same name).
    pub functions: Option<UniqueMap<RawFunction>>,
    /// PostgreSQL procedures, by name.
    pub procedures: Option<UniqueMap<RawFunction>>,
    /// PostgreSQL aggregates, by name (`name(argument types)` for one of
    /// several of the same name).
    pub aggregates: Option<UniqueMap<RawAggregate>>,
}

/// Grantee (a role, or `public`) → privileges: `[select, update(email)
/// with grant option]`, or `[all]`.
pub type RawGrants = UniqueMap<Vec<String>>;

/// What dbshape manages.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawManage {
    /// `false`: owners, grants and default privileges are left alone.
    pub privileges: Option<bool>,
    /// `false`: extensions the file leaves out are left alone (not dropped).
    pub extensions: Option<bool>,
}

/// A schema's owner and grants (PostgreSQL).
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSchemaPrivileges {
    /// PostgreSQL: its owner (else the file's `owner:`).
    pub owner: Option<String>,
    /// PostgreSQL: grantee → privileges, `{ app_rw: [select, insert], reporting: [select] }`.
    pub grants: Option<RawGrants>,
}

/// An enum type: its labels, or its labels with an owner and grants.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RawEnum {
    Values(Vec<String>),
    Full(RawEnumFull),
}

/// An enum type with more than its labels.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEnumFull {
    pub values: Vec<String>,
    /// PostgreSQL: its owner (else the file's `owner:`).
    pub owner: Option<String>,
    /// PostgreSQL: grantee → privileges, `{ app_rw: [select, insert], reporting: [select] }`.
    pub grants: Option<RawGrants>,
}

impl RawEnum {
    /// Its labels, owner and grants.
    pub fn into_parts(self) -> (Vec<String>, Option<String>, Option<RawGrants>) {
        match self {
            RawEnum::Values(values) => (values, None, None),
            RawEnum::Full(full) => (full.values, full.owner, full.grants),
        }
    }
}

/// A view.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawView {
    /// The query, as after `AS` (a block scalar for long ones).
    pub query: Option<String>,
    /// Or a file holding the query, relative to the schema file.
    pub sql_file: Option<String>,
    /// The names of its columns, in order (`CREATE VIEW v (a, b)`).
    pub columns: Option<Vec<String>>,
    /// PostgreSQL `security_barrier`.
    pub security_barrier: Option<bool>,
    /// PostgreSQL 15 `security_invoker`.
    pub security_invoker: Option<bool>,
    /// `local` or `cascaded` (`WITH ... CHECK OPTION`).
    pub check_option: Option<String>,
    pub comment: Option<String>,
    /// Triggers on the view (`instead of`).
    pub triggers: Option<UniqueMap<RawTrigger>>,
    /// PostgreSQL: its owner (else the file's `owner:`).
    pub owner: Option<String>,
    /// PostgreSQL: grantee → privileges, `{ app_rw: [select, insert], reporting: [select] }`.
    pub grants: Option<RawGrants>,
}

/// A domain (PostgreSQL).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDomain {
    /// The type it narrows.
    #[serde(rename = "type")]
    pub sql_type: String,
    /// Its default, as SQL: `"0"`, `"now()"`.
    pub default: Option<String>,
    /// `false`: NOT NULL.
    pub nullable: Option<bool>,
    /// A check, named `<domain>_check`: `"VALUE > 0"`.
    pub check: Option<String>,
    /// Named checks: `{ name: "VALUE > 0" }`.
    pub checks: Option<UniqueMap<RawCheck>>,
    pub comment: Option<String>,
    /// PostgreSQL: its owner (else the file's `owner:`).
    pub owner: Option<String>,
    /// PostgreSQL: grantee → privileges, `{ app_rw: [select, insert], reporting: [select] }`.
    pub grants: Option<RawGrants>,
}

/// A collation (PostgreSQL).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCollation {
    /// `libc` (the default) or `icu`.
    pub provider: Option<String>,
    /// The locale (`en-u-kn-true` for ICU, `C.utf8` for the C library).
    pub locale: Option<String>,
    /// The C library: the locale for sorting, with `lc_ctype`.
    pub lc_collate: Option<String>,
    /// The C library: the locale for character classes, with `lc_collate`.
    pub lc_ctype: Option<String>,
    /// `false` for a case- or accent-insensitive ICU collation.
    pub deterministic: Option<bool>,
    pub comment: Option<String>,
}

/// A composite type (PostgreSQL).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCompositeType {
    /// Attribute name → type, in order.
    pub attributes: UniqueMap<String>,
    pub comment: Option<String>,
    /// PostgreSQL: its owner (else the file's `owner:`).
    pub owner: Option<String>,
    /// PostgreSQL: grantee → privileges, `{ app_rw: [select, insert], reporting: [select] }`.
    pub grants: Option<RawGrants>,
}

/// A materialized view (PostgreSQL).
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMaterializedView {
    /// The query, as after `AS`.
    pub query: Option<String>,
    /// Or a file holding the query, relative to the schema file.
    pub sql_file: Option<String>,
    /// The names of its columns, in order.
    pub columns: Option<Vec<String>>,
    /// `false`: made empty (`WITH NO DATA`) until refreshed.
    pub with_data: Option<bool>,
    /// Its indexes, as a table's.
    pub indexes: Option<UniqueMap<RawIndex>>,
    pub comment: Option<String>,
    /// PostgreSQL: its owner (else the file's `owner:`).
    pub owner: Option<String>,
    /// PostgreSQL: grantee → privileges, `{ app_rw: [select, insert], reporting: [select] }`.
    pub grants: Option<RawGrants>,
}

/// A function or procedure (PostgreSQL).
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFunction {
    /// Its arguments as SQL: `a integer, b text DEFAULT 'x'`.
    pub arguments: Option<String>,
    /// What a function returns: `integer`, `SETOF users`, `TABLE(id
    /// integer)`, `trigger`.
    pub returns: Option<String>,
    /// `plpgsql`, `sql`, ...
    pub language: Option<String>,
    /// `volatile` (default), `stable` or `immutable`.
    pub volatility: Option<String>,
    /// `STRICT`: NULL in, NULL out, without running it.
    pub strict: Option<bool>,
    /// `invoker` (default) or `definer`.
    pub security: Option<String>,
    /// `unsafe` (default), `restricted` or `safe`.
    pub parallel: Option<String>,
    /// `SET` options: `{ search_path: public }`.
    #[serde(rename = "set")]
    #[schemars(with = "Option<UniqueMap<ScalarValue>>")]
    pub config: Option<UniqueMap<Value>>,
    /// The body (the text between the dollar quotes).
    pub body: Option<String>,
    /// Or a file holding the body, relative to the schema file.
    pub sql_file: Option<String>,
    pub comment: Option<String>,
    /// PostgreSQL: its owner (else the file's `owner:`).
    pub owner: Option<String>,
    /// PostgreSQL: grantee → privileges, `{ app_rw: [select, insert], reporting: [select] }`.
    pub grants: Option<RawGrants>,
}

/// An aggregate (PostgreSQL).
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAggregate {
    /// Its argument types: `[integer]`.
    pub arguments: Vec<String>,
    /// The transition function.
    pub sfunc: String,
    /// The state type.
    pub stype: String,
    /// The final function.
    pub finalfunc: Option<String>,
    /// The initial state, as text: `"0"`.
    pub initcond: Option<String>,
    pub comment: Option<String>,
}

/// A trigger.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTrigger {
    /// `before`, `after` or `instead of`.
    pub timing: String,
    /// `[insert, update, delete, truncate]`; `update of a, b` for updates
    /// of those columns.
    pub events: Vec<String>,
    /// `row` or `statement` (PostgreSQL's default; SQLite has only `row`).
    pub for_each: Option<String>,
    /// The `WHEN` condition.
    #[serde(rename = "when")]
    pub condition: Option<String>,
    /// PostgreSQL transition tables: `{ old_table: gone, new_table: added }`.
    pub referencing: Option<RawReferencing>,
    /// PostgreSQL: the function it executes.
    pub function: Option<String>,
    /// PostgreSQL: literal arguments for the function.
    pub arguments: Option<Vec<String>>,
    /// SQLite: the statements it runs (between `BEGIN` and `END`).
    pub body: Option<String>,
    /// Or a file holding the body, relative to the schema file.
    pub sql_file: Option<String>,
    pub comment: Option<String>,
}

/// A trigger's transition tables.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawReferencing {
    pub old_table: Option<String>,
    pub new_table: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTable {
    #[schemars(with = "Option<UniqueMap<ColumnForm>>")]
    pub columns: Option<UniqueMap<RawColumn>>,
    /// `[a, b]`, or `{ name: x, columns: [a, b] }`.
    #[serde(default)]
    #[schemars(schema_with = "primary_key_schema")]
    pub primary_key: Option<Value>,
    pub uniques: Option<UniqueMap<RawUnique>>,
    pub indexes: Option<UniqueMap<RawIndex>>,
    pub checks: Option<UniqueMap<RawCheck>>,
    pub foreign_keys: Option<UniqueMap<RawForeignKey>>,
    /// PostgreSQL exclusion constraints.
    pub exclusions: Option<UniqueMap<RawExclusion>>,
    /// PostgreSQL extended statistics: `{ st: { columns: [city, zip] } }`.
    pub statistics: Option<UniqueMap<RawStatistics>>,
    pub comment: Option<String>,
    pub renamed_from: Option<String>,
    /// SQLite `STRICT`.
    pub strict: Option<bool>,
    /// SQLite `WITHOUT ROWID`.
    pub without_rowid: Option<bool>,
    /// PostgreSQL: how a partitioned table splits its rows, `RANGE (at)`.
    pub partition_by: Option<String>,
    /// PostgreSQL: the table this one inherits from (`INHERITS`): its
    /// columns come first, and `columns` lists this table's own.
    pub inherits: Option<String>,
    /// PostgreSQL: the partitioned table this table is a partition of.
    pub partition_of: Option<String>,
    /// With `partition_of`: the rows it holds, `FROM ('2026-01-01') TO
    /// ('2026-02-01')`, `IN ('a', 'b')`, `WITH (modulus 4, remainder 0)` or
    /// `DEFAULT`.
    pub bound: Option<String>,
    /// Triggers on the table.
    pub triggers: Option<UniqueMap<RawTrigger>>,
    /// PostgreSQL: `enabled`, or `forced` (for the table's owner too).
    pub row_level_security: Option<String>,
    /// PostgreSQL `UNLOGGED`: faster writes, emptied after a crash.
    pub unlogged: Option<bool>,
    /// PostgreSQL storage parameters: `{ fillfactor: 70,
    /// autovacuum_enabled: false, toast.autovacuum_enabled: false }`.
    #[schemars(with = "Option<UniqueMap<ScalarValue>>")]
    pub storage: Option<UniqueMap<Value>>,
    /// PostgreSQL row level security policies.
    pub policies: Option<UniqueMap<RawPolicy>>,
    /// MySQL: the storage engine, `InnoDB` (the server's default when left out).
    pub engine: Option<String>,
    /// MySQL: `DYNAMIC`, `COMPRESSED`, ...
    pub row_format: Option<String>,
    /// MySQL: the default character set of its text columns.
    pub charset: Option<String>,
    /// MySQL: the default collation of its text columns.
    pub collation: Option<String>,
    /// PostgreSQL: its owner (else the file's `owner:`).
    pub owner: Option<String>,
    /// PostgreSQL: grantee → privileges, `{ app_rw: [select, insert], reporting: [select] }`.
    pub grants: Option<RawGrants>,
}

/// Extended statistics (PostgreSQL `CREATE STATISTICS`).
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawStatistics {
    /// Two or more columns of the table.
    pub columns: Vec<String>,
    /// Some of `ndistinct`, `dependencies`, `mcv` (all when left out).
    pub kinds: Option<Vec<String>>,
    pub comment: Option<String>,
}

/// A row level security policy (PostgreSQL).
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPolicy {
    /// `all` (default), `select`, `insert`, `update` or `delete`.
    #[serde(rename = "for")]
    pub command: Option<String>,
    /// `permissive` (default) or `restrictive`.
    #[serde(rename = "as")]
    pub kind: Option<String>,
    /// The roles: `[app_user]`; every role (`public`) when left out.
    #[serde(rename = "to")]
    pub roles: Option<Vec<String>>,
    /// The rows it lets through.
    pub using: Option<String>,
    /// The rows it lets be written.
    pub with_check: Option<String>,
    pub comment: Option<String>,
}

/// A column: its full map, or just its type (`name: text`, a nullable
/// column with no default).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, remote = "Self")]
pub struct RawColumn {
    /// Required, unless `declared_type` stands for it.
    #[serde(rename = "type", default)]
    pub sql_type: String,
    /// SQLite: the column's type declared exactly as written, on purpose,
    /// even a name SQLite does not know (`declared_type: string`, which
    /// gives NUMERIC affinity). Stands for `type`.
    pub declared_type: Option<String>,
    pub primary_key: Option<bool>,
    pub nullable: Option<bool>,
    pub unique: Option<bool>,
    /// A YAML scalar (literal) or `{ sql: EXPR }`.
    #[serde(default)]
    #[schemars(schema_with = "default_schema")]
    pub default: Option<Value>,
    pub autoincrement: Option<bool>,
    /// `always` or `by default` (PostgreSQL identity columns), or
    /// `{ generated: always, start: 100, increment: 1, min:, max:, cache:, cycle: }`.
    pub identity: Option<RawIdentity>,
    /// A stored generated column, `generated: "price * qty"`, or a
    /// virtual one (SQLite), `generated: { expr: "price * qty", virtual: true }`.
    pub generated: Option<RawGenerated>,
    pub references: Option<String>,
    pub on_delete: Option<String>,
    /// With `references`: the foreign key's action (`cascade`, ...).
    /// Otherwise (MySQL): what the column is set to when its row changes,
    /// `CURRENT_TIMESTAMP`.
    pub on_update: Option<String>,
    pub deferrable: Option<bool>,
    pub initially_deferred: Option<bool>,
    pub check: Option<String>,
    pub collation: Option<String>,
    /// MySQL: the column's character set (its default collation).
    pub charset: Option<String>,
    pub comment: Option<String>,
    pub renamed_from: Option<String>,
    /// How existing values become the new type, once (`USING` on
    /// PostgreSQL, the copy expression of a SQLite rebuild).
    pub using: Option<String>,
    /// The value NULLs get, once, when the column becomes NOT NULL.
    pub backfill: Option<String>,
    /// PostgreSQL: the grants on a serial or identity column's own
    /// sequence, `{ app: [usage, select] }`.
    pub sequence_grants: Option<RawGrants>,
}

impl RawColumn {
    fn of_type(sql_type: String) -> RawColumn {
        RawColumn {
            sql_type,
            declared_type: None,
            primary_key: None,
            nullable: None,
            unique: None,
            default: None,
            autoincrement: None,
            identity: None,
            generated: None,
            references: None,
            on_delete: None,
            on_update: None,
            deferrable: None,
            initially_deferred: None,
            check: None,
            collation: None,
            charset: None,
            comment: None,
            renamed_from: None,
            using: None,
            backfill: None,
            sequence_grants: None,
        }
    }
}

impl<'de> Deserialize<'de> for RawColumn {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Form;
        impl<'de> serde::de::Visitor<'de> for Form {
            type Value = RawColumn;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a column: its type (`text`) or a map (`{ type: text, nullable: false }`)")
            }
            fn visit_str<E: serde::de::Error>(self, sql_type: &str) -> Result<RawColumn, E> {
                Ok(RawColumn::of_type(sql_type.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RawColumn, A::Error> {
                let mut raw = RawColumn::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                match (raw.sql_type.trim().is_empty(), &raw.declared_type) {
                    (true, Some(declared)) => raw.sql_type = declared.clone(),
                    (true, None) => return Err(serde::de::Error::missing_field("type")),
                    (false, Some(_)) => {
                        return Err(serde::de::Error::custom(
                            "give `type` or `declared_type`, not both: `declared_type` is the type, declared as written",
                        ));
                    }
                    (false, None) => {}
                }
                Ok(raw)
            }
        }
        deserializer.deserialize_any(Form)
    }
}

/// A column: its type alone (`email: text`), or the full map.
#[derive(JsonSchema)]
#[serde(untagged)]
// Never built: it only describes the two forms to schemars.
#[allow(dead_code, clippy::large_enum_variant)]
enum ColumnForm {
    /// The column's type: a nullable column without default.
    Type(String),
    Full(RawColumn),
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawIndex {
    /// Column names (optionally followed by `asc`/`desc`), or
    /// `{ expr: SQL, order: desc }` items.
    #[schemars(schema_with = "index_columns_schema")]
    pub columns: Vec<Value>,
    pub unique: Option<bool>,
    #[serde(rename = "where")]
    pub predicate: Option<String>,
    /// Access method: btree (default), hash, gin, gist, brin, ...
    pub using: Option<String>,
    /// Non-key columns (`INCLUDE`).
    pub include: Option<Vec<String>>,
    /// A unique index that counts NULLs as equal (`NULLS NOT DISTINCT`).
    pub nulls_not_distinct: Option<bool>,
    /// Storage parameters: `{ fillfactor: 70 }`.
    #[schemars(with = "Option<UniqueMap<ScalarValue>>")]
    pub with: Option<UniqueMap<Value>>,
    /// The tablespace the index is made in (not managed: a different one
    /// alone is not a change).
    pub tablespace: Option<String>,
    /// MySQL `INVISIBLE` (MariaDB `IGNORED`): maintained, not used by queries.
    pub invisible: Option<bool>,
    pub comment: Option<String>,
}

/// A storage parameter's value.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)] // Never built: it only describes the value to schemars.
enum ScalarValue {
    Text(String),
    Number(f64),
    Flag(bool),
}

/// A generated column's expression, and whether it is virtual.
#[derive(Clone, Debug)]
pub struct RawGenerated {
    pub expr: String,
    pub virtual_: bool,
}

/// The long form of a generated column.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawGeneratedMap {
    expr: String,
    /// Computed when read, not stored (SQLite).
    #[serde(rename = "virtual")]
    virtual_: Option<bool>,
}

impl<'de> Deserialize<'de> for RawGenerated {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Form;
        impl<'de> serde::de::Visitor<'de> for Form {
            type Value = RawGenerated;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a generated column: its SQL expression, or `{ expr: SQL, virtual: true }`")
            }
            fn visit_str<E: serde::de::Error>(self, expr: &str) -> Result<RawGenerated, E> {
                Ok(RawGenerated { expr: expr.to_string(), virtual_: false })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RawGenerated, A::Error> {
                let long = RawGeneratedMap::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(RawGenerated { expr: long.expr, virtual_: long.virtual_.unwrap_or(false) })
            }
        }
        deserializer.deserialize_any(Form)
    }
}

impl JsonSchema for RawGenerated {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RawGenerated".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let long = generator.subschema_for::<RawGeneratedMap>();
        schemars::json_schema!({
            "description": "A stored generated column's SQL expression, or `{ expr: SQL, virtual: true }`.",
            "anyOf": [ { "type": "string" }, long ]
        })
    }
}

/// A sequence of its own.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSequence {
    /// `smallint`, `integer` or `bigint` (the default).
    #[serde(rename = "type")]
    pub sql_type: Option<String>,
    pub start: Option<i64>,
    pub increment: Option<i64>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub cache: Option<i64>,
    pub cycle: Option<bool>,
    /// `table.column`: the column it belongs to (dropped with it).
    pub owned_by: Option<String>,
    pub comment: Option<String>,
    /// PostgreSQL: its owner (else the file's `owner:`).
    pub owner: Option<String>,
    /// PostgreSQL: grantee → privileges, `{ app_rw: [select, insert], reporting: [select] }`.
    pub grants: Option<RawGrants>,
}

/// An identity column: how it is generated, and how its sequence counts.
#[derive(Clone, Debug, Default)]
pub struct RawIdentity {
    pub generated: Option<String>,
    pub options: RawSequenceOptions,
}

/// How a sequence counts; what is left out is the default for its type.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSequenceOptions {
    pub start: Option<i64>,
    pub increment: Option<i64>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub cache: Option<i64>,
    pub cycle: Option<bool>,
}

/// The long form of an identity.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawIdentityMap {
    /// `always` or `by default` (the default).
    generated: Option<String>,
    start: Option<i64>,
    increment: Option<i64>,
    min: Option<i64>,
    max: Option<i64>,
    cache: Option<i64>,
    cycle: Option<bool>,
}

impl<'de> Deserialize<'de> for RawIdentity {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Form;
        impl<'de> serde::de::Visitor<'de> for Form {
            type Value = RawIdentity;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an identity: `always`, `by default`, or `{ generated: always, start: 100, ... }`")
            }
            fn visit_str<E: serde::de::Error>(self, generated: &str) -> Result<RawIdentity, E> {
                Ok(RawIdentity { generated: Some(generated.to_string()), options: RawSequenceOptions::default() })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RawIdentity, A::Error> {
                let long = RawIdentityMap::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                let options = RawSequenceOptions {
                    start: long.start,
                    increment: long.increment,
                    min: long.min,
                    max: long.max,
                    cache: long.cache,
                    cycle: long.cycle,
                };
                Ok(RawIdentity { generated: long.generated, options })
            }
        }
        deserializer.deserialize_any(Form)
    }
}

impl JsonSchema for RawIdentity {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RawIdentity".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let long = generator.subschema_for::<RawIdentityMap>();
        schemars::json_schema!({
            "description": "`always`, `by default`, or `{ generated: always, start: 100, increment: 1, ... }`.",
            "anyOf": [ { "type": "string" }, long ]
        })
    }
}

/// A unique constraint: its columns, or `{ columns: [...], nulls_not_distinct: true }`.
#[derive(Clone, Debug)]
pub struct RawUnique {
    pub columns: Vec<String>,
    pub nulls_not_distinct: Option<bool>,
    pub deferrable: Option<bool>,
    pub initially_deferred: Option<bool>,
    pub comment: Option<String>,
}

/// The long form of a unique constraint.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawUniqueMap {
    columns: Vec<String>,
    /// NULLs count as equal to each other (`NULLS NOT DISTINCT`).
    nulls_not_distinct: Option<bool>,
    /// PostgreSQL: `DEFERRABLE`.
    deferrable: Option<bool>,
    /// PostgreSQL: `DEFERRABLE INITIALLY DEFERRED`.
    initially_deferred: Option<bool>,
    comment: Option<String>,
}

/// A check constraint: its expression, or `{ expr: SQL, comment: text,
/// validated: false }`.
#[derive(Clone, Debug)]
pub struct RawCheck {
    pub expr: String,
    pub comment: Option<String>,
    pub validated: Option<bool>,
}

/// The long form of a check constraint.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawCheckMap {
    expr: String,
    comment: Option<String>,
    /// `false`: added `NOT VALID` and kept so (PostgreSQL): rows already
    /// there are not checked.
    validated: Option<bool>,
}

impl<'de> Deserialize<'de> for RawCheck {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Form;
        impl<'de> serde::de::Visitor<'de> for Form {
            type Value = RawCheck;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a check: its SQL expression, or `{ expr: SQL, comment: text, validated: false }`")
            }
            fn visit_str<E: serde::de::Error>(self, expr: &str) -> Result<RawCheck, E> {
                Ok(RawCheck { expr: expr.to_string(), comment: None, validated: None })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RawCheck, A::Error> {
                let long = RawCheckMap::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(RawCheck { expr: long.expr, comment: long.comment, validated: long.validated })
            }
        }
        deserializer.deserialize_any(Form)
    }
}

impl JsonSchema for RawCheck {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RawCheck".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let long = generator.subschema_for::<RawCheckMap>();
        schemars::json_schema!({
            "description": "An SQL expression, or `{ expr: SQL, comment: text, validated: false }`.",
            "anyOf": [ { "type": "string" }, long ]
        })
    }
}

impl<'de> Deserialize<'de> for RawUnique {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Form;
        impl<'de> serde::de::Visitor<'de> for Form {
            type Value = RawUnique;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "a unique constraint: its columns (`[a, b]`) or `{ columns: [a, b], nulls_not_distinct: true }`",
                )
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<RawUnique, A::Error> {
                let columns = Vec::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))?;
                Ok(RawUnique {
                    columns,
                    nulls_not_distinct: None,
                    deferrable: None,
                    initially_deferred: None,
                    comment: None,
                })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RawUnique, A::Error> {
                let long = RawUniqueMap::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(RawUnique {
                    columns: long.columns,
                    nulls_not_distinct: long.nulls_not_distinct,
                    deferrable: long.deferrable,
                    initially_deferred: long.initially_deferred,
                    comment: long.comment,
                })
            }
        }
        deserializer.deserialize_any(Form)
    }
}

impl JsonSchema for RawUnique {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RawUnique".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let long = generator.subschema_for::<RawUniqueMap>();
        schemars::json_schema!({
            "description": "The unique columns, `[a, b]`, or `{ columns: [a, b], nulls_not_distinct: true }`.",
            "anyOf": [ { "type": "array", "items": { "type": "string" }, "minItems": 1 }, long ]
        })
    }
}

/// An exclusion constraint: `{ using: gist, elements: [{ column: room, with: "=" }], where: SQL }`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawExclusion {
    /// The index method: gist (the default), btree, spgist, ...
    pub using: Option<String>,
    pub elements: Vec<RawExclusionElement>,
    #[serde(rename = "where")]
    pub predicate: Option<String>,
    pub deferrable: Option<bool>,
    pub initially_deferred: Option<bool>,
    pub comment: Option<String>,
}

/// One element of an exclusion constraint: an index key and its operator.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawExclusionElement {
    pub column: Option<String>,
    pub expr: Option<String>,
    /// The operator: `=`, `&&`, ...
    pub with: String,
    pub order: Option<String>,
    pub nulls: Option<String>,
    pub collation: Option<String>,
    pub opclass: Option<String>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawForeignKey {
    pub columns: Vec<String>,
    pub references: RawReference,
    pub on_delete: Option<String>,
    pub on_update: Option<String>,
    pub deferrable: Option<bool>,
    pub initially_deferred: Option<bool>,
    pub comment: Option<String>,
    /// `false`: added `NOT VALID` and kept so (PostgreSQL): rows already
    /// there are not checked.
    pub validated: Option<bool>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawReference {
    pub table: String,
    pub columns: Option<Vec<String>>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawIndexExpr {
    pub expr: Option<String>,
    pub column: Option<String>,
    pub order: Option<String>,
    /// `first` or `last`.
    pub nulls: Option<String>,
    /// The key's collation, when not its own: `C`.
    pub collation: Option<String>,
    /// The operator class, when not the type's default: `gin_trgm_ops`.
    pub opclass: Option<String>,
    /// MySQL: index only the first this many characters of the column.
    pub length: Option<u32>,
}

fn primary_key_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "description": "Primary key columns: `[a, b]`, or `{ name: x, columns: [a, b] }`.",
        "anyOf": [
            { "type": "array", "items": { "type": "string" }, "minItems": 1 },
            {
                "type": "object",
                "properties": {
                    "name": { "type": "string" },
                    "comment": { "type": "string" },
                    "columns": { "type": "array", "items": { "type": "string" }, "minItems": 1 }
                },
                "required": ["columns"],
                "additionalProperties": false
            },
            { "type": "null" }
        ]
    })
}

fn default_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "description": "A literal value (YAML scalar), or `{ sql: EXPRESSION }`.",
        "anyOf": [
            { "type": ["string", "number", "boolean", "null"] },
            {
                "type": "object",
                "properties": { "sql": { "type": "string", "minLength": 1 } },
                "required": ["sql"],
                "additionalProperties": false
            }
        ]
    })
}

fn index_columns_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let item = generator.subschema_for::<RawIndexExpr>();
    schemars::json_schema!({
        "description": "Column names (optionally followed by ` desc`), or `{ column: x }` / `{ expr: SQL }` items.",
        "type": "array",
        "minItems": 1,
        "items": { "anyOf": [ { "type": "string" }, item ] }
    })
}
