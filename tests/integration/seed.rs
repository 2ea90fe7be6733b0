//! The seed scenario: the Flask-SQLAlchemy `User` model gains a column.

use crate::harness::Test;

const BEFORE: &str = include_str!("../../examples/seed/before.yaml");
const AFTER: &str = include_str!("../../examples/seed/after.yaml");

#[test]
fn seed_user_gains_age_column_and_keeps_every_row() {
    Test::each(seed_scenario);
}

fn seed_scenario(t: &Test) {
    t.schema(BEFORE);
    t.apply();
    t.assert_in_sync();
    t.sql(
        "INSERT INTO \"user\" (username, email, password) VALUES \
         ('ada', 'ada@example.com', 'x1'), ('bob', 'bob@example.com', 'x2'), ('cy', 'cy@example.com', 'x3')",
    );
    let rows_before = t.query("SELECT id, username, email, password FROM \"user\" ORDER BY id");

    t.schema(AFTER);
    let plan = t.run(&["plan"]).success();
    assert!(plan.stdout.contains("(1 change)"), "{}", plan.stdout);
    assert!(plan.stdout.contains("+ add column user.age integer"), "{}", plan.stdout);
    let expected_sql = if t.is_postgres() {
        "ALTER TABLE \"user\" ADD COLUMN \"age\" integer;\n"
    } else if t.is_mysql() {
        "ALTER TABLE `user` ADD COLUMN `age` int, ALGORITHM=INSTANT;\n"
    } else {
        "ALTER TABLE \"user\" ADD COLUMN \"age\" INTEGER;\n"
    };
    assert!(plan.stdout.contains(expected_sql.trim_end()), "{}", plan.stdout);
    assert_eq!(t.run(&["plan", "--format", "sql"]).success().stdout, expected_sql);

    t.apply();
    assert_eq!(t.query("SELECT id, username, email, password FROM \"user\" ORDER BY id"), rows_before);
    assert_eq!(t.query("SELECT count(*) FROM \"user\" WHERE age IS NULL"), [["3"]]);
    t.assert_in_sync();
    // The unique email survived.
    t.sql_fails("INSERT INTO \"user\" (username, email, password) VALUES ('eve', 'ada@example.com', 'y')");
}
