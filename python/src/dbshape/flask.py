"""``flask dbshape plan | apply | check | export``: Flask-Migrate's loop
without revision files. The app's models are the schema: each command
exports them (:mod:`dbshape.sqlalchemy`) for the database of each bind and
runs the ``dbshape`` binary's command of the same name on it.

Registered through the ``flask.commands`` entry point, so any app with this
package installed has ``flask dbshape``. The exit code is the binary's (for
several binds, the highest): 0 in sync or applied, 1 drift (``check``), 2
error or refused.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any, Iterator, List, Optional, Tuple

import click
from flask import current_app
from flask.cli import AppGroup

from . import DbshapeNotFound, run
from .sqlalchemy import ExportError, export_target

class Failure(click.ClickException):
    """An error: exit 2, as the binary's errors (1 means drift)."""

    exit_code = 2


cli = AppGroup("dbshape", help="Plan, apply and check the database schema of the app's SQLAlchemy models.")

# Flask-Migrate leaves this table behind; it is not one of the models.
DEFAULT_EXCLUDES = ("alembic_version",)

bind_option = click.option(
    "--bind",
    "binds",
    multiple=True,
    help="Only this bind key (repeatable; `default` is the default bind). Default: every bind.",
)
exclude_option = click.option(
    "--exclude",
    "excludes",
    multiple=True,
    help="Leave tables matching this glob alone (repeatable); alembic_version always is.",
)
format_option = click.option(
    "--format", "output_format", type=click.Choice(["text", "sql", "json"]), default="text", show_default=True
)


def _db() -> Any:
    try:
        return current_app.extensions["sqlalchemy"]
    except KeyError:
        raise Failure("this app has no Flask-SQLAlchemy extension (db.init_app(app))") from None


def _binds(db: Any, chosen: Tuple[str, ...]) -> Iterator[Tuple[Optional[str], Any]]:
    """(bind key, engine) for the chosen binds, the default first."""
    keys: List[Optional[str]] = [None, *sorted(k for k in db.metadatas if k is not None)]
    if chosen:
        wanted = [None if key == "default" else key for key in chosen]
        unknown = [key for key in wanted if key not in keys]
        if unknown:
            raise Failure(f"unknown bind {unknown[0]!r} (binds: default, {', '.join(map(str, keys[1:]))})")
        keys = [key for key in keys if key in wanted]
    for key in keys:
        if key not in db.metadatas and key is not None:
            continue
        yield key, db.engines[key]


def _label(key: Optional[str]) -> str:
    return "default bind" if key is None else f"bind {key!r}"


def _schema_text(db: Any, key: Optional[str], engine: Any) -> str:
    # Connecting first sets up the dialect for the server it talks to
    # (version-dependent DDL such as identity columns); not SQLite, where it
    # would create the file.
    if engine.dialect.name != "sqlite":
        with engine.connect():
            pass
    try:
        return export_target(db, engine.dialect, key)
    except (ExportError, DbshapeNotFound) as error:
        raise Failure(str(error)) from error


def _run(command: str, args: List[str], binds: Tuple[str, ...], excludes: Tuple[str, ...]) -> None:
    db = _db()
    code = 0
    targets = list(_binds(db, binds))
    for key, engine in targets:
        text = _schema_text(db, key, engine)
        if len(targets) > 1:
            click.echo(f"== {_label(key)}", err=True)
        with tempfile.TemporaryDirectory(prefix="dbshape-") as folder:
            path = Path(folder) / "models.yaml"
            path.write_text(text, encoding="utf-8")
            flags = [f"--exclude={glob}" for glob in (*DEFAULT_EXCLUDES, *excludes)]
            # The URL travels in the environment, not on the command line
            # (where other users could read its password).
            url = engine.url.render_as_string(hide_password=False)
            try:
                done = run([command, "--schema", str(path), *flags, *args], env={"DATABASE_URL": url})
            except DbshapeNotFound as error:
                raise Failure(str(error)) from error
        code = max(code, done.returncode)
    sys.exit(code)


@cli.command("plan")
@format_option
@bind_option
@exclude_option
def plan(output_format: str, binds: Tuple[str, ...], excludes: Tuple[str, ...]) -> None:
    """Show the changes that would make the database match the models."""
    _run("plan", ["--format", output_format], binds, excludes)


@cli.command("apply")
@click.option("--yes", "-y", is_flag=True, help="Don't ask for confirmation (required when not on a terminal).")
@click.option("--allow-destructive", is_flag=True, help="Allow changes that can lose data.")
@click.option("--dry-run", is_flag=True, help="Print the plan and stop.")
@click.option("--lock-timeout", help="PostgreSQL: how long a statement may wait for a lock (e.g. 5s).")
@bind_option
@exclude_option
def apply(
    yes: bool,
    allow_destructive: bool,
    dry_run: bool,
    lock_timeout: Optional[str],
    binds: Tuple[str, ...],
    excludes: Tuple[str, ...],
) -> None:
    """Change the database to match the models, in one transaction."""
    args = ["--yes"] if yes else []
    args += ["--allow-destructive"] if allow_destructive else []
    args += ["--dry-run"] if dry_run else []
    args += ["--lock-timeout", lock_timeout] if lock_timeout else []
    _run("apply", args, binds, excludes)


@cli.command("check")
@format_option
@bind_option
@exclude_option
def check(output_format: str, binds: Tuple[str, ...], excludes: Tuple[str, ...]) -> None:
    """Exit 0 if the database matches the models, 1 if it has drifted."""
    _run("check", ["--format", output_format], binds, excludes)


@cli.command("export")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the file here instead of printing it.")
@bind_option
def export(output: Optional[str], binds: Tuple[str, ...]) -> None:
    """Print the models as a schema file (for `dbshape check` in CI)."""
    db = _db()
    texts = [(key, _schema_text(db, key, engine)) for key, engine in _binds(db, binds)]
    if len(texts) > 1 and output:
        raise Failure("several binds: choose one with --bind to write a file")
    for key, text in texts:
        if len(texts) > 1:
            click.echo(f"# {_label(key)}")
        if output:
            Path(output).write_text(text, encoding="utf-8")
            click.echo(f"wrote {output}", err=True)
        else:
            click.echo(text, nl=False)
