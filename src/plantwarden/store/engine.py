"""Opening the store: engines, one-line errors, and the schema kept at Alembic's head.

A store is a SQLAlchemy URL: ``sqlite:///file.db`` (the default) or
``postgresql+psycopg://user@host/db``. Every command that touches the store goes through
:func:`connected`, which upgrades a new or older schema first (:func:`ensure_current`) and
turns every database failure into a one-line :class:`~plantwarden.errors.StoreError`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from plantwarden import jsonout
from plantwarden.errors import StoreError
from plantwarden.store import migrate
from plantwarden.store.types import JsonText

USAGE = "use sqlite:///file.db or postgresql+psycopg://user@host/db"

__all__ = ["connected", "describe", "ensure_current", "open_engine", "store_errors", "upgrade"]

PG_CONNECT_TIMEOUT_S = 10
SQLITE_BUSY_TIMEOUT_S = 30
#: Execution option of a writing transaction: SQLite takes the write lock at BEGIN (``BEGIN
#: IMMEDIATE``), so concurrent writers wait for each other instead of failing with "locked".
WRITE_OPTION = "plantwarden_writes"


def describe(url: str | URL) -> str:
    """The URL as shown to a person: the password, if any, hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return str(url)


def reason(exc: BaseException) -> str:
    """The driver's message in one short line (``connection refused``)."""
    orig = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(orig).splitlines() if line.strip()]
    first = lines[0] if lines else type(orig).__name__
    first = first.rsplit(" failed: ", 1)[-1]
    for prefix in ("FATAL:", "ERROR:"):
        first = first.removeprefix(prefix)
    first = " ".join(first.split())
    if len(first) > 1 and first[0].isupper() and first[1].islower():
        first = first[0].lower() + first[1:]
    return first


def _parse(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"invalid store URL {url!r}: {USAGE}") from exc
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreError(f"unsupported store URL {describe(parsed)}: {USAGE}")
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _sqlite_events(engine: Engine) -> None:
    """Foreign keys and WAL on every connection; real BEGIN/COMMIT (DDL included)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # pysqlite must not issue its own BEGINs
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        writes = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def _json_bytes(value: Any) -> bytes:
    return value if isinstance(value, JsonText) else jsonout.to_bytes(value, default=None)


def _json_text(value: Any) -> str:
    return _json_bytes(value).decode("utf-8")


def open_engine(url: str) -> Engine:
    """An engine for a store URL (nothing is connected yet).

    JSON columns go through orjson (:func:`plantwarden.jsonout.to_bytes`,
    :func:`~plantwarden.jsonout.loads`): text on SQLite, bytes handed to psycopg.
    """
    parsed = _parse(url)
    args: dict[str, Any] = {}
    sqlite = parsed.get_backend_name() == "sqlite"
    if sqlite:
        args["timeout"] = SQLITE_BUSY_TIMEOUT_S
    elif "connect_timeout" not in parsed.query:
        args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
    try:
        engine = create_engine(
            parsed,
            connect_args=args,
            json_serializer=_json_text if sqlite else _json_bytes,
            json_deserializer=jsonout.loads,
        )
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise StoreError(f"cannot use store URL {describe(parsed)}: {reason(exc)}") from exc
    if sqlite:
        _sqlite_events(engine)
    return engine


@contextmanager
def store_errors(url: str | URL, doing: str = "use the store") -> Iterator[None]:
    """Turn any database failure inside the block into a one-line StoreError."""
    try:
        yield
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot {doing} {describe(url)}: {reason(exc)}") from exc


def _check_reachable(engine: Engine) -> None:
    with store_errors(engine.url, "connect to"), engine.connect():
        pass


def _ensure(engine: Engine) -> str:
    _check_reachable(engine)
    with store_errors(engine.url, "read the schema revision of"), engine.connect() as conn:
        current = migrate.current_revision(conn)
    migrate.check_known(current, describe(engine.url))
    if current == migrate.head_revision():
        return current
    return _upgrade(engine)


def _upgrade(engine: Engine) -> str:
    with store_errors(engine.url, "upgrade"):
        try:
            with engine.execution_options(**{WRITE_OPTION: True}).begin() as conn:
                return migrate.upgrade_connection(conn)
        except SQLAlchemyError:
            with engine.connect() as conn:  # another process may have upgraded meanwhile
                if migrate.current_revision(conn) == migrate.head_revision():
                    return migrate.head_revision()
            raise


@contextmanager
def connected(url: str, *, writes: bool = False) -> Iterator[Engine]:
    """An engine on a store whose schema is at head; disposed of at the end.

    ``writes=True`` marks its transactions as writing ones (see :data:`WRITE_OPTION`).
    """
    engine = open_engine(url)
    try:
        _ensure(engine)
        with store_errors(engine.url):
            yield engine.execution_options(**{WRITE_OPTION: writes})
    finally:
        engine.dispose()


def ensure_current(url: str) -> str:
    """Upgrade a new or older store to head; refuse one from a newer plantwarden. Returns the revision."""
    engine = open_engine(url)
    try:
        return _ensure(engine)
    finally:
        engine.dispose()


def upgrade(url: str) -> str:
    """Run the migrations to head and return the revision the store is now at."""
    return ensure_current(url)


def downgrade(url: str, revision: str) -> str | None:
    """Run the migrations down to ``revision`` (``base`` removes every table)."""
    engine = open_engine(url)
    try:
        _check_reachable(engine)
        with store_errors(engine.url, "downgrade"), engine.begin() as conn:
            migrate.check_known(migrate.current_revision(conn), describe(engine.url))
            return migrate.downgrade_connection(conn, revision)
    finally:
        engine.dispose()


def current_revision(url: str) -> str | None:
    """The revision a store is at, without changing it (None: no schema yet)."""
    engine = open_engine(url)
    try:
        _check_reachable(engine)
        with store_errors(engine.url, "read the schema revision of"), engine.connect() as conn:
            return migrate.current_revision(conn)
    finally:
        engine.dispose()
