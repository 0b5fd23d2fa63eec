"""Store fixtures: every store test runs on a SQLite file and on a throw-away PostgreSQL database.

PostgreSQL: one database ``plantwarden_test_<random>`` per test session, created through the
server's maintenance database (default ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``,
trust auth; override with ``$PLANTWARDEN_TEST_PG_URL``) and dropped at the end. Each test gets
it with an empty ``public`` schema. When the server cannot be reached the PostgreSQL variants
are skipped with the reason, or fail when ``PLANTWARDEN_REQUIRE_PG=1`` (as in CI).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from plantwarden.store.engine import reason

ENV_PG_URL = "PLANTWARDEN_TEST_PG_URL"
ENV_REQUIRE_PG = "PLANTWARDEN_REQUIRE_PG"
DEFAULT_PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@dataclass(frozen=True, slots=True)
class PgDatabase:
    url: str | None
    problem: str | None


def _admin_url() -> str:
    raw = os.environ.get(ENV_PG_URL) or DEFAULT_PG_ADMIN
    return "postgresql+psycopg://" + raw.split("://", 1)[1] if raw.startswith("postgresql://") else raw


def _admin_sql(admin: str, sql: str) -> None:
    engine = create_engine(admin, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(sql)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def pg_database() -> Iterator[PgDatabase]:
    admin = _admin_url()
    name = f"plantwarden_test_{secrets.token_hex(6)}"
    try:
        _admin_sql(admin, f'CREATE DATABASE "{name}"')
    except SQLAlchemyError as exc:
        shown = make_url(admin).render_as_string(hide_password=True)
        yield PgDatabase(None, f"PostgreSQL not reachable at {shown}: {reason(exc)}")
        return
    try:
        yield PgDatabase(make_url(admin).set(database=name).render_as_string(hide_password=False), None)
    finally:
        _admin_sql(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _fresh_schema(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    finally:
        engine.dispose()


def _postgres_url(request: pytest.FixtureRequest) -> str:
    db: PgDatabase = request.getfixturevalue("pg_database")
    if db.url is None:
        message = f"{db.problem} (set {ENV_PG_URL} to another server)"
        if os.environ.get(ENV_REQUIRE_PG) == "1":
            pytest.fail(f"{ENV_REQUIRE_PG}=1 but {message}")
        pytest.skip(message)
    _fresh_schema(db.url)
    return db.url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty store: a SQLite file in tmp_path, or the session's PostgreSQL database emptied."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return _postgres_url(request)
