//! Keys of the file that only PostgreSQL has: another dialect refuses them
//! at the line that says them, rather than dropping them.

use super::finding::Finding;
use crate::model::Schema;

/// What of `schema` only PostgreSQL has, refused by the dialect `title`.
pub(crate) fn postgres_only(schema: &Schema, title: &str) -> Vec<Finding> {
    let mut found = Vec::new();
    let hint = "only PostgreSQL keeps a constraint NOT VALID: remove `validated: false`";
    for table in schema.tables.values() {
        let t = table.name.as_str();
        if let Some(pk) = table.primary_key.as_ref().filter(|pk| pk.deferrable) {
            let message =
                format!("primary key \"{}\" of \"{t}\": {title} checks keys at once, never deferred", pk.name);
            found.push(Finding::table(t, Some("primary_key"), message));
        }
        for unique in table.uniques.values().filter(|u| u.deferrable) {
            let message = format!("unique \"{}\" of \"{t}\": {title} checks keys at once, never deferred", unique.name);
            found.push(Finding::entry(t, "uniques", &unique.name, message));
        }
        for check in table.checks.values().filter(|c| c.not_valid) {
            let message = format!("check \"{}\" of \"{t}\": {title} validates checks as they are added", check.name);
            found.push(Finding::entry(t, "checks", &check.name, message).hint(hint));
        }
        for fk in table.foreign_keys.values().filter(|fk| fk.not_valid) {
            let message = format!("foreign key \"{}\" of \"{t}\": {title} validates keys as they are added", fk.name);
            found.push(Finding::entry(t, "foreign_keys", &fk.name, message).hint(hint));
        }
    }
    let privileges_hint = match title {
        "SQLite" => "SQLite has no users or privileges: remove `owner:`, `grants:` and `default_privileges:`",
        _ => {
            "on MySQL and MariaDB privileges belong to the server's accounts (`GRANT … TO 'app'@'%'`), which dbshape \
              does not manage: remove `owner:`, `grants:` and `default_privileges:`"
        }
    };
    if schema.owner.is_some() {
        let message = format!("`owner:` is for PostgreSQL: {title} objects have no owners");
        found.push(Finding::keys(&["owner".into()], message).hint(privileges_hint));
    }
    for (object, privileges) in &schema.privileges {
        let key = match (&privileges.column, &privileges.owner) {
            (Some(_), _) => "sequence_grants",
            (None, Some(_)) => "owner",
            (None, None) => "grants",
        };
        let path = [privileges.at.clone(), vec![key.to_string()]].concat();
        let message = format!("{object}: owners and grants in the file are for PostgreSQL, not {title}");
        found.push(Finding::keys(&path, message).hint(privileges_hint));
    }
    if !schema.default_privileges.is_empty() {
        let message = format!("default privileges are for PostgreSQL, not {title}");
        found.push(Finding::keys(&["default_privileges".into()], message).hint(privileges_hint));
    }
    found
}
