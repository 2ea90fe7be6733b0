//! Views, functions and triggers: made, read back, changed in place,
//! remade around the table changes they rest on, dropped; on data where it
//! matters (a view still answers, a trigger still fires).

use crate::harness::Test;

/// A table, two views over it (one over the other), and a trigger that
/// stamps updates: the trigger's body is the dialect's own.
fn schema(t: &Test, email_type: &str) -> String {
    let trigger = if t.is_postgres() {
        "      users_touch:\n        timing: before\n        events: [update of email]\n        for_each: row\n        when: new.email IS DISTINCT FROM old.email\n        function: touch\n"
    } else {
        "      users_touch:\n        timing: after\n        events: [update of email]\n        when: new.email IS NOT old.email\n        body: UPDATE users SET stamped = 1 WHERE id = new.id;\n"
    };
    let functions = if t.is_postgres() {
        "functions:\n  touch:\n    returns: trigger\n    language: plpgsql\n    body: |\n      BEGIN\n        NEW.stamped := 1;\n        RETURN NEW;\n      END\n"
    } else {
        ""
    };
    format!(
        "tables:
  users:
    columns:
      id:      {{ type: integer, primary_key: true }}
      email:   {email_type}
      active:  {{ type: boolean, nullable: false, default: true }}
      stamped: {{ type: integer, nullable: false, default: 0 }}
    triggers:
{trigger}views:
  active_count:
    query: select count(*) as n from active_users
  active_users:
    query: |
      select id, email
      from users
      where active
{functions}"
    )
}

/// dbshape does not manage MySQL views and triggers yet: on MariaDB a
/// file with them is refused, each at its line, before anything runs.
fn refused_on_mysql(t: &Test) -> bool {
    if !t.is_mysql() {
        return false;
    }
    t.schema(&schema(t, "text"));
    let run = t.run(&["plan"]).code(2);
    assert!(run.stderr.contains("view \"active_users\": dbshape does not manage MySQL views yet"), "{}", run.stderr);
    assert!(
        run.stderr.contains("trigger \"users_touch\" on users: dbshape does not manage MySQL triggers yet"),
        "{}",
        run.stderr
    );
    true
}

#[test]
fn views_over_views_and_a_trigger_are_made_and_read_back() {
    Test::each(|t| {
        if refused_on_mysql(t) {
            return;
        }
        t.schema(&schema(t, "text"));
        t.apply();
        t.assert_in_sync();
        t.sql("INSERT INTO users (id, email, active) VALUES (1, 'a@x', true), (2, 'b@x', false)");
        assert_eq!(t.query("SELECT n FROM active_count"), [["1"]]);
        t.sql("UPDATE users SET email = 'c@x' WHERE id = 1");
        assert_eq!(t.query("SELECT stamped FROM users ORDER BY id"), [["1"], ["0"]], "the trigger fired");
        // What inspect writes plans nothing, here and on an empty database.
        let inspected = t.run(&["inspect"]).success().stdout;
        assert!(inspected.contains("views:") && inspected.contains("triggers:"), "{inspected}");
        t.schema(&inspected);
        t.assert_in_sync();
    });
}

#[test]
fn a_column_type_change_remakes_the_views_and_trigger_that_read_it() {
    Test::each(|t| {
        if refused_on_mysql(t) {
            return;
        }
        t.schema(&schema(t, "text"));
        t.apply();
        t.sql("INSERT INTO users (id, email) VALUES (1, 'a@x'), (2, 'b@x')");
        t.schema(&schema(t, "varchar(100)"));
        let plan = t.run(&["plan"]).success().stdout;
        for line in [
            "- drop view active_count",
            "- drop view active_users",
            "+ create view active_users",
            "+ create view active_count",
            "- drop trigger users_touch on users",
            "+ create trigger users_touch on users",
        ] {
            assert!(plan.contains(line), "{line}:\n{plan}");
        }
        // Dependants are dropped top-down and made again bottom-up.
        let at = |text: &str| plan.find(text).unwrap_or_else(|| panic!("{text}:\n{plan}"));
        assert!(at("DROP VIEW \"active_count\"") < at("DROP VIEW \"active_users\""), "{plan}");
        assert!(at("CREATE VIEW \"active_users\"") < at("CREATE VIEW \"active_count\""), "{plan}");
        t.run(&["apply", "--yes", "--allow-destructive"]).success();
        t.assert_in_sync();
        assert_eq!(t.query("SELECT n FROM active_count"), [["2"]]);
        t.sql("UPDATE users SET email = 'z@x' WHERE id = 2");
        assert_eq!(t.query("SELECT stamped FROM users WHERE id = 2"), [["1"]], "the trigger still fires");
    });
}

#[test]
fn objects_the_file_leaves_out_are_dropped_and_nothing_else_moves() {
    Test::each(|t| {
        if refused_on_mysql(t) {
            return;
        }
        t.schema(&schema(t, "text"));
        t.apply();
        let without = schema(t, "text");
        let without = without[..without.find("views:").unwrap()].to_string();
        let without = without.replace(&without[without.find("    triggers:").unwrap()..], "");
        t.schema(&without);
        let plan = t.run(&["plan"]).success().stdout;
        assert!(plan.contains("- drop view active_count") && plan.contains("- drop trigger users_touch"), "{plan}");
        assert!(!plan.contains("DESTRUCTIVE"), "dropping views loses no data:\n{plan}");
        t.apply();
        t.assert_in_sync();
    });
}

#[test]
fn bad_views_and_triggers_are_refused_at_their_line() {
    Test::each(|t| {
        t.schema(
            "tables:\n  a:\n    columns:\n      id: integer\nviews:\n  v:\n    query: \"SELECT 1; DROP TABLE a\"\n",
        );
        t.run(&["plan"]).code(2).stderr_has("schema.yaml:7").stderr_has("one SELECT");
        t.schema(
            "tables:\n  a:\n    columns:\n      id: integer\n    triggers:\n      t:\n        timing: sometimes\n        events: [upsert]\n        body: SELECT 1;\n",
        );
        t.run(&["plan"]).code(2).stderr_has("timing is `before`").stderr_has("`upsert` is not an event");
    });
    // SQLite has no stored functions; a PostgreSQL trigger needs one.
    let t = Test::sqlite();
    t.schema("tables:\n  a:\n    columns:\n      id: integer\nfunctions:\n  f:\n    returns: integer\n    language: sql\n    body: SELECT 1\n");
    t.run(&["plan"]).code(2).stderr_has("SQLite has no stored functions");
}

