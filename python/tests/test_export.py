"""The exporter is exact: the file it writes for a model set describes what
SQLAlchemy's own create_all() makes, on SQLite and on PostgreSQL, both
ways round."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Callable, List, Set, Tuple

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import dbshape
from corpus import CORPUS
from dbshape.sqlalchemy import ExportError, export, export_target

HERE = Path(__file__).parent


def prepare(url: str) -> sa.Engine:
    engine = sa.create_engine(url)
    if engine.dialect.name == "postgresql":
        # create_all() makes no schemas; dbshape does.
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE SCHEMA IF NOT EXISTS billing")
    return engine


def dbshape_run(*args: str, url: str) -> subprocess.CompletedProcess:
    return dbshape.run(list(args), env={"DATABASE_URL": url}, capture=True)


def alembic_differences(engine: sa.Engine, metadata: sa.MetaData) -> Set[Tuple[str, ...]]:
    """What Alembic's autogenerate finds between the database and the
    models, as (operation, table, object) triples."""
    found: Set[Tuple[str, ...]] = set()
    with engine.connect() as connection:
        # On MySQL a schema is a database: this test's own is the one.
        schemas = engine.dialect.name == "postgresql"
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True, "include_schemas": schemas}
        )
        for entry in compare_metadata(context, metadata):
            for item in entry if isinstance(entry, list) else [entry]:
                operation, *rest = item
                found.add((operation, *(str(getattr(r, "name", r)) for r in rest[:3])))
    return found


@pytest.mark.parametrize("models", sorted(CORPUS))
def test_export_plans_nothing_against_create_all(models: str, dialect: str, new_database: Callable[[], str], tmp_path: Path) -> None:
    metadata = CORPUS[models](dialect)
    url = new_database()
    engine = prepare(url)
    metadata.create_all(engine)
    schema = tmp_path / "schema.yaml"
    schema.write_text(export(metadata, engine.dialect), encoding="utf-8")
    done = dbshape_run("plan", "--schema", str(schema), url=url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("No changes."), f"{schema.read_text()}\n{done.stdout}"
    # The drift check agrees, and so does the JSON document.
    assert dbshape_run("check", "--schema", str(schema), url=url).returncode == 0
    engine.dispose()


@pytest.mark.parametrize("models", sorted(CORPUS))
def test_applied_export_is_what_alembic_expects(models: str, dialect: str, new_database: Callable[[], str], tmp_path: Path) -> None:
    metadata = CORPUS[models](dialect)
    ours, theirs = new_database(), new_database()
    schema = tmp_path / "schema.yaml"
    schema.write_text(export(metadata, sa.create_engine(ours).dialect), encoding="utf-8")
    done = dbshape_run("apply", "--yes", "--schema", str(schema), url=ours)
    assert done.returncode == 0, done.stderr
    # What Alembic reports against SQLAlchemy's own database is what it
    # cannot compare (e.g. expression indexes on SQLite); against dbshape's
    # it must report exactly that, nothing more.
    baseline_engine = prepare(theirs)
    metadata.create_all(baseline_engine)
    baseline = alembic_differences(baseline_engine, metadata)
    ours_engine = sa.create_engine(ours)
    assert alembic_differences(ours_engine, metadata) == baseline
    ours_engine.dispose()
    baseline_engine.dispose()


def test_command_line_prints_the_file_of_a_module(tmp_path: Path) -> None:
    models = tmp_path / "shop_models.py"
    models.write_text(
        "import sqlalchemy as sa\n"
        "metadata = sa.MetaData()\n"
        "items = sa.Table('items', metadata, sa.Column('id', sa.Integer, primary_key=True),\n"
        "                 sa.Column('name', sa.String(80), nullable=False, unique=True))\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "dbshape.sqlalchemy", "shop_models:metadata", "--dialect", "postgresql"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "manage: { privileges: false, extensions: false }\n"
        "tables:\n"
        "  items:\n"
        "    columns:\n"
        "      id:   { type: serial, primary_key: true }\n"
        "      name: { type: varchar(80), nullable: false, unique: true }\n"
    )
    written = tmp_path / "out.yaml"
    done = subprocess.run(
        [sys.executable, "-m", "dbshape.sqlalchemy", "shop_models", "--url", "sqlite:///x.db", "-o", str(written)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "      id:   { type: integer, primary_key: true }\n" in written.read_text()


def refusal(build: Callable[[sa.MetaData], None], dialect: str = "sqlite") -> str:
    metadata = sa.MetaData()
    build(metadata)
    with pytest.raises(ExportError) as error:
        export(metadata, dbshape.sqlalchemy.dialect_for(dialect))
    return str(error.value)


def test_untranslatable_constructs_are_errors_naming_the_table_and_column() -> None:
    class Point(sa.types.UserDefinedType):
        cache_ok = True

        def get_col_spec(self, **kw: object) -> str:
            raise NotImplementedError("no spelling")

    message = refusal(lambda m: sa.Table("places", m, sa.Column("id", sa.Integer, primary_key=True), sa.Column("at", Point())))
    assert 'table "places", column "at"' in message
    message = refusal(lambda m: sa.Table("t", m, sa.Column("id", sa.Integer, primary_key=True), sa.Column("x", sa.types.NullType())))
    assert 'table "t", column "x": the column has no type' in message
    message = refusal(
        lambda m: sa.Table("t", m, sa.Column("id", sa.Integer, primary_key=True), schema="billing"), dialect="sqlite"
    )
    assert 'table "billing.t"' in message and "PostgreSQL only" in message
    message = refusal(
        lambda m: sa.Table("t", m, sa.Column("id", sa.Integer, primary_key=True), sa.Column("s", sa.Enum("a", "b"))),
        dialect="postgresql",
    )
    assert 'column "s": a PostgreSQL enum needs a name' in message


def test_errors_name_the_model(tmp_path: Path) -> None:
    from sqlalchemy.orm import DeclarativeBase

    class Base(DeclarativeBase):
        pass

    class Gadget(Base):
        __tablename__ = "gadgets"
        id = sa.Column(sa.Integer, primary_key=True)
        blob = sa.Column(sa.types.NullType())

    with pytest.raises(ExportError) as error:
        export_target(Base, dbshape.sqlalchemy.dialect_for("sqlite"))
    assert 'table "gadgets" (model Gadget), column "blob"' in str(error.value)


def test_client_side_defaults_stay_out_of_the_file() -> None:
    metadata = sa.MetaData()
    sa.Table(
        "t",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("qty", sa.Integer, default=5, onupdate=6),
        sa.Column("stock", sa.Integer, server_default="5"),
    )
    text = export(metadata, dbshape.sqlalchemy.dialect_for("sqlite"))
    lines: List[str] = text.splitlines()
    assert "      qty:   integer" in lines, text
    assert '      stock: { type: integer, default: "5" }' in lines, text


def test_what_mysql_cannot_take_is_an_error() -> None:
    message = refusal(lambda m: sa.Table("t", m, sa.Column("id", sa.Integer, primary_key=True), sa.Column("s", sa.String)), "mysql")
    assert 'table "t", column "s"' in message and "VARCHAR requires a length" in message
    message = refusal(lambda m: sa.Table("t", m, sa.Column("id", sa.Integer, primary_key=True), sa.Column("u", sa.Uuid)), "mariadb")
    assert 'column "u": on MariaDB, Uuid() makes MariaDB\'s own uuid type' in message
    message = refusal(lambda m: sa.Table("t", m, sa.Column("id", sa.Integer, primary_key=True), mysql_auto_increment="5"), "mysql")
    assert 'table "t": table option mysql_auto_increment is not supported' in message


def test_mysql_spellings_are_the_files() -> None:
    from sqlalchemy.dialects import mysql

    metadata = sa.MetaData()
    sa.Table(
        "t",
        metadata,
        sa.Column("id", mysql.BIGINT(unsigned=True), primary_key=True),
        sa.Column("ratio", sa.Float),
        sa.Column("at", sa.TIMESTAMP, server_default=sa.text("CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP")),
        sa.Column("exact", mysql.TIMESTAMP(fsp=6)),
        sa.Column("kind", sa.Enum("Draft", "done")),
        sa.Column("code", mysql.VARCHAR(10, charset="ascii", collation="ascii_bin")),
        sa.Index("ix_t_code", "code", mysql_length=4),
        mysql_engine="InnoDB",
    )
    sa.Table(
        "u",
        metadata,
        sa.Column("id", sa.Integer, sa.Identity(), primary_key=True),
        sa.Column("bio_text", sa.String(200), key="bio"),
        # SQLAlchemy looks lengths up by name: "bio" is not one.
        sa.Index("ix_u_bio", "bio", mysql_length={"bio": 20}),
        # InnoDB makes B-trees of hash indexes.
        sa.Index("ix_u_hash", "bio", mysql_using="hash"),
    )
    text = export(metadata, dbshape.sqlalchemy.dialect_for("mysql"))
    for line in (
        "    engine: InnoDB",
        "      id:    { type: bigint unsigned, primary_key: true, autoincrement: true }",
        "      ratio: real",
        "      exact: timestamptz(6)",
        "      at:    { type: timestamptz, default: { sql: CURRENT_TIMESTAMP }, on_update: CURRENT_TIMESTAMP }",
        "      kind:  \"enum('Draft','done')\"",
        "      code:  { type: varchar(10), charset: ascii, collation: ascii_bin }",
        "      ix_t_code: { columns: [code(4)] }",
        "      id:       { type: integer, primary_key: true, autoincrement: true }",
        "      ix_u_bio:  { columns: [bio_text] }",
        "      ix_u_hash: { columns: [bio_text] }",
    ):
        assert line in text.splitlines(), f"{line}\n{text}"
