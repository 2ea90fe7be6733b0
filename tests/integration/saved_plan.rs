//! Reviewed plans, applied exactly: `plan --out` saves the plan with the
//! fingerprints of the live schema and of the schema file; `apply --plan`
//! runs exactly those statements, and refuses (exit 2, nothing run) when
//! either moved, saying what differs.

use crate::harness::Test;
use dbshape::{ApplyOptions, Error, Migrator, Refusal, SavedPlan, Schema};

const V1: &str = "tables:\n  users:\n    columns:\n      id: { type: integer, primary_key: true }\n      email: text\n";
const V2: &str = "tables:\n  users:\n    columns:\n      id: { type: integer, primary_key: true }\n      email: text\n      \
                  age: { type: integer, default: 0 }\n";

fn saved(t: &Test) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(t.dir().join("plan.json")).unwrap()).unwrap()
}

#[test]
fn a_saved_plan_applies_exactly() {
    Test::each(|t| {
        t.schema(V1);
        t.apply();
        t.schema(V2);
        let shown = t.run(&["plan", "--out", "plan.json"]).success().stdout;
        assert!(shown.contains("+ add column users.age"), "{shown}");
        let document = saved(t);
        assert!(document["saved"]["live_schema_fingerprint"].as_str().unwrap().starts_with("sha256:"));
        assert!(document["saved"]["schema_file_fingerprint"].as_str().unwrap().starts_with("sha256:"));
        assert_eq!(document["change_count"], 1);
        let run = t.run(&["apply", "--plan", "plan.json", "--yes"]).success();
        assert!(run.stdout.contains("Applied 1 change"), "{}", run.stdout);
        t.assert_in_sync();
        // Applied once: the database it was made against is gone.
        t.run(&["apply", "--plan", "plan.json", "--yes"])
            .code(2)
            .stderr_has("the live schema changed since the plan was made");
    });
}

#[test]
fn a_saved_plan_is_refused_when_the_database_moved() {
    Test::each(|t| {
        t.schema(V1);
        t.apply();
        t.schema(V2);
        t.run(&["plan", "--out", "plan.json"]).success();
        t.sql("CREATE INDEX users_email_idx ON users (email)");
        let before = t.dump();
        let run = t.run(&["apply", "--plan", "plan.json", "--yes"]).code(2);
        assert!(run.stderr.contains("the saved plan no longer fits; nothing was run"), "{}", run.stderr);
        assert!(
            run.stderr.contains("the live schema changed since the plan was made (fingerprint sha256:"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("+++ now") && run.stderr.contains("+    indexes:"), "what differs: {}", run.stderr);
        assert_eq!(t.dump(), before, "nothing was run");
    });
}

#[test]
fn a_saved_plan_is_refused_when_the_schema_file_moved() {
    Test::each(|t| {
        t.schema(V1);
        t.apply();
        t.schema(V2);
        t.run(&["plan", "--out", "plan.json"]).success();
        t.schema(&V2.replace("default: 0", "default: 1"));
        let before = t.dump();
        t.run(&["apply", "--plan", "plan.json", "--yes"])
            .code(2)
            .stderr_has("schema.yaml changed since the plan was made (fingerprint sha256:");
        assert_eq!(t.dump(), before);
    });
}

#[test]
fn the_live_schema_is_checked_again_under_the_lock() {
    Test::each(|t| {
        t.schema(V1);
        t.apply();
        let mut db = Migrator::connect(&t.url()).unwrap();
        let plan = db.plan(&Schema::from_yaml_str(V2).unwrap()).unwrap();
        let document = plan.to_saved_json(V2.as_bytes()).to_string();
        let saved = SavedPlan::from_json(&document).unwrap();
        assert!(plan.runs_statements_of(&saved));
        // Someone changes the database between the review and the lock.
        t.sql("CREATE TABLE audit (id integer)");
        let before = t.dump();
        let error = db.apply(&plan, &ApplyOptions::default().expected_live_schema(saved.live_schema)).unwrap_err();
        let Error::Refused(refusal @ Refusal::LiveSchemaChanged { .. }) = &error else { panic!("refused: {error}") };
        let message = refusal.to_string();
        assert!(message.contains("the live schema changed since the plan was made"), "{message}");
        assert!(message.contains("+  audit:"), "{message}");
        assert_eq!(t.dump(), before);
    });
}

#[test]
fn a_file_that_is_not_a_saved_plan_is_refused() {
    let t = Test::sqlite();
    t.schema(V1);
    std::fs::write(t.dir().join("plan.json"), "{\"format_version\": 1, \"sql\": []}").unwrap();
    t.run(&["apply", "--plan", "plan.json", "--yes"]).code(2).stderr_has("not a saved dbshape plan");
}
