//! Every change of a plan carries its hazards: the lock its statements
//! take, whether they rewrite, scan or copy the table, build an index or
//! delete data; in the text plan next to the change, and in the JSON.

use crate::harness::Test;

/// The hazards of each change of the JSON plan, as `kind[:lock on table]`.
fn hazards(t: &Test, args: &[&str]) -> Vec<(String, Vec<String>)> {
    let mut command = vec!["plan", "--format", "json"];
    command.extend_from_slice(args);
    let json: serde_json::Value = serde_json::from_str(&t.run(&command).success().stdout).unwrap();
    let mut found = Vec::new();
    for step in json["steps"].as_array().unwrap() {
        for change in step["changes"].as_array().unwrap() {
            let list = change["hazards"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| match h["lock"].as_str() {
                    Some(lock) => format!("{lock} on {}", h["table"].as_str().unwrap()),
                    None => h["kind"].as_str().unwrap().to_string(),
                })
                .collect();
            found.push((change["description"].as_str().unwrap().to_string(), list));
        }
    }
    found
}

#[test]
fn postgres_changes_say_their_lock_and_what_they_rewrite_or_scan() {
    let Some(t) = Test::postgres() else { return };
    t.schema(
        "tables:\n  teams:\n    columns:\n      id: { type: integer, primary_key: true }\n  users:\n    columns:\n      \
         id: { type: integer, primary_key: true }\n      email: text\n      code: text\n      nick: varchar(10)\n      \
         team_id: integer\n      old: text\n",
    );
    t.apply();
    t.schema(
        "tables:\n  teams:\n    columns:\n      id: { type: integer, primary_key: true }\n  users:\n    columns:\n      \
         id: { type: integer, primary_key: true }\n      email: { type: text, nullable: false }\n      code: integer\n      \
         nick: varchar(20)\n      team_id: { type: integer, references: teams.id }\n      \
         token: { type: uuid, default: { sql: gen_random_uuid() } }\n      made: { type: timestamptz, default: { sql: now() } }\n    \
         checks:\n      code_positive: code > 0\n    indexes:\n      users_nick_idx: { columns: [nick] }\n  \
         fresh:\n    columns:\n      id: { type: integer, primary_key: true }\n      team_id: { type: integer, references: teams.id }\n",
    );
    let found = hazards(&t, &[]);
    let of = |prefix: &str| -> Vec<String> {
        found.iter().find(|(d, _)| d.starts_with(prefix)).unwrap_or_else(|| panic!("no {prefix}: {found:#?}")).1.clone()
    };
    assert_eq!(of("alter column users.email: set not null"), ["ACCESS EXCLUSIVE on users", "scans_table"]);
    // text → integer can reject values: destructive, so it says it deletes data too.
    assert_eq!(
        of("alter column users.code"),
        ["ACCESS EXCLUSIVE on users", "rewrites_table", "builds_index", "deletes_data"]
    );
    // A longer varchar is binary-coercible: no rewrite.
    assert_eq!(of("alter column users.nick"), ["ACCESS EXCLUSIVE on users"]);
    assert_eq!(of("add column users.token"), ["ACCESS EXCLUSIVE on users", "rewrites_table"]);
    assert_eq!(of("add column users.made"), ["ACCESS EXCLUSIVE on users"]);
    assert_eq!(of("drop column users.old"), ["ACCESS EXCLUSIVE on users", "deletes_data"]);
    assert_eq!(of("add check code_positive"), ["ACCESS EXCLUSIVE on users", "scans_table"]);
    assert_eq!(of("create index users_nick_idx"), ["SHARE on users", "builds_index"]);
    assert_eq!(
        of("add foreign key users_team_id_fkey"),
        ["SHARE ROW EXCLUSIVE on users", "SHARE ROW EXCLUSIVE on teams", "scans_table"]
    );
    // A new table has no traffic to stall, but its foreign key locks the parent.
    assert_eq!(of("create table fresh"), ["SHARE ROW EXCLUSIVE on teams"]);
    let text = t.run(&["plan"]).success().stdout;
    assert!(
        text.contains("~ alter column users.email: set not null\n      hazards: ACCESS EXCLUSIVE lock on users, scans the table to validate"),
        "{text}"
    );
}

#[test]
fn sqlite_rebuilds_say_they_copy_the_table() {
    let t = Test::sqlite();
    t.schema("tables:\n  users:\n    columns:\n      id: { type: integer, primary_key: true }\n      email: text\n");
    t.apply();
    t.schema(
        "tables:\n  users:\n    columns:\n      id: { type: integer, primary_key: true }\n      \
         email: { type: text, nullable: false }\n    indexes:\n      users_email_idx: { columns: [email] }\n",
    );
    let found = hazards(&t, &[]);
    assert_eq!(found[0], ("alter column users.email: set not null".to_string(), vec!["copies_table".to_string()]));
    assert!(
        found.iter().any(|(d, h)| d.starts_with("create index") && h.contains(&"builds_index".to_string())),
        "{found:?}"
    );
    t.run(&["plan"]).success().stdout_has("hazards: copies the table");
}