/// PostgreSQL: a view whose columns are only appended to is replaced in
/// place, its dependants untouched; a function whose body changes is
/// replaced, one whose result type changes is remade with what calls it.
#[test]
fn postgres_replaces_in_place_where_it_can() {
    let Some(t) = Test::postgres() else { return };
    let base = "tables:
  items:
    columns:
      id:    { type: integer, primary_key: true }
      price: { type: integer, nullable: false }
functions:
  doubled:
    arguments: p integer
    returns: integer
    language: sql
    volatility: immutable
    body: SELECT p * 2
views:
  priced:
    query: SELECT id, doubled(price) AS twice FROM items
  expensive:
    query: SELECT id FROM priced WHERE twice > 10
";
    t.schema(base);
    t.apply();
    t.assert_in_sync();
    t.sql("INSERT INTO items VALUES (1, 3), (2, 30)");
    // A column appended: CREATE OR REPLACE, `expensive` stays.
    let base = base.replace("doubled(price) AS twice FROM", "doubled(price) AS twice, price FROM");
    t.schema(&base);
    let plan = t.run(&["plan"]).success().stdout;
    assert!(plan.contains("~ replace view priced") && !plan.contains("expensive"), "{plan}");
    t.apply();
    t.assert_in_sync();
    // A body changes: CREATE OR REPLACE FUNCTION, nothing else.
    t.schema(&base.replace("SELECT p * 2", "SELECT p + p"));
    let plan = t.run(&["plan"]).success().stdout;
    assert!(plan.contains("~ replace function doubled(p integer)"), "{plan}");
    assert!(!plan.contains("drop view expensive"), "{plan}");
    t.apply();
    t.assert_in_sync();
    // The result type changes: the function is remade, and the views over it.
    t.schema(&base.replace("returns: integer", "returns: bigint"));
    let plan = t.run(&["plan"]).success().stdout;
    for line in
        ["- drop function doubled(p integer)", "- drop view priced", "- drop view expensive", "+ create view expensive"]
    {
        assert!(plan.contains(line), "{line}:\n{plan}");
    }
    t.apply();
    t.assert_in_sync();
    assert_eq!(t.query("SELECT id FROM expensive"), [["2"]]);
}

/// PostgreSQL: a database made by hand (views with options and comments,
/// a set-returning function, a procedure, a trigger with transition
/// tables) is read, planned as nothing to do, and rebuilt elsewhere with
/// the same objects as `pg_dump` lists them.
#[test]
fn postgres_hand_made_objects_round_trip() {
    let Some(source) = Test::postgres() else { return };
    source.sql(
        "CREATE TABLE users (id serial PRIMARY KEY, email text, active boolean DEFAULT true);
         CREATE TABLE audit (n integer);
         CREATE VIEW active_users WITH (security_barrier = true) AS SELECT id, email FROM users WHERE active
           WITH LOCAL CHECK OPTION;
         COMMENT ON VIEW active_users IS 'who is in';
         CREATE VIEW active_count AS SELECT count(*) AS n FROM active_users;
         CREATE FUNCTION like_email(pattern text, lim integer DEFAULT 10) RETURNS SETOF users LANGUAGE sql STABLE
           AS $$ SELECT * FROM users WHERE email LIKE pattern LIMIT lim $$;
         CREATE FUNCTION add(a integer, b integer) RETURNS integer LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE RETURN a + b;
         CREATE FUNCTION count_new() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
           AS $$ BEGIN INSERT INTO audit SELECT count(*) FROM added; RETURN NULL; END $$;
         COMMENT ON FUNCTION count_new() IS 'counts inserts';
         CREATE PROCEDURE deactivate(who integer) LANGUAGE plpgsql AS $$ BEGIN UPDATE users SET active = false WHERE id = who; END $$;
         CREATE TRIGGER users_count AFTER INSERT ON users REFERENCING NEW TABLE AS added
           FOR EACH STATEMENT EXECUTE FUNCTION count_new('x', 'y');
         COMMENT ON TRIGGER users_count ON users IS 'audit';",
    );
    let Some((copy, _)) = rebuilt_from_inspect(&source) else { return };
    assert_eq!(dump_objects(&copy), dump_objects(&source));
    copy.sql("INSERT INTO users (email) VALUES ('a@x'), ('b@x')");
    assert_eq!(copy.query("SELECT n FROM audit"), [["2"]], "the statement trigger saw its transition table");
    assert_eq!(copy.query("SELECT count(*) FROM like_email('a%')"), [["1"]]);
}

/// `source` inspected: the file plans nothing on it, and applied to a
/// fresh database it plans nothing there and inspects the same. The fresh
/// database and the file, or `None` when PostgreSQL tests skip.
fn rebuilt_from_inspect(source: &Test) -> Option<(Test, String)> {
    let inspected = source.run(&["inspect"]).success().stdout;
    source.schema(&inspected);
    source.assert_in_sync();
    let copy = Test::postgres()?;
    copy.schema(&inspected);
    copy.apply();
    copy.assert_in_sync();
    assert_eq!(copy.run(&["inspect"]).success().stdout, inspected);
    Some((copy, inspected))
}

