//! Writing owners, grants, default privileges and extensions as the file
//! spells them: an object's `owner:` and `grants:` fields, and the
//! top-level `owner:`, `manage:`, `schemas:` and `default_privileges:`.

use super::privileges::{default_key, written};
use super::render_fields::{list, scalar};
use crate::model::{Extension, Grants, Schema, Securable, SecurableKind};
use std::collections::HashMap;
use std::fmt::Write;

/// `grants: { app: [select], public: [] }`, grantees in name order.
fn grants_field(kind: SecurableKind, grants: &Grants) -> String {
    let entries: Vec<String> =
        grants.0.iter().map(|(grantee, held)| format!("{}: {}", scalar(grantee), list(&written(kind, held)))).collect();
    format!("{{ {} }}", entries.join(", "))
}

/// The `sequence_grants: {...}` field of each column whose own sequence
/// has grants, by table and column.
pub(super) fn column_sequence_grants(schema: &Schema) -> HashMap<&str, HashMap<&str, String>> {
    let mut fields: HashMap<&str, HashMap<&str, String>> = HashMap::new();
    for privileges in schema.privileges.values().filter(|p| !p.grants.0.is_empty()) {
        if let Some((table, column)) = &privileges.column {
            let field = format!("sequence_grants: {}", grants_field(SecurableKind::Sequence, &privileges.grants));
            fields.entry(table.as_str()).or_default().insert(column.as_str(), field);
        }
    }
    fields
}

/// An object's `owner: x` and `grants: {...}` fields, where it has any.
pub(super) fn privilege_fields(schema: &Schema, kind: SecurableKind, name: &str) -> Vec<String> {
    let Some(privileges) = schema.privileges.get(&Securable::new(kind, name)) else { return Vec::new() };
    let mut fields = Vec::new();
    if let Some(owner) = &privileges.owner {
        fields.push(format!("owner: {}", scalar(owner)));
    }
    if !privileges.grants.0.is_empty() {
        fields.push(format!("grants: {}", grants_field(kind, &privileges.grants)));
    }
    fields
}

/// The same fields as lines of a block at `indent` spaces.
pub(super) fn render_privilege_lines(
    out: &mut String,
    schema: &Schema,
    kind: SecurableKind,
    name: &str,
    indent: usize,
) {
    for field in privilege_fields(schema, kind, name) {
        let _ = writeln!(out, "{:indent$}{field}", "");
    }
}

/// The top-level `extensions:`, `owner:`, `manage:`, `schemas:` and
/// `default_privileges:`.
pub(super) fn render_file_privileges(out: &mut String, schema: &Schema) {
    if !schema.extensions.is_empty() {
        let pinned = |e: &Extension| e.version.clone().filter(|_| !e.default_version);
        let said = schema.extensions.values().any(|e| pinned(e).is_some() || e.schema.is_some());
        if said {
            out.push_str("extensions:\n");
            for (name, extension) in &schema.extensions {
                let version = pinned(extension).map(|v| serde_json::to_string(&v).expect("strings serialise"));
                let value = match (version, &extension.schema) {
                    (Some(version), None) => version,
                    (Some(version), Some(s)) => format!("{{ version: {version}, schema: {} }}", scalar(s)),
                    (None, Some(s)) => format!("{{ schema: {} }}", scalar(s)),
                    (None, None) => "{}".to_string(),
                };
                let _ = writeln!(out, "  {}: {value}", scalar(name));
            }
        } else {
            let names: Vec<String> = schema.extensions.keys().cloned().collect();
            let _ = writeln!(out, "extensions: {}", list(&names));
        }
    }
    if let Some(owner) = schema.owner.as_ref().filter(|o| Some(*o) != schema.role.as_ref()) {
        let _ = writeln!(out, "owner: {}", scalar(owner));
    }
    let unmanaged: Vec<&str> =
        [("privileges", schema.privileges_unmanaged), ("extensions", schema.extensions_unmanaged)]
            .into_iter()
            .filter_map(|(what, off)| off.then_some(what))
            .collect();
    if !unmanaged.is_empty() {
        let fields: Vec<String> = unmanaged.iter().map(|what| format!("{what}: false")).collect();
        let _ = writeln!(out, "manage: {{ {} }}", fields.join(", "));
    }
    // From a database every schema is read: only those of note are written.
    let default_owner = schema.owner.as_ref().or(schema.role.as_ref());
    let worth_writing = |object: &&Securable| object.kind == SecurableKind::Schema && schema.lists_schema(&object.name);
    let schemas: Vec<&Securable> = schema.privileges.keys().filter(worth_writing).collect();
    if !schemas.is_empty() {
        out.push_str("schemas:\n");
        for object in schemas {
            let mut fields = privilege_fields(schema, SecurableKind::Schema, &object.name);
            let owner = schema.privileges[object].owner.as_ref();
            if owner.is_some() && owner == default_owner {
                fields.retain(|f| !f.starts_with("owner:"));
            }
            let value = if fields.is_empty() { "{}".to_string() } else { format!("{{ {} }}", fields.join(", ")) };
            let _ = writeln!(out, "  {}: {value}", scalar(&object.name));
        }
    }
    if !schema.default_privileges.is_empty() {
        out.push_str("default_privileges:\n");
        let mut keys: Vec<String> = schema.default_privileges.keys().map(default_key).collect();
        keys.dedup();
        for key in keys {
            let _ = writeln!(out, "  {}:", scalar(&key));
            for (scope, grants) in schema.default_privileges.iter().filter(|(s, _)| default_key(s) == key) {
                let _ = writeln!(out, "    {}: {}", scope.objects.word(), grants_field(scope.objects.kind(), grants));
            }
        }
    }
}
