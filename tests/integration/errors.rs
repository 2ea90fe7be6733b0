//! Bad input gets a precise error (file, line, what was expected, a hint),
//! exit 2, and no change to the database.

use crate::harness::{Run, Test};

/// Plans `yaml` against an empty database, expecting a schema error.
fn schema_error(yaml: &str) -> Run {
    let t = Test::sqlite();
    t.schema(yaml);
    let run = t.run(&["apply", "--yes"]).code(2);
    assert!(run.stdout.is_empty(), "nothing is planned for a bad file:\n{}", run.stdout);
    assert!(!t.db_path().exists(), "a bad file must not create the database");
    run
}

#[test]
fn misspelt_key_says_where_and_suggests() {
    let run = schema_error(
        "tables:\n  users:\n    columns:\n      id: { type: integer, primary_key: true }\n      name: { type: text, nulable: false }\n",
    );
    assert!(run.stderr.starts_with("error: schema.yaml:5:"), "{}", run.stderr);
    assert!(run.stderr.contains("unknown key \"nulable\""), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean \"nullable\"?"), "{}", run.stderr);
    assert!(
        run.stderr.contains("    5 |       name: { type: text, nulable: false }"),
        "the line is shown:\n{}",
        run.stderr
    );
}

#[test]
fn misspelt_table_key_suggests() {
    schema_error("tables:\n  users:\n    colums:\n      id: { type: integer }\n")
        .stderr_has("did you mean \"columns\"?");
}

#[test]
fn yaml_syntax_error_has_a_line() {
    schema_error("tables:\n  users:\n    columns:\n      id: { type: integer\n").stderr_has("error: schema.yaml:");
}

#[test]
fn duplicate_table_is_an_error() {
    schema_error("tables:\n  users:\n    columns:\n      id: { type: integer }\n  users:\n    columns:\n      id: { type: integer }\n")
        .stderr_has("schema.yaml:5:3: duplicate key \"users\"");
}

#[test]
fn duplicate_column_is_an_error() {
    schema_error("tables:\n  users:\n    columns:\n      id: { type: integer }\n      id: { type: text }\n")
        .stderr_has("schema.yaml:5:7: duplicate key \"id\"");
}

#[test]
fn foreign_key_to_unknown_table_names_it_and_suggests() {
    schema_error(
        "tables:\n  users:\n    columns:\n      id: { type: integer, primary_key: true }\n  posts:\n    columns:\n      author: { type: integer, references: user.id }\n",
    )
    .stderr_has("schema.yaml:7:")
    .stderr_has("references unknown table \"user\"")
    .stderr_has("did you mean \"users\"?");
}

#[test]
fn foreign_key_to_unknown_column_is_an_error() {
    schema_error(
        "tables:\n  users:\n    columns:\n      id: { type: integer, primary_key: true }\n  posts:\n    columns:\n      author: { type: integer, references: users.ident }\n",
    )
    .stderr_has("unknown column \"ident\"");
}

#[test]
fn nullable_primary_key_is_an_error() {
    schema_error("tables:\n  users:\n    columns:\n      id: { type: integer, primary_key: true, nullable: true }\n")
        .stderr_has("schema.yaml:4:")
        .stderr_has("primary key column \"users.id\" cannot be nullable");
}

#[test]
fn index_on_unknown_column_suggests() {
    schema_error(
        "tables:\n  users:\n    columns:\n      email: { type: text }\n    indexes:\n      users_email_idx: { columns: [emial] }\n",
    )
    .stderr_has("schema.yaml:6:")
    .stderr_has("unknown column \"emial\" in index \"users_email_idx\" of table \"users\"")
    .stderr_has("did you mean \"email\"?");
}

#[test]
fn misspelt_type_suggests() {
    schema_error("tables:\n  users:\n    columns:\n      id: { type: intger }\n")
        .stderr_has("unknown type \"intger\"")
        .stderr_has("did you mean \"integer\"?");
}

#[test]
fn bad_type_parameter_is_an_error() {
    schema_error("tables:\n  users:\n    columns:\n      id: { type: varchar(abc) }\n").stderr_has("is not a number");
}

#[test]
fn missing_type_is_an_error() {
    schema_error("tables:\n  users:\n    columns:\n      id: { nullable: false }\n")
        .stderr_has("missing field \"type\"");
}

#[test]
fn several_problems_are_reported_together() {
    let run = schema_error(
        "tables:\n  users:\n    columns:\n      id: { type: integer, primary_key: true, nullable: true }\n    indexes:\n      i: { columns: [nope] }\n",
    );
    assert!(
        run.stderr.contains("cannot be nullable") && run.stderr.contains("unknown column \"nope\""),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("2 problems"), "{}", run.stderr);
}