/// The object lines of `pg_dump --schema-only`: `-- Name: …; Type: …`.
fn dump_objects(t: &Test) -> Vec<String> {
    let url = t.url();
    let output = std::process::Command::new("pg_dump").args(["--schema-only", &url]).output().expect("pg_dump runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let mut lines: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| l.starts_with("-- Name: "))
        .map(|l| l.split("; Owner:").next().unwrap_or(l).to_string())
        .collect();
    lines.sort();
    lines
}

/// PostgreSQL: hand-written SQL in the file's own spelling converges, and
/// what the database holds but dbshape does not manage is reported.
#[test]
fn postgres_hand_written_spelling_converges_and_unmanaged_objects_are_reported() {
    let Some(t) = Test::postgres() else { return };
    t.schema(
        "tables:
  t:
    columns:
      id: { type: int, primary_key: true }
      tag: text
    triggers:
      t_tag:
        timing: BEFORE
        events: [insert, update of tag]
        when: new.tag <> 'x'
        function: public.noop
        arguments: [a b]
functions:
  noop:
    returns: trigger
    language: plpgsql
    set: { search_path: 'public, pg_temp' }
    body: begin return new; end
  pick:
    arguments: \"a INT, b int = 2\"
    returns: int
    language: SQL
    body: select coalesce(a, b)
views:
  tagged:
    columns: [ident, label]
    query: SELECT id, upper(tag) FROM t WHERE tag IN ('a', 'b')
",
    );
    t.apply();
    t.assert_in_sync();
    t.sql("CREATE TYPE floatrange AS RANGE (subtype = float8)");
    t.run(&["plan"]).success().stdout_has("No changes").stderr_has("range type floatrange");
    assert!(t.run(&["inspect"]).success().stdout.contains("#   range type floatrange"));
}

/// PostgreSQL: a materialized view and its indexes; remade when a column
/// it reads changes type, with its rows computed again; an index of it
/// changes alone; dropping it needs consent.
#[test]
fn postgres_materialized_views_keep_their_rows_across_a_remake() {
    let Some(t) = Test::postgres() else { return };
    let schema = |amount: &str| {
        format!(
            "tables:
  sales:
    columns:
      id:     {{ type: integer, primary_key: true }}
      region: text
      amount: {amount}
materialized_views:
  totals:
    query: SELECT region, sum(amount) AS total FROM sales GROUP BY region
    indexes:
      totals_region: {{ columns: [region], unique: true }}
"
        )
    };
    t.schema(&schema("integer"));
    t.apply();
    t.assert_in_sync();
    t.sql("INSERT INTO sales VALUES (1, 'eu', 5), (2, 'eu', 7), (3, 'us', 1); REFRESH MATERIALIZED VIEW totals;");
    t.schema(&schema("bigint"));
    let plan = t.run(&["plan"]).success().stdout;
    assert!(
        plan.contains("- drop materialized view totals") && plan.contains("+ create materialized view totals"),
        "{plan}"
    );
    assert!(!plan.contains("DESTRUCTIVE: drops materialized view"), "a remade view computes its rows again:\n{plan}");
    t.run(&["apply", "--yes", "--allow-destructive"]).success();
    t.assert_in_sync();
    assert_eq!(t.query("SELECT region, total FROM totals ORDER BY region"), [["eu", "12"], ["us", "1"]]);
    // An index alone: no remake.
    t.schema(&schema("bigint").replace("unique: true", "unique: true }\n      totals_total: { columns: [total]"));
    let plan = t.run(&["plan"]).success().stdout;
    assert!(plan.contains("+ create index totals_total on totals") && !plan.contains("drop materialized"), "{plan}");
    t.apply();
    t.assert_in_sync();
    // Gone from the file: its rows go with it, so it needs consent.
    t.schema(&schema("bigint")[..schema("bigint").find("materialized_views:").unwrap()]);
    t.run(&["apply", "--yes"]).code(2).stderr_has("--allow-destructive");
    t.run(&["apply", "--yes", "--allow-destructive"]).success();
    t.assert_in_sync();
}

/// PostgreSQL: domains and composite types used by columns, changed in
/// place (default, NOT NULL, checks, an attribute added).
#[test]
fn postgres_domains_and_composite_types() {
    let Some(t) = Test::postgres() else { return };
    let schema = |domain: &str, pair: &str| {
        format!(
            "domains:
  posint: {domain}
types:
  pair: {pair}
tables:
  t:
    columns:
      id: {{ type: integer, primary_key: true }}
      n: posint
      p: pair
"
        )
    };
    t.schema(&schema(
        r#"{ type: int, check: "value > 0", default: "1", comment: counted }"#,
        "{ attributes: { a: int, b: \"varchar(5)\" } }",
    ));
    t.apply();
    t.assert_in_sync();
    t.sql("INSERT INTO t (id, p) VALUES (1, ROW(1, 'x'))");
    assert_eq!(t.query("SELECT n FROM t"), [["1"]], "the domain's default");
    assert!(t.sql_fails("INSERT INTO t (id, n) VALUES (2, 0)").contains("posint_check"));
    t.schema(&schema(
        r#"{ type: int, nullable: false, checks: { small: { expr: "value < 100", comment: under a hundred } }, check: "value >= 0" }"#,
        "{ attributes: { a: int, b: \"varchar(5)\", c: text } }",
    ));
    let plan = t.run(&["plan"]).success().stdout;
    assert!(plan.contains("~ alter domain posint") && plan.contains("~ alter type pair"), "{plan}");
    assert!(plan.contains("ALTER TYPE \"pair\" ADD ATTRIBUTE \"c\" text"), "{plan}");
    t.apply();
    t.assert_in_sync();
    assert!(t.sql_fails("INSERT INTO t (id, n) VALUES (3, 100)").contains("small"));
    let inspected = t.run(&["inspect"]).success().stdout;
    t.schema(&inspected);
    t.assert_in_sync();
}

/// PostgreSQL: row level security filters rows for a role that is not the
/// owner; a policy changes in place; switching it off needs consent.
#[test]
fn postgres_policies_filter_rows_for_other_roles() {
    let Some(t) = Test::postgres() else { return };
    let role = format!("dbshape_reader_{}", std::process::id());
    t.sql(&format!("DO $$ BEGIN CREATE ROLE {role}; EXCEPTION WHEN duplicate_object THEN NULL; END $$"));
    let schema = |using: &str| {
        format!(
            "tables:
  docs:
    row_level_security: enabled
    columns:
      id:    {{ type: integer, primary_key: true }}
      owner: {{ type: text, nullable: false }}
    policies:
      readable: {{ for: select, to: [{role}], using: \"{using}\" }}
    grants: {{ {role}: [select] }}
"
        )
    };
    t.schema(&schema("owner = 'shared'"));
    t.apply();
    t.assert_in_sync();
    t.sql("INSERT INTO docs VALUES (1, 'shared'), (2, 'private');");
    let as_reader = |t: &Test| t.query(&format!("SET ROLE {role}; SELECT id FROM docs ORDER BY id"));
    assert_eq!(as_reader(&t), [["1"]], "the policy filters rows");
    t.schema(&schema("owner IN ('shared', 'private')"));
    let plan = t.run(&["plan"]).success().stdout;
    assert!(plan.contains("~ alter policy readable on docs"), "{plan}");
    t.apply();
    t.assert_in_sync();
    assert_eq!(as_reader(&t), [["1"], ["2"]]);
    t.schema(&schema("owner IN ('shared', 'private')").replace("    row_level_security: enabled\n", ""));
    t.run(&["apply", "--yes"]).code(2).stderr_has("--allow-destructive");
    t.run(&["apply", "--yes", "--allow-destructive"]).success();
    t.assert_in_sync();
    t.sql(&format!("REVOKE ALL ON docs FROM {role}; DROP POLICY readable ON docs; DROP ROLE {role}"));
}

/// PostgreSQL: a realistic database made by hand with every kind of
/// object dbshape manages beyond tables (views over views, a set-returning
/// function, a trigger function on many tables, a domain used by columns,
/// a composite type, an aggregate, a materialized view with an index, row
/// level security with policies, comments): inspect plans nothing, and the
/// inspected file rebuilds the same objects on an empty database, as
/// `pg_dump --schema-only` lists them.
#[test]
fn postgres_realistic_fixture_round_trips() {
    let Some(source) = Test::postgres() else { return };
    let role = format!("dbshape_fixture_{}", std::process::id());
    source.sql(&format!("DO $$ BEGIN CREATE ROLE {role}; EXCEPTION WHEN duplicate_object THEN NULL; END $$"));
    source.sql(&format!(
        "CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');
         CREATE DOMAIN money_cents AS bigint NOT NULL DEFAULT 0 CONSTRAINT non_negative CHECK (VALUE >= 0);
         CREATE TYPE postal AS (street text, city text, zip varchar(12));
         CREATE TABLE accounts (id bigserial PRIMARY KEY, mail email NOT NULL UNIQUE, home postal,
                                balance money_cents, updated_at timestamptz);
         CREATE TABLE orders (id bigserial PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts,
                              total money_cents, status text NOT NULL DEFAULT 'new', updated_at timestamptz);
         CREATE TABLE notes (id serial PRIMARY KEY, order_id bigint REFERENCES orders, body text, updated_at timestamptz);
         CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
         CREATE TRIGGER accounts_touch BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION touch();
         CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();
         CREATE TRIGGER notes_touch BEFORE INSERT OR UPDATE ON notes FOR EACH ROW EXECUTE FUNCTION touch();
         CREATE FUNCTION orders_of(who bigint) RETURNS SETOF orders LANGUAGE sql STABLE
           AS $$ SELECT * FROM orders WHERE account_id = who $$;
         CREATE FUNCTION add_cents(state bigint, v bigint) RETURNS bigint LANGUAGE sql IMMUTABLE
           AS $$ SELECT state + coalesce(v, 0) $$;
         CREATE AGGREGATE total_cents(bigint) (SFUNC = add_cents, STYPE = bigint, INITCOND = '0');
         CREATE VIEW open_orders AS SELECT id, account_id, total FROM orders WHERE status <> 'closed';
         CREATE VIEW open_totals AS SELECT account_id, total_cents(total) AS cents FROM open_orders GROUP BY account_id;
         COMMENT ON VIEW open_totals IS 'per account';
         CREATE MATERIALIZED VIEW account_stats AS SELECT a.id, count(o.id) AS orders FROM accounts a
           LEFT JOIN orders o ON o.account_id = a.id GROUP BY a.id;
         CREATE UNIQUE INDEX account_stats_id ON account_stats (id);
         ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
         CREATE POLICY own_orders ON orders FOR SELECT TO {role} USING (account_id = current_setting('app.account')::bigint);
         CREATE POLICY no_negative ON orders AS RESTRICTIVE FOR INSERT WITH CHECK (total >= 0);
         COMMENT ON POLICY own_orders ON orders IS 'tenants see their own';"
    ));
    let Some((copy, inspected)) = rebuilt_from_inspect(&source) else { return };
    assert!(!inspected.contains("Not managed"), "every object of the fixture is managed:\n{inspected}");
    let (from, to) = (dump_objects(&source), dump_objects(&copy));
    let common = from.iter().filter(|o| to.contains(o)).count();
    eprintln!(
        "realistic fixture: {} objects in the source database, {common} in common with the rebuilt one",
        from.len()
    );
    assert_eq!((from.len(), common), (to.len(), to.len()), "objects: source {from:#?}\nrebuilt {to:#?}");
    copy.sql(
        "INSERT INTO accounts (mail) VALUES ('a@x'); INSERT INTO orders (account_id, total) VALUES (1, 5), (1, 7);",
    );
    assert_eq!(copy.query("SELECT cents FROM open_totals"), [["12"]], "the aggregate and views work");
    copy.sql("DROP POLICY own_orders ON orders");
    source.sql(&format!("DROP OWNED BY {role}; DROP ROLE {role}"));
}

/// PostgreSQL: a function that reads a table whose default calls it (a
/// cycle PostgreSQL allows) is made before the table, its body unchecked.
#[test]
fn postgres_function_and_table_that_need_each_other() {
    let Some(t) = Test::postgres() else { return };
    t.schema(
        "tables:
  codes:
    columns:
      id:   { type: integer, primary_key: true }
      code: { type: integer, nullable: false, default: { sql: next_code() } }
functions:
  next_code:
    returns: integer
    language: sql
    body: SELECT coalesce(max(code), 0) + 1 FROM codes
",
    );
    let plan = t.run(&["plan"]).success().stdout;
    let at = |text: &str| plan.find(text).unwrap_or_else(|| panic!("{text}:\n{plan}"));
    assert!(at("CREATE FUNCTION \"next_code\"") < at("CREATE TABLE \"codes\""), "{plan}");
    t.apply();
    t.assert_in_sync();
    t.sql("INSERT INTO codes (id) VALUES (1), (2)");
    assert_eq!(t.query("SELECT code FROM codes ORDER BY id"), [["1"], ["2"]]);
}

/// PostgreSQL: rules and disabled triggers (named after their table, which
/// decides whether they are in scope) are named as not managed when there
/// is nothing to change too, in the text and the JSON; one on a table of a
/// schema the file does not manage is not. A rule's `t.r` used to read as
/// a table `r` of schema `t`, out of scope, and went unmentioned.
#[test]
fn postgres_rules_and_disabled_triggers_are_named_when_nothing_changes() {
    let Some(t) = Test::postgres() else { return };
    t.schema(
        "tables:\n  t:\n    columns:\n      id: { type: integer, primary_key: true }\n  log:\n    columns:\n      id: integer\n\
         functions:\n  noop:\n    returns: trigger\n    language: plpgsql\n    body: begin return new; end\n",
    );
    t.apply();
    t.sql(
        "CREATE RULE keep AS ON INSERT TO t DO ALSO INSERT INTO log VALUES (NEW.id);
         CREATE TRIGGER quiet BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION noop();
         ALTER TABLE t DISABLE TRIGGER quiet;
         CREATE SCHEMA other; CREATE TABLE other.x (id integer);
         CREATE RULE elsewhere AS ON INSERT TO other.x DO ALSO NOTHING;",
    );
    let plan = t.run(&["plan"]).success();
    assert!(plan.stdout.contains("No changes"), "{}", plan.stdout);
    for line in ["rule keep on t", "disabled trigger quiet on t"] {
        assert!(plan.stderr.contains(line), "{line}: {}", plan.stderr);
    }
    assert!(!plan.stderr.contains("elsewhere"), "{}", plan.stderr);
    let json: serde_json::Value = serde_json::from_str(&t.run(&["plan", "--format", "json"]).success().stdout).unwrap();
    let unmanaged: Vec<&str> = json["unmanaged"].as_array().unwrap().iter().filter_map(|v| v.as_str()).collect();
    assert!(
        unmanaged.contains(&"rule keep on t") && unmanaged.contains(&"disabled trigger quiet on t"),
        "{unmanaged:?}"
    );
    assert!(!unmanaged.iter().any(|l| l.contains("elsewhere")), "{unmanaged:?}");
}

/// What PostgreSQL holds beyond the model (inheritance from several tables, operators, extended
/// statistics, column settings) is named as
/// not managed by `inspect`, `plan` and the JSON, even with nothing to do;
/// and a change that would reshape a table under an inheriting child, a
/// rule or statistics is refused before any statement (dropping `parent.e`
/// dropped `child.e` with its values, which the file keeps).
#[test]
fn postgres_catalog_entries_beyond_the_model_are_named_and_protected() {
    let Some(t) = Test::postgres() else { return };
    t.sql(
        "CREATE SCHEMA app;
         CREATE TABLE parent (id integer PRIMARY KEY, e integer);
         CREATE TABLE parent2 (z integer);
         CREATE TABLE child (extra text) INHERITS (parent, parent2);
         INSERT INTO child VALUES (1, 2, 3, 'x');
         CREATE UNLOGGED TABLE ul (id integer) WITH (fillfactor = 50, autovacuum_enabled = false);
         CREATE TABLE d (a integer, CONSTRAINT d_a UNIQUE (a) DEFERRABLE INITIALLY DEFERRED);
         ALTER TABLE d ALTER COLUMN a SET STATISTICS 500;
         CREATE COLLATION app.natural (provider = icu, locale = 'en-u-kn-true');
         CREATE STATISTICS st ON (id + e), e FROM parent;
         CREATE FUNCTION app.eq3(integer, integer) RETURNS boolean LANGUAGE sql AS 'select $1 = $2';
         CREATE OPERATOR app.=== (leftarg = integer, rightarg = integer, function = app.eq3);
         GRANT SELECT ON d TO PUBLIC;
         ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO PUBLIC;
         CREATE TYPE app.mood AS ENUM ('sad', 'ok'); COMMENT ON TYPE app.mood IS 'how it feels';",
    );
    let expected = [
        "comment on enum app.mood",
        "table child inherits parent",
        "column d.a: statistics 500",
        "statistics st on parent",
        "operator app.===(integer, integer)",
    ];
    let inspected = t.run(&["inspect"]).success().stdout;
    for line in expected {
        assert!(inspected.contains(&format!("#   {line}\n")), "{line}:\n{inspected}");
    }
    // Modelled now, so not named.
    assert!(!inspected.contains("unlogged table ul"), "{inspected}");
    assert!(inspected.contains("    grants: { public: [select] }\n"), "{inspected}");
    assert!(
        inspected.contains("default_privileges:\n  postgres in app:\n    tables: { public: [select] }\n"),
        "{inspected}"
    );
    assert!(
        inspected.contains("    unlogged: true\n    storage: { fillfactor: 50, autovacuum_enabled: false }\n"),
        "{inspected}"
    );
    t.schema(&inspected);
    let plan = t.run(&["plan"]).success();
    assert!(plan.stdout.contains("No changes"), "{}", plan.stdout);
    let json: serde_json::Value =
        serde_json::from_str(&t.run(&["check", "--format", "json"]).success().stdout).unwrap();
    let unmanaged: Vec<&str> = json["unmanaged"].as_array().unwrap().iter().filter_map(|v| v.as_str()).collect();
    for line in expected {
        assert!(unmanaged.contains(&line), "{line}: {unmanaged:?}");
        assert!(plan.stderr.contains(line) || plan.stderr.contains("more"), "{line}: {}", plan.stderr);
    }
    // An owner other than the role that runs dbshape is written; a file
    // that names no owner leaves owners as they are (roles are the
    // cluster's: this one is the test's own, and goes with it).
    let role = format!("dbshape_owner_{}", std::process::id());
    t.sql(&format!("DROP ROLE IF EXISTS {role}; CREATE ROLE {role}; ALTER TABLE ul OWNER TO {role}"));
    let owned = t.run(&["inspect"]).success().stdout;
    let plan = t.run(&["plan"]).success().stdout;
    t.sql(&format!("ALTER TABLE ul OWNER TO postgres; DROP ROLE {role}"));
    assert!(owned.contains(&format!("    owner: {role}\n")), "{owned}");
    assert!(plan.contains("No changes"), "{plan}");
    // Dropping the parent's column would take the child's values with it
    // (one parent is modelled, `inherits:`; two are not).
    let before = t.dump();
    t.schema(&inspected.replacen("      e:  integer\n", "", 2));
    let refused = t.run(&["apply", "--yes", "--allow-destructive"]).code(2);
    assert!(refused.stderr.contains("table child inherits parent is not managed"), "{}", refused.stderr);
    assert!(refused.stdout.is_empty(), "no statement ran: {}", refused.stdout);
    // Adding a column to the parent would reach the child.
    t.schema(&inspected.replace("      e:  integer\n", "      e:  integer\n      f:  integer\n"));
    t.run(&["plan"]).code(2).stderr_has("table child inherits parent is not managed");
    // Retyping a column that extended statistics read.
    t.schema(&inspected.replace("      e:  integer\n", "      e:  bigint\n"));
    t.run(&["plan"]).code(2).stderr_has("not managed");
    assert_eq!(t.dump(), before, "nothing changed");
    // A change elsewhere goes through.
    t.schema(&inspected.replacen("tables:\n", "tables:\n  more:\n    columns:\n      id: integer\n", 1));
    t.run(&["apply", "--yes"]).success();
    t.assert_in_sync();
}

/// `UNLOGGED` tables and storage parameters were dropped silently by a
/// rebuild from an inspected file; now the file says them, in any spelling
/// PostgreSQL takes (`off`, `0.10`), with no phantom diff.
#[test]
fn postgres_unlogged_tables_and_storage_parameters_round_trip() {
    let Some(t) = Test::postgres() else { return };
    t.sql(
        "CREATE UNLOGGED TABLE cache (k text PRIMARY KEY, v text) WITH (fillfactor = 70, autovacuum_enabled = off,
           autovacuum_vacuum_scale_factor = 0.10, toast.autovacuum_enabled = off);
         CREATE TABLE kept (id integer PRIMARY KEY, body text);
         INSERT INTO kept VALUES (1, 'x');",
    );
    let inspected = t.run(&["inspect"]).success().stdout;
    assert!(inspected.contains("    unlogged: true\n"), "{inspected}");
    assert!(
        inspected.contains(
            "    storage: { fillfactor: 70, autovacuum_enabled: false, autovacuum_vacuum_scale_factor: 0.1, \
             toast.autovacuum_enabled: false }\n"
        ),
        "{inspected}"
    );
    t.schema(&inspected);
    t.assert_in_sync();
    // The same table, spelled differently in the file: no change.
    t.schema(&inspected.replace(
        "autovacuum_enabled: false, autovacuum_vacuum_scale_factor: 0.1",
        "autovacuum_enabled: off, autovacuum_vacuum_scale_factor: \"0.10\"",
    ));
    t.assert_in_sync();
    // A rebuild from the file has them.
    let rebuilt = Test::postgres().expect("a server");
    rebuilt.schema(&inspected);
    rebuilt.apply();
    assert_eq!(rebuilt.run(&["inspect"]).success().stdout, inspected);
    // Changed in place: logged again, one parameter reset, one set; the
    // rows stay.
    t.schema(
        "tables:\n  cache:\n    columns:\n      k: { type: text, primary_key: true }\n      v: text\n    \
         storage: { fillfactor: 90 }\n  kept:\n    columns:\n      id: { type: integer, primary_key: true }\n      \
         body: text\n    unlogged: true\n",
    );
    let plan = t.run(&["plan"]).success().stdout;
    for line in ["set kept unlogged", "set storage parameters of cache: fillfactor=90, reset autovacuum_enabled"] {
        assert!(plan.contains(line), "{line}: {plan}");
    }
    assert!(
        plan.contains("RESET (autovacuum_enabled, autovacuum_vacuum_scale_factor, toast.autovacuum_enabled)"),
        "{plan}"
    );
    t.apply();
    t.assert_in_sync();
    assert_eq!(t.query("SELECT body FROM kept"), [["x"]]);
    assert_eq!(t.query("SELECT relpersistence::text FROM pg_class WHERE relname = 'cache'"), [["p"]]);
    // A TOAST parameter of a table PostgreSQL gives no TOAST table would
    // be dropped without a word, and set again by every plan (review).
    t.schema("tables:\n  n:\n    columns:\n      id: integer\n    storage: { toast.autovacuum_enabled: false }\n");
    t.run(&["plan"]).code(2).stderr_has("no column PostgreSQL would TOAST");
    // Not on SQLite.
    let sqlite = Test::sqlite();
    sqlite.schema(
        "tables:\n  t:\n    columns:\n      id: integer\n    unlogged: true\n    storage: { fillfactor: 50 }\n",
    );
    let refused = sqlite.run(&["plan"]).code(2);
    assert!(refused.stderr.contains("unlogged, which exists on PostgreSQL only"), "{}", refused.stderr);
    assert!(refused.stderr.contains("storage parameters, which exist on PostgreSQL only"), "{}", refused.stderr);
}

/// Table inheritance was neither modelled nor named: `inspect` wrote the
/// child as a plain table with the parent's columns, dropping `parent.e`
/// also dropped `child.e` with its values, adding a column to the parent
/// left a phantom diff, and a rebuild made the child a standalone table.
#[test]
fn postgres_table_inheritance_round_trips_and_parent_changes_reach_children() {
    let Some(t) = Test::postgres() else { return };
    t.sql(
        "CREATE TABLE parent (id serial PRIMARY KEY, e integer NOT NULL DEFAULT 3, note text, CHECK (e > 0));
         CREATE TABLE child (extra text, note text DEFAULT 'own') INHERITS (parent);
         ALTER TABLE child ADD PRIMARY KEY (id);
         CREATE TABLE grandchild (more integer) INHERITS (child);
         INSERT INTO parent (e) VALUES (1);
         INSERT INTO child (e, extra) VALUES (2, 'x');
         INSERT INTO grandchild (e, more) VALUES (5, 7);",
    );
    let inspected = t.run(&["inspect"]).success().stdout;
    for line in ["  child:\n    inherits: parent\n", "  grandchild:\n    inherits: child\n", "      extra: text\n"] {
        assert!(inspected.contains(line), "{line}:\n{inspected}");
    }
    assert!(!inspected.contains("inherits parent\n"), "not named as not managed: {inspected}");
    // The child's copies of the parent's columns and check are the parent's.
    let child = &inspected[inspected.find("  child:").unwrap()..inspected.find("  grandchild:").unwrap()];
    assert!(!child.contains("      e:") && !child.contains("check"), "{child}");
    t.schema(&inspected);
    t.assert_in_sync();
    // A rebuild from the file has the inheritance, and the same columns.
    let rebuilt = Test::postgres().expect("a server");
    rebuilt.schema(&inspected);
    rebuilt.apply();
    assert_eq!(rebuilt.run(&["inspect"]).success().stdout, inspected);
    rebuilt.sql("INSERT INTO grandchild (e, more) VALUES (4, 1)");
    assert_eq!(rebuilt.query("SELECT count(*) FROM parent"), [["1"]]);
    // A column added to the parent reaches the children, once.
    t.schema(&inspected.replacen("      note: text\n", "      note: text\n      added: integer\n", 1));
    let plan = t.run(&["plan"]).success().stdout;
    assert!(plan.contains("add column parent.added"), "{plan}");
    assert!(!plan.contains("child.added"), "{plan}");
    t.apply();
    t.assert_in_sync();
    assert_eq!(t.query("SELECT count(added) FROM grandchild"), [["0"]]);
    // A type change of the parent's column too.
    t.schema(&inspected.replacen("      note: text\n", "      note: text\n      added: bigint\n", 1));
    t.apply();
    t.assert_in_sync();
    // Dropped from the parent and every child: one statement.
    t.schema(&inspected);
    let run = t.run(&["apply", "--yes", "--allow-destructive"]).success();
    assert!(
        run.stdout.contains("drop column child.added") && run.stdout.contains("drop column grandchild.added"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("child\" DROP COLUMN"), "carried by the parent's: {}", run.stdout);
    t.assert_in_sync();
    // Dropping the parent's column while the child keeps it: the child's
    // values stay.
    let kept = inspected.clone();
    let parent_without_e = |text: &str| {
        let start = text.find("  parent:").unwrap();
        let end = start + text[start..].find("\n\n").unwrap();
        let parent: String =
            text[start..end].lines().filter(|l| !l.starts_with("      e:")).map(|l| format!("{l}\n")).collect();
        format!("{}{}{}", &text[..start], parent.trim_end_matches('\n'), &text[end..])
    };
    let keep_in_child =
        parent_without_e(&kept).replacen("      extra: text\n", "      e: integer\n      extra: text\n", 1);
    t.schema(&keep_in_child);
    let run = t.run(&["apply", "--yes", "--allow-destructive"]).success();
    assert!(run.stdout.contains("ALTER TABLE ONLY \"parent\" DROP COLUMN \"e\""), "{}", run.stdout);
    t.assert_in_sync();
    assert_eq!(t.query("SELECT e FROM ONLY child"), [["2"]]);
    assert_eq!(t.query("SELECT e FROM grandchild"), [["5"]]);
    // A unique key of the parent holds over its own rows: a value it shares
    // with a child's row is no duplicate (random seed 811164: the data
    // check counted the children's rows and refused).
    t.sql("INSERT INTO parent (note) VALUES ('same'); INSERT INTO child (note) VALUES ('same');");
    let unique = keep_in_child.replacen("      note: text\n", "      note: { type: text, unique: true }\n", 1);
    assert_ne!(unique, keep_in_child);
    t.schema(&unique);
    t.apply();
    t.assert_in_sync();
    // Stopping inheriting is refused before any statement.
    let before = t.dump();
    t.schema(&keep_in_child.replacen("    inherits: child\n", "", 1));
    t.run(&["apply", "--yes"]).code(2).stderr_has("would stop inheriting from child");
    assert_eq!(t.dump(), before);
}

/// Review of the inheritance plans: a column a grandchild keeps while its
/// parent and grandparent drop it was dropped with theirs (a plain `DROP
/// COLUMN` cascades down the tree); a column a child declared itself was
/// taken as gone with its parent's, and stayed.
#[test]
fn postgres_inheritance_drops_reach_exactly_the_tables_that_let_go() {
    let Some(t) = Test::postgres() else { return };
    t.sql(
        "CREATE TABLE p (id integer, b integer, c integer);
         CREATE TABLE k (c integer) INHERITS (p);
         CREATE TABLE g () INHERITS (k);
         INSERT INTO g VALUES (1, 7, 8);",
    );
    let inspected = t.run(&["inspect"]).success().stdout;
    let without = |text: &str, line: &str| text.replacen(line, "", 1);
    // p and k let b go, g keeps it; p and k (which declared c itself) let
    // c go.
    let mut file = without(&without(&inspected, "      b:  integer\n"), "      c:  integer\n");
    file = file.replacen("      c: integer\n", "", 1);
    file = file
        .replace("  g:\n    inherits: k\n    columns: {}\n", "  g:\n    inherits: k\n    columns:\n      b: integer\n");
    assert!(file.contains("      b: integer"), "{file}");
    t.schema(&file);
    t.run(&["apply", "--yes", "--allow-destructive"]).success();
    t.assert_in_sync();
    assert_eq!(t.query("SELECT b FROM g"), [["7"]]);
    assert_eq!(t.query("SELECT count(*) FROM pg_attribute WHERE attname = 'c' AND attrelid IN ('p'::regclass, 'k'::regclass, 'g'::regclass)"), [["0"]]);
}

/// Two things PostgreSQL refuses half-way are refused before any
/// statement, at the file's line or naming the column: a NOT VALID
/// foreign key on a partitioned table (random seed 810112: `cannot add NOT
/// VALID foreign key on partitioned table`), and an identity column added
/// to a table others inherit from (seed 810183: `cannot recursively add
/// identity column`).
#[test]
fn postgres_refuses_what_inheritance_and_partitions_cannot_take() {
    let Some(t) = Test::postgres() else { return };
    t.schema(
        "tables:\n  r:\n    columns:\n      id: { type: integer, primary_key: true }\n  \
         p:\n    partition_by: LIST (k)\n    columns:\n      k: integer\n      r_id: integer\n    \
         foreign_keys:\n      p_r: { columns: [r_id], references: { table: r, columns: [id] }, validated: false }\n",
    );
    let refused = t.run(&["plan"]).code(2);
    assert!(refused.stderr.contains("schema.yaml:11:7:"), "{}", refused.stderr);
    assert!(refused.stderr.contains("cannot keep a partitioned table's foreign key NOT VALID"), "{}", refused.stderr);
    t.schema("tables:\n  a:\n    columns:\n      id: integer\n  b:\n    inherits: a\n    columns: {}\n");
    t.apply();
    t.assert_in_sync();
    let before = t.dump();
    t.schema(
        "tables:\n  a:\n    columns:\n      id: integer\n      n: { type: integer, identity: always }\n  \
         b:\n    inherits: a\n    columns: {}\n",
    );
    let refused = t.run(&["apply", "--yes"]).code(2);
    assert!(
        refused.stderr.contains("identity column a.n: PostgreSQL cannot add an identity column"),
        "{}",
        refused.stderr
    );
    assert_eq!(t.dump(), before);
}

/// Extended statistics (`CREATE STATISTICS`) were dropped silently by a
/// rebuild: those on columns are in the file now (`statistics:`), made
/// again when they change; those on expressions stay named as not
/// managed.
#[test]
fn postgres_extended_statistics_round_trip() {
    let Some(t) = Test::postgres() else { return };
    t.sql(
        "CREATE TABLE address (id integer PRIMARY KEY, city text, zip text, street text);
         CREATE STATISTICS address_city_zip ON zip, city FROM address;
         CREATE STATISTICS address_distinct (ndistinct, mcv) ON city, street FROM address;
         COMMENT ON STATISTICS address_distinct IS 'for GROUP BY';
         CREATE STATISTICS address_expr ON (lower(city)), zip FROM address;",
    );
    let inspected = t.run(&["inspect"]).success().stdout;
    for line in [
        "    statistics:\n",
        "address_city_zip: { columns: [city, zip] }",
        "address_distinct: { columns: [city, street], kinds: [ndistinct, mcv], comment: for GROUP BY }",
        "#   statistics address_expr on address\n",
    ] {
        assert!(inspected.contains(line), "{line}:\n{inspected}");
    }
    t.schema(&inspected);
    t.assert_in_sync();
    let rebuilt = Test::postgres().expect("a server");
    rebuilt.schema(&inspected);
    rebuilt.apply();
    let without_expr = |text: &str| {
        text.lines()
            .filter(|l| !l.contains("address_expr") && !l.starts_with("# Not"))
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    };
    assert_eq!(without_expr(&rebuilt.run(&["inspect"]).success().stdout), without_expr(&inspected));
    // Changed: made again; a comment alone: COMMENT ON; gone: dropped.
    t.schema(
        &inspected
            .replace("kinds: [ndistinct, mcv], comment: for GROUP BY", "kinds: [dependencies], comment: for GROUP BY"),
    );
    t.run(&["plan"]).success().stdout_has("recreate statistics address_distinct on address");
    t.apply();
    t.assert_in_sync();
    t.schema(&inspected.replace("comment: for GROUP BY", "comment: grouping"));
    let plan = t.run(&["plan"]).success().stdout;
    assert!(plan.contains("COMMENT ON STATISTICS"), "{plan}");
    t.apply();
    t.schema(&inspected.replace("      address_city_zip: { columns: [city, zip] }\n", ""));
    t.run(&["plan"]).success().stdout_has("drop statistics address_city_zip on address");
    t.apply();
    t.assert_in_sync();
    // PostgreSQL keeps the columns in column-number order, which a file's
    // order of the table's columns need not be (review: a phantom remake).
    t.sql("ALTER TABLE address ADD COLUMN region text; CREATE STATISTICS by_region ON region, zip FROM address;");
    let reordered = t.run(&["inspect"]).success().stdout.replace(
        "      zip:    text\n      street: text\n      region: text\n",
        "      region: text\n      zip:    text\n      street: text\n",
    );
    assert!(reordered.contains("      region: text\n      zip:"), "{reordered}");
    t.schema(&reordered);
    t.assert_in_sync();
    // Not on SQLite, at the file's line.
    let sqlite = Test::sqlite();
    sqlite.schema("tables:\n  t:\n    columns:\n      a: integer\n      b: integer\n    statistics:\n      s: { columns: [a, b] }\n");
    sqlite.run(&["plan"]).code(2).stderr_has("extended statistics, which exist on PostgreSQL only");
    // Two columns or more, of the table.
    t.schema("tables:\n  t:\n    columns:\n      a: integer\n    statistics:\n      s: { columns: [a, nope] }\n");
    t.run(&["plan"]).code(2).stderr_has("unknown column \"nope\" in statistics \"s\" of table \"t\"");
}

/// A collation of a schema's own was dropped by a rebuild, and a column
/// using one in another schema than `public` was written unqualified
/// (`collation "natural" for encoding "UTF8" does not exist`): now
/// `collations:` makes them and columns and index keys name them
/// qualified.
#[test]
fn postgres_collations_of_the_schemas_own_round_trip() {
    let Some(t) = Test::postgres() else { return };
    t.sql(
        "CREATE SCHEMA app;
         CREATE COLLATION app.natural (provider = icu, locale = 'en-u-kn-true');
         CREATE COLLATION app.nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
         CREATE COLLATION pair (lc_collate = 'C', lc_ctype = 'C.utf8');
         COMMENT ON COLLATION pair IS 'bytes, UTF-8 classes';
         CREATE TABLE files (id integer PRIMARY KEY, name text COLLATE app.natural, tag text COLLATE pair,
                             label text COLLATE app.nocase);
         CREATE INDEX files_tag ON files (tag COLLATE app.natural);
         INSERT INTO files VALUES (1, 'a10', 'x', 'Y');",
    );
    let inspected = t.run(&["inspect"]).success().stdout;
    for line in [
        "collations:\n",
        "  app.natural: { provider: icu, locale: en-u-kn-true }\n",
        "  app.nocase: { provider: icu, locale: und-u-ks-level2, deterministic: false }\n",
        "  pair: { lc_collate: C, lc_ctype: C.utf8, comment: \"bytes, UTF-8 classes\" }\n",
        "collation: app.natural",
    ] {
        assert!(inspected.contains(line), "{line}:\n{inspected}");
    }
    assert!(!inspected.contains("Not managed"), "{inspected}");
    t.schema(&inspected);
    t.assert_in_sync();
    // A rebuild from the file has them, the columns' and the index's.
    let rebuilt = Test::postgres().expect("a server");
    rebuilt.schema(&inspected);
    rebuilt.apply();
    assert_eq!(rebuilt.run(&["inspect"]).success().stdout, inspected);
    // A comment changes in place; a collation no column uses is made
    // again; one a column uses is refused before any statement.
    t.schema(&inspected.replace("comment: \"bytes, UTF-8 classes\"", "comment: bytes"));
    t.apply();
    t.assert_in_sync();
    let unused = inspected.replace(
        "  app.natural: { provider: icu, locale: en-u-kn-true }\n",
        "  app.natural: { provider: icu, locale: en-u-kn-true }\n  app.spare: { locale: C }\n",
    );
    t.schema(&unused.replace("comment: \"bytes, UTF-8 classes\"", "comment: bytes"));
    t.apply();
    t.schema(
        &unused
            .replace("comment: \"bytes, UTF-8 classes\"", "comment: bytes")
            .replace("app.spare: { locale: C }", "app.spare: { locale: POSIX }"),
    );
    t.apply();
    t.assert_in_sync();
    let before = t.dump();
    t.schema(&inspected.replace("locale: en-u-kn-true", "locale: en-u-kn-false"));
    let refused = t.run(&["apply", "--yes"]).code(2);
    assert!(refused.stderr.contains("collation app.natural would change"), "{}", refused.stderr);
    assert!(refused.stderr.contains("column files.name uses it"), "{}", refused.stderr);
    assert_eq!(t.dump(), before);
    // Not on SQLite.
    let sqlite = Test::sqlite();
    sqlite.schema("collations:\n  natural: { provider: icu, locale: en-u-kn-true }\ntables: {}\n");
    sqlite.run(&["plan"]).code(2).stderr_has("collations of a schema's own exist on PostgreSQL only");
}

/// Random seed 800023: a table made unlogged while a table the same plan
/// drops still referenced it (`could not change table "events" to
/// unlogged`): tables go unlogged after the drops, referencing tables
/// first, and go logged again before new keys, referenced tables first.
#[test]
fn postgres_persistence_changes_wait_for_the_keys_around_them() {
    let Some(t) = Test::postgres() else { return };
    let table = |name: &str, refs: Option<&str>, unlogged: bool| {
        let mut yaml = format!("  {name}:\n    columns:\n      id: {{ type: integer, primary_key: true }}\n");
        if let Some(parent) = refs {
            yaml.push_str(&format!("      {parent}_id: {{ type: integer, references: {parent}.id }}\n"));
        }
        if unlogged {
            yaml.push_str("    unlogged: true\n");
        }
        yaml
    };
    t.schema(&format!("tables:\n{}{}", table("events", None, false), table("items", Some("events"), false)));
    t.apply();
    t.schema(&format!("tables:\n{}", table("events", None, true)));
    t.run(&["apply", "--yes", "--allow-destructive"]).success();
    t.assert_in_sync();
    // Two unlogged tables, one referencing the other, both made logged
    // again; then both unlogged, with a new table referencing one.
    t.schema(&format!("tables:\n{}{}", table("b", Some("events"), true), table("events", None, true)));
    t.apply();
    t.schema(&format!("tables:\n{}{}", table("b", Some("events"), false), table("events", None, false)));
    t.apply();
    t.assert_in_sync();
    t.schema(&format!(
        "tables:\n{}{}{}",
        table("b", Some("events"), true),
        table("events", None, true),
        table("c", Some("b"), true)
    ));
    t.apply();
    t.assert_in_sync();
}

/// A view that groups by the primary key alone and reads the table's other
/// columns (functional dependency) failed to plan: the scratch copy of the
/// table had no primary key (`column "a.email" must appear in the GROUP BY
/// clause`).
#[test]
fn postgres_view_relying_on_the_primary_keys_functional_dependency() {
    let Some(t) = Test::postgres() else { return };
    t.schema(
        "tables:\n  accounts:\n    columns:\n      id: { type: integer, primary_key: true }\n      email: text\n  \
         orders:\n    columns:\n      id: { type: integer, primary_key: true }\n      account_id: { type: integer, references: accounts.id }\n\
         views:\n  order_counts:\n    query: \"SELECT a.id, a.email, count(*) AS n FROM accounts a JOIN orders o ON o.account_id = a.id GROUP BY a.id\"\n",
    );
    t.apply();
    t.assert_in_sync();
}

/// A view in a schema of its own over a table of that schema that the same
/// plan creates failed to plan, on an empty database too (`relation
/// "x.t_data" does not exist`): the scratch copy of the view reads the
/// scratch copy of the table.
#[test]
fn postgres_view_over_a_schema_qualified_table_the_plan_creates() {
    let Some(t) = Test::postgres() else { return };
    t.schema(
        "tables:\n  x.t_data:\n    columns:\n      id: { type: integer, primary_key: true }\n      v: text\n\
         views:\n  x.data:\n    query: \"SELECT d.id, upper(d.v) AS v FROM x.t_data d WHERE d.id IN (SELECT id FROM x.t_data)\"\n",
    );
    t.apply();
    t.assert_in_sync();
    // And when the table changes under it.
    t.schema(
        "tables:\n  x.t_data:\n    columns:\n      id: { type: integer, primary_key: true }\n      v: text\n      w: integer\n\
         views:\n  x.data:\n    query: \"SELECT d.id, upper(d.v) AS v, d.w FROM x.t_data d\"\n",
    );
    t.apply();
    t.assert_in_sync();
}
