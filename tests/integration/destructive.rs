//! Destructive changes need explicit consent.

use crate::harness::Test;

const BEFORE: &str = "tables:\n  a:\n    columns:\n      id: { type: integer, primary_key: true }\n      old: { type: text }\n  b:\n    columns:\n      id: { type: integer }\n";

#[test]
fn drop_column_and_table_are_blocked_without_consent() {
    Test::each(destructive_gate);
}

fn destructive_gate(t: &Test) {
    t.schema(BEFORE);
    t.apply();
    t.sql("INSERT INTO a VALUES (1, 'keep me'); INSERT INTO b VALUES (7);");
    let before = t.dump();
    t.schema("tables:\n  a:\n    columns:\n      id: { type: integer, primary_key: true }\n");
    let plan = t.run(&["plan"]).success();
    assert!(
        plan.stdout.contains("- drop column a.old   [DESTRUCTIVE: drops column a.old and its values]"),
        "{}",
        plan.stdout
    );
    assert!(plan.stdout.contains("- drop table b   [DESTRUCTIVE"), "{}", plan.stdout);
    assert!(plan.stdout.contains("2 destructive changes: apply needs --allow-destructive."), "{}", plan.stdout);

    t.run(&["apply", "--yes"]).code(2).stderr_has("2 destructive changes and --allow-destructive was not given");
    assert_eq!(t.dump(), before, "nothing was executed");

    t.run(&["apply", "--yes", "--allow-destructive"]).success();
    t.sql_fails("SELECT * FROM b");
    assert_eq!(t.query("SELECT * FROM a"), [["1"]]);
    t.assert_in_sync();
}

#[test]
fn widening_a_type_is_not_destructive() {
    Test::each(widening);
}

fn widening(t: &Test) {
    t.schema("tables:\n  a:\n    columns:\n      n: { type: integer }\n      s: { type: varchar(10) }\n");
    t.apply();
    t.sql("INSERT INTO a VALUES (1, 'x')");
    t.schema("tables:\n  a:\n    columns:\n      n: { type: bigint }\n      s: { type: varchar(20) }\n");
    let plan = t.run(&["plan"]).success();
    assert!(!plan.stdout.contains("DESTRUCTIVE"), "{}", plan.stdout);
    t.apply();
    assert_eq!(t.query("SELECT n, s FROM a"), [["1", "x"]]);
    t.assert_in_sync();
}