#[test]
fn empty_file_is_an_error() {
    schema_error("# nothing here\n").stderr_has("the schema file is empty");
}

#[test]
fn missing_schema_file_is_an_error() {
    let t = Test::sqlite();
    t.run(&["plan"]).code(2).stderr_has("error: cannot read schema file schema.yaml");
}

#[test]
fn bad_url_is_an_error_without_the_password() {
    let t = Test::sqlite();
    t.schema("tables:\n  a:\n    columns:\n      id: { type: integer }\n");
    let run = t.run(&["plan", "--url", "mssql://bob:hunter2@db/app"]).code(2);
    assert!(run.stderr.contains("unsupported database"), "{}", run.stderr);
    assert!(!run.stderr.contains("hunter2"), "password printed:\n{}", run.stderr);
    let run = t.run(&["plan", "--url", "app.db"]).code(2);
    assert!(run.stderr.contains("invalid database URL"), "{}", run.stderr);
}

#[test]
fn a_file_that_is_not_a_database_is_an_error() {
    let t = Test::sqlite();
    t.schema("tables:\n  a:\n    columns:\n      id: { type: integer }\n");
    std::fs::write(t.db_path(), "this is not sqlite, just text that is long enough to be read as a header").unwrap();
    t.run(&["plan"]).code(2).stderr_has("error: cannot open SQLite database");
}

#[test]
fn unknown_referential_action_suggests() {
    schema_error(
        "tables:\n  a:\n    columns:\n      id: { type: integer, primary_key: true }\n      p: { type: integer, references: a.id, on_delete: cascde }\n",
    )
    .stderr_has("did you mean \"cascade\"?");
}

#[test]
fn unquoted_comma_in_flow_type_gets_a_hint() {
    schema_error("tables:\n  a:\n    columns:\n      n: { type: numeric(10,2) }\n")
        .stderr_has("quote types like \"numeric(10,2)\"");
}

/// An expression that closes its own parenthesis could end the statement
/// it is pasted into and run another one, past the destructive gate.
#[test]
fn expressions_cannot_escape_their_statement() {
    for expr in ["1=1); DROP TABLE t; --", "a > 0; DELETE FROM t", "a > 0 -- comment", "(a > 0", "'open", ""] {
        let yaml = format!(
            "tables:\n  t:\n    columns:\n      a: {{ type: integer }}\n    checks:\n      c: {}\n",
            serde_json::to_string(expr).unwrap()
        );
        schema_error(&yaml).stderr_has("invalid SQL expression");
    }
}

#[test]
fn column_that_is_neither_a_type_nor_a_map_is_located() {
    schema_error("tables:\n  a:\n    columns:\n      id: { type: integer, primary_key: true }\n      n: 12\n")
        .stderr_has("schema.yaml:5:10: tables.a.columns.n: invalid type: integer")
        .stderr_has("expected a column: its type");
}

/// A MySQL server that cannot be reached, a wrong password, a database that
/// does not exist: one line each, exit 2, the password never shown.
#[test]
fn mysql_connection_failures_are_one_line_without_the_password() {
    let Some(t) = Test::mysql() else { return };
    t.schema("tables:\n  a:\n    columns:\n      id: { type: integer }\n");
    for (url, reason) in [
        ("mysql://bob:hunter2@127.0.0.1:1/app", "Connection refused"),
        ("mysql+pymysql://root:hunter2@127.0.0.1:3306/app", "Access denied"),
        ("mariadb://root@127.0.0.1:3306/dbshape_no_such_database", "Unknown database"),
    ] {
        let run = t.run(&["plan", "--url", url]).code(2);
        assert!(run.stderr.contains(reason), "{url}: {}", run.stderr);
        assert!(!run.stderr.contains("hunter2"), "password printed:\n{}", run.stderr);
        assert_eq!(run.stderr.trim_end().lines().count(), 1, "one line: {}", run.stderr);
    }
}

/// A server error about an expression of the file (a check calling a
/// function that does not exist) named no place in the file: it carries
/// the line of the table it belongs to.
#[test]
fn a_server_error_about_the_files_expression_names_its_place() {
    for t in [Test::postgres(), Test::mysql()].into_iter().flatten() {
        t.schema(
            "tables:\n  fine:\n    columns:\n      id: integer\n  odd:\n    columns:\n      a: integer\n    \
             checks:\n      a_ok: \"no_such_function(a) > 0\"\n",
        );
        let failed = t.run(&["plan"]).code(2);
        assert!(
            failed.stderr.contains("schema.yaml:5:3: cannot check table \"odd\" of the schema file with the server"),
            "{}",
            failed.stderr
        );
    }
}
