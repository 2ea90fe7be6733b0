"""Throw-away databases for the tests: a file in the test's folder for
SQLite, a database of its own (dropped after) for PostgreSQL and MariaDB.

PostgreSQL tests skip only when no server answers at 127.0.0.1:5432 and
DBSHAPE_REQUIRE_PG is unset, MariaDB tests only when none answers at
127.0.0.1:3306 and DBSHAPE_REQUIRE_MYSQL is unset (CI sets both)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Callable, Iterator

import pytest
import sqlalchemy as sa

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
MY_ADMIN = "mysql+pymysql://root@127.0.0.1:3306/"
SERVERS = {
    "postgresql": (PG_ADMIN, "DBSHAPE_REQUIRE_PG", "PostgreSQL", "127.0.0.1:5432"),
    "mysql": (MY_ADMIN, "DBSHAPE_REQUIRE_MYSQL", "MariaDB", "127.0.0.1:3306"),
}


def _answers(url: str) -> bool:
    try:
        engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect():
            return True
    except Exception:  # noqa: BLE001 - any failure means no server
        return False


@pytest.fixture(params=["sqlite", "postgresql", "mysql"])
def dialect(request: pytest.FixtureRequest) -> str:
    name = request.param
    if name in SERVERS:
        url, required, server, at = SERVERS[name]
        if not _answers(url):
            if os.environ.get(required):
                pytest.fail(f"{required} is set but no {server} answers at {at}")
            pytest.skip(f"no {server} at {at}")
    return name


@pytest.fixture
def new_database(dialect: str, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Makes empty databases of the dialect; returns their URLs."""
    made = []
    count = [0]

    def make() -> str:
        count[0] += 1
        if dialect == "sqlite":
            # A fresh database is an empty file, as on a server it is an
            # empty database (`check` refuses a file that is not there).
            path = tmp_path / f"db{count[0]}.db"
            path.write_bytes(b"")
            return f"sqlite:///{path}"
        name = f"dbshape_py_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(SERVERS[dialect][0], isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
        admin.dispose()
        made.append(name)
        if dialect == "mysql":
            return f"{MY_ADMIN}{name}"
        return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"

    yield make
    if made:
        admin = sa.create_engine(SERVERS[dialect][0], isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for name in made:
                force = " WITH (FORCE)" if dialect == "postgresql" else ""
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}{force}")
        admin.dispose()
