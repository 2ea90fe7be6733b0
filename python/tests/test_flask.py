"""The seed, as its user lives it: `flask dbshape` on the example app,
through the real `flask` command, on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable, Dict, List

import sqlalchemy as sa

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "flask" / "app.py"


class App:
    """The example app copied into a folder, run with `flask --app`."""

    def __init__(self, folder: Path, url: str) -> None:
        self.folder = folder
        self.app = folder / "app.py"
        shutil.copy(EXAMPLE, self.app)
        self.env: Dict[str, str] = {
            **os.environ,
            "DATABASE_URL": url,
            "APP_INSTANCE_PATH": str(folder / "instance"),
            "NO_COLOR": "1",
        }

    def flask(self, *args: str) -> subprocess.CompletedProcess:
        flask = [sys.executable, "-m", "flask", "--app", str(self.app), *args]
        return subprocess.run(flask, cwd=self.folder, env=self.env, capture_output=True, text=True)

    def add_to_user(self, line: str) -> None:
        source = self.app.read_text()
        anchor = "    password = db.Column(db.String(100), nullable=False)\n"
        self.app.write_text(source.replace(anchor, anchor + line + "\n"))

    def users(self) -> List[tuple]:
        code = (
            "import app, sqlalchemy as sa\n"
            "a = app.create_app()\n"
            "with a.app_context():\n"
            "    user = app.db.engine.dialect.identifier_preparer.quote('user')\n"
            "    rows = app.db.session.execute(sa.text(f'SELECT id, username, email FROM {user} ORDER BY id')).all()\n"
            "    print([list(r) for r in rows])\n"
        )
        done = subprocess.run([sys.executable, "-c", code], cwd=self.folder, env=self.env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return [tuple(r) for r in json.loads(done.stdout.replace("'", '"'))]

    def post(self, name: str) -> None:
        code = f"import app\nprint(app.create_app().test_client().post('/users/{name}').json)\n"
        done = subprocess.run([sys.executable, "-c", code], cwd=self.folder, env=self.env, capture_output=True, text=True)
        assert done.returncode == 0 and "'id'" in done.stdout, done.stderr


def test_flask_lists_the_commands(tmp_path: Path) -> None:
    app = App(tmp_path, f"sqlite:///{tmp_path / 'app.db'}")
    listed = app.flask("--help")
    assert listed.returncode == 0 and "dbshape" in listed.stdout, listed.stdout + listed.stderr
    group = app.flask("dbshape", "--help")
    for command in ("plan", "apply", "check", "export"):
        assert command in group.stdout


def test_seed_walkthrough(dialect: str, new_database: Callable[[], str], tmp_path: Path) -> None:
    url = new_database()
    app = App(tmp_path, url)

    # An empty database: the plan creates the table, check reports drift.
    plan = app.flask("dbshape", "plan")
    assert plan.returncode == 0, plan.stderr
    assert "+ create table user (4 columns)" in plan.stdout
    assert app.flask("dbshape", "check").returncode == 1

    applied = app.flask("dbshape", "apply", "--yes")
    assert applied.returncode == 0, applied.stderr
    for name in ("ann", "bob", "cid"):
        app.post(name)
    before = app.users()
    assert [row[1] for row in before] == ["ann", "bob", "cid"]

    # One new column on the model: exactly one added column.
    app.add_to_user("    age = db.Column(db.Integer)")
    plan = app.flask("dbshape", "plan", "--format", "json")
    assert plan.returncode == 0, plan.stderr
    document = json.loads(plan.stdout)
    changes = [change for step in document["steps"] for change in step["changes"]]
    assert len(changes) == 1 and changes[0]["kind"] == "add_column", changes
    text = app.flask("dbshape", "plan").stdout
    assert "+ add column user.age integer" in text and "1 change:" in text

    applied = app.flask("dbshape", "apply", "--yes")
    assert applied.returncode == 0, applied.stderr
    assert app.users() == before
    check = app.flask("dbshape", "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert app.flask("dbshape", "plan").stdout.startswith("No changes.")

    # Dropping the column is destructive: refused without consent.
    app.app.write_text(app.app.read_text().replace("    age = db.Column(db.Integer)\n", ""))
    refused = app.flask("dbshape", "apply", "--yes")
    assert refused.returncode == 2 and "--allow-destructive" in refused.stdout + refused.stderr
    assert app.flask("dbshape", "apply", "--yes", "--allow-destructive").returncode == 0
    assert app.users() == before

    # export: the file plain `dbshape check` uses in CI.
    exported = tmp_path / "schema.yaml"
    assert app.flask("dbshape", "export", "--output", str(exported)).returncode == 0
    import dbshape

    done = dbshape.run(["check", "--schema", str(exported)], env={"DATABASE_URL": url}, capture=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_alembic_version_is_left_alone(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
    app = App(tmp_path, url)
    assert app.flask("dbshape", "apply", "--yes").returncode == 0
    assert app.flask("dbshape", "check").returncode == 0
    with engine.connect() as connection:
        names = sa.inspect(connection).get_table_names()
    assert sorted(names) == ["alembic_version", "user"]


BINDS_APP = '''
import os
from flask import Flask
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)


class Event(db.Model):
    __bind_key__ = "audit"
    id = db.Column(db.Integer, primary_key=True)
    what = db.Column(db.Text, nullable=False)


def create_app():
    app = Flask(__name__, instance_path=os.environ["APP_INSTANCE_PATH"])
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    app.config["SQLALCHEMY_BINDS"] = {"audit": os.environ["AUDIT_URL"]}
    db.init_app(app)
    return app
'''


def test_every_bind_is_planned_and_applied(tmp_path: Path) -> None:
    app = App(tmp_path, f"sqlite:///{tmp_path / 'main.db'}")
    app.app.write_text(BINDS_APP)
    app.env["AUDIT_URL"] = f"sqlite:///{tmp_path / 'audit.db'}"
    plan = app.flask("dbshape", "plan")
    assert plan.returncode == 0, plan.stderr
    assert "+ create table user" in plan.stdout and "+ create table event" in plan.stdout
    assert "== default bind" in plan.stderr and "== bind 'audit'" in plan.stderr
    only = app.flask("dbshape", "plan", "--bind", "audit")
    assert "+ create table event" in only.stdout and "user" not in only.stdout
    # Neither file exists yet: check says so rather than report drift.
    missing = app.flask("dbshape", "check")
    assert missing.returncode == 2 and "does not exist" in missing.stderr, missing.stderr
    for name in ("main.db", "audit.db"):
        (tmp_path / name).write_bytes(b"")
    assert app.flask("dbshape", "check").returncode == 1
    assert app.flask("dbshape", "apply", "--yes", "--bind", "audit").returncode == 0
    # One bind in sync, the other not: the highest exit code.
    assert app.flask("dbshape", "check").returncode == 1
    assert app.flask("dbshape", "check", "--bind", "audit").returncode == 0
    assert app.flask("dbshape", "apply", "--yes").returncode == 0
    assert app.flask("dbshape", "check").returncode == 0
    tables = lambda name: sa.inspect(sa.create_engine(f"sqlite:///{tmp_path / name}")).get_table_names()
    assert tables("main.db") == ["user"] and tables("audit.db") == ["event"]
    unknown = app.flask("dbshape", "plan", "--bind", "nope")
    assert unknown.returncode == 2 and "unknown bind 'nope'" in unknown.stderr


def test_a_model_the_file_cannot_say_is_an_error_naming_it(tmp_path: Path) -> None:
    app = App(tmp_path, f"sqlite:///{tmp_path / 'app.db'}")
    app.add_to_user("    location = db.Column(db.types.NullType())")
    done = app.flask("dbshape", "plan")
    assert done.returncode == 2, done.stdout + done.stderr
    assert 'table "user" (model User), column "location": the column has no type' in done.stderr
    assert not (tmp_path / "app.db").exists(), "nothing is created"
