"""Throw-away databases for the tests: a file in the test's folder for
SQLite, a database of its own (dropped after) for PostgreSQL.

PostgreSQL tests skip only when no server answers at 127.0.0.1:5432 and
DBSHAPE_REQUIRE_PG is unset (CI sets it)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Callable, Iterator

import pytest
import sqlalchemy as sa

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _pg_answers() -> bool:
    try:
        engine = sa.create_engine(PG_ADMIN, connect_args={"connect_timeout": 3})
        with engine.connect():
            return True
    except Exception:  # noqa: BLE001 - any failure means no server
        return False


@pytest.fixture(params=["sqlite", "postgresql"])
def dialect(request: pytest.FixtureRequest) -> str:
    name = request.param
    if name == "postgresql" and not _pg_answers():
        if os.environ.get("DBSHAPE_REQUIRE_PG"):
            pytest.fail("DBSHAPE_REQUIRE_PG is set but no PostgreSQL answers at 127.0.0.1:5432")
        pytest.skip("no PostgreSQL at 127.0.0.1:5432")
    return name


@pytest.fixture
def new_database(dialect: str, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Makes empty databases of the dialect; returns their URLs."""
    made = []
    count = [0]

    def make() -> str:
        count[0] += 1
        if dialect == "sqlite":
            return f"sqlite:///{tmp_path / f'db{count[0]}.db'}"
        name = f"dbshape_py_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        admin.dispose()
        made.append(name)
        return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"

    yield make
    if made:
        admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for name in made:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
