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
    /// PostgreSQL extensions the schema needs: `[pgcrypto, citext]`.
    pub extensions: Option<Vec<String>>,
    /// PostgreSQL enum types: `{ mood: [happy, sad] }`.
    pub enums: Option<UniqueMap<Vec<String>>>,
    pub tables: Option<UniqueMap<RawTable>>,
}

#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTable {
    pub columns: Option<UniqueMap<RawColumn>>,
    /// `[a, b]`, or `{ name: x, columns: [a, b] }`.
    #[serde(default)]
    #[schemars(schema_with = "primary_key_schema")]
    pub primary_key: Option<Value>,
    pub uniques: Option<UniqueMap<Vec<String>>>,
    pub indexes: Option<UniqueMap<RawIndex>>,
    pub checks: Option<UniqueMap<String>>,
    pub foreign_keys: Option<UniqueMap<RawForeignKey>>,
    pub comment: Option<String>,
    pub renamed_from: Option<String>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawColumn {
    #[serde(rename = "type")]
    pub sql_type: String,
    pub primary_key: Option<bool>,
    pub nullable: Option<bool>,
    pub unique: Option<bool>,
    /// A YAML scalar (literal) or `{ sql: EXPR }`.
    #[serde(default)]
    #[schemars(schema_with = "default_schema")]
    pub default: Option<Value>,
    pub autoincrement: Option<bool>,
    /// `always` or `by default` (PostgreSQL identity columns).
    pub identity: Option<String>,
    /// A stored generated column: `generated: "price * qty"`.
    pub generated: Option<String>,
    pub references: Option<String>,
    pub on_delete: Option<String>,
    pub on_update: Option<String>,
    pub deferrable: Option<bool>,
    pub initially_deferred: Option<bool>,
    pub check: Option<String>,
    pub collation: Option<String>,
    pub comment: Option<String>,
    pub renamed_from: Option<String>,
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
