"""Opening the store: engines, one-line errors, and the schema kept at Alembic's head.

A store is a SQLAlchemy URL: ``sqlite:///file.db`` (the default) or
``postgresql+psycopg://user@host/db``. Every command that touches the store goes through
:func:`connected`, which upgrades an older schema first (:func:`ensure_current`) and turns
every database failure into a one-line :class:`~plantwarden.errors.StoreError`.

Only the commands that record new analyses create a store (``create=True``: ``db upgrade``,
``analyze``, ``site load``, storing a baseline or alerts): a mistyped ``--db`` must not
become a new empty store that answers "no alerts". Nothing is ever created inside a
database that holds tables of another application, and the SQLite file of one is looked at
read-only first (:func:`_probe`), so it stays byte-identical. A store the user cannot
write is read read-only; writing commands call :func:`check_writable` before any work.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from plantwarden import jsonout
from plantwarden.errors import StoreError
from plantwarden.store import migrate
from plantwarden.store.types import JsonText

USAGE = "use sqlite:///file.db or postgresql+psycopg://user@host/db"

__all__ = [
    "check_writable",
    "connected",
    "describe",
    "ensure_current",
    "open_engine",
    "store_errors",
    "upgrade",
]

PG_CONNECT_TIMEOUT_S = 10
SQLITE_BUSY_TIMEOUT_S = 30
#: Execution option of a writing transaction: SQLite takes the write lock at BEGIN (``BEGIN
#: IMMEDIATE``), so concurrent writers wait for each other instead of failing with "locked".
WRITE_OPTION = "plantwarden_writes"
WRITES = "this command writes to it"


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


def _sqlite_events(engine: Engine, read_only: bool = False) -> None:
    """Foreign keys and WAL on every connection; real BEGIN/COMMIT (DDL included).

    A read-only connection leaves the journal mode as the file has it (setting it is a write)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # pysqlite must not issue its own BEGINs
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if not read_only:
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


def open_engine(url: str, *, read_only: bool = False) -> Engine:
    """An engine for a store URL (nothing is connected yet).

    JSON columns go through orjson (:func:`plantwarden.jsonout.to_bytes`,
    :func:`~plantwarden.jsonout.loads`): text on SQLite, bytes handed to psycopg.
    ``read_only`` opens a SQLite file read-only (:func:`_read_only_url`).
    """
    parsed = _parse(url)
    read_only = read_only and parsed.get_backend_name() == "sqlite" and sqlite_path(parsed) is not None
    if read_only:
        parsed = _read_only_url(parsed)
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
        _sqlite_events(engine, read_only)
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


# --- where a store is, and what a database holds --------------------------------------------


def _truthy(value: Any) -> bool:
    value = value[-1] if isinstance(value, tuple) else value
    return str(value).lower() in ("1", "true", "yes", "on")


def sqlite_path(url: str | URL) -> Path | None:
    """The file of a SQLite URL (``sqlite:///f.db`` or ``sqlite:///file:f.db?mode=ro&uri=true``);
    None for an in-memory database or another backend."""
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if _truthy(parsed.query.get("uri", "")) and database.startswith("file:"):
        database = unquote(database.removeprefix("file:").split("?", 1)[0].split("#", 1)[0])
        if database.startswith("//"):  # file://host/path: only the local form is used here
            database = "/" + database[2:].split("/", 1)[-1]
    if database in ("", ":memory:") or str(parsed.query.get("mode", "")) == "memory":
        return None
    return Path(database)


def _where(url: str | URL) -> str:
    """The store as named in messages: a SQLite store by its file, others by URL."""
    path = sqlite_path(url)
    return str(path) if path is not None else describe(url)


def no_store_message(url: str | URL) -> str:
    return f"no plantwarden store at {_where(url)} (run `plantwarden db upgrade` or check --db)"


def _read_only_url(parsed: URL) -> URL:
    """The URL that opens a SQLite file read-only without writing next to it.

    ``immutable=1`` when no write-ahead log is beside the file (a store plantwarden closed
    cleanly): SQLite then needs neither a lock nor a ``-shm`` file, which a read-only folder
    could not hold. With a ``-wal`` file present (a writer is running, or crashed) ``mode=ro``
    so that its pages are read too."""
    path = sqlite_path(parsed)
    assert path is not None
    query = {k: v for k, v in parsed.query.items() if k not in ("mode", "immutable", "uri")}
    query["uri"] = "true"
    query["mode"] = "ro"
    if not Path(f"{path}-wal").exists():
        query["immutable"] = "1"
    return parsed.set(database="file:" + quote(str(path.resolve())), query=query)


@dataclass(frozen=True, slots=True)
class Probe:
    """What a database holds, seen without changing it."""

    exists: bool
    tables: tuple[str, ...]
    revision: str | None


def _our_tables() -> frozenset[str]:
    from plantwarden.store import detect_models  # noqa: F401  (registers the detection tables)
    from plantwarden.store.models import Base

    return frozenset(Base.metadata.tables) | {migrate.VERSION_TABLE}


def _probe(engine: Engine) -> Probe:
    """The tables and schema revision of the store, read without writing a byte.

    A SQLite file is opened by the standard library read-only (the engine's own connections
    would switch it to WAL, a write); a missing file is not created."""
    path = sqlite_path(engine.url)
    if path is None:
        _check_reachable(engine)
        with store_errors(engine.url, "read the schema revision of"), engine.connect() as conn:
            tables = tuple(sorted(inspect(conn).get_table_names()))
            revision = migrate.current_revision(conn) if migrate.VERSION_TABLE in tables else None
        return Probe(True, tables, revision)
    if not path.exists():
        return Probe(False, (), None)
    try:
        with closing(_sqlite_ro(path)) as conn:
            tables = tuple(
                sorted(
                    row[0]
                    for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                    if not str(row[0]).startswith("sqlite_")
                )
            )
            revision = None
            if migrate.VERSION_TABLE in tables:
                found = [row[0] for row in conn.execute(f"SELECT version_num FROM {migrate.VERSION_TABLE}")]
                if len(found) > 1:
                    raise StoreError(
                        f"the store records several schema revisions ({', '.join(sorted(found))})"
                    )
                revision = found[0] if found else None
    except sqlite3.Error as exc:
        raise StoreError(f"cannot connect to {describe(engine.url)}: {reason(exc)}") from exc
    return Probe(True, tables, revision)


def _sqlite_ro(path: Path) -> sqlite3.Connection:
    url = _read_only_url(make_url(f"sqlite:///{path}"))
    query = "&".join(f"{k}={v}" for k, v in url.query.items() if k != "uri")
    return sqlite3.connect(f"{url.database}?{query}", uri=True, timeout=SQLITE_BUSY_TIMEOUT_S)


def _refuse_foreign(url: str | URL, probe: Probe) -> None:
    """Never put plantwarden's tables inside another application's database."""
    foreign = [t for t in probe.tables if t not in _our_tables()]
    ours = [t for t in probe.tables if t in _our_tables()]
    if not foreign or (probe.revision is not None and ours != [migrate.VERSION_TABLE]):
        return
    few = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
    raise StoreError(
        f"{_where(url)} is not a plantwarden store: it holds other tables ({few}); "
        "plantwarden creates its store only in an empty database: check --db"
    )


def _ensure(engine: Engine, create: bool = False) -> str:
    probe = _probe(engine)
    _refuse_foreign(engine.url, probe)
    if probe.revision is None:
        if not create:
            raise StoreError(no_store_message(engine.url))
        _check_reachable(engine)
        return _upgrade(engine)
    migrate.check_known(probe.revision, describe(engine.url))
    if probe.revision == migrate.head_revision():
        return probe.revision
    return _upgrade(engine)


@contextmanager
def migrating(engine: Engine) -> Iterator[Connection]:
    """A writing transaction for Alembic; on SQLite with foreign keys off, checked at the end.

    SQLite ALTERs by copying a table and dropping the old one (Alembic's batch mode); with
    foreign keys on, dropping ``captures`` would cascade into its conversations. The pragma
    is a no-op inside a transaction, so it is set on the driver's connection before BEGIN,
    and every foreign key is checked before the commit (a violation rolls all back)."""
    with engine.execution_options(**{WRITE_OPTION: True}).connect() as conn:
        driver = conn.connection.driver_connection if conn.dialect.name == "sqlite" else None
        if driver is not None:
            driver.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                yield conn
                if driver is not None:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise StoreError(f"the migration left {len(broken)} rows without their parent")
        finally:
            if driver is not None:
                driver.execute("PRAGMA foreign_keys=ON")


def _upgrade(engine: Engine) -> str:
    if _is_read_only_url(engine.url):
        raise StoreError(
            f"the store {_where(engine.url)} is read-only and at an older schema revision than this "
            f"plantwarden's ({migrate.head_revision()}): run `plantwarden db upgrade` once with write access"
        )
    with store_errors(engine.url, "upgrade"):
        try:
            with migrating(engine) as conn:
                return migrate.upgrade_connection(conn)
        except SQLAlchemyError:
            with engine.connect() as conn:  # another process may have upgraded meanwhile
                if migrate.current_revision(conn) == migrate.head_revision():
                    return migrate.head_revision()
            raise


# --- read-only stores -------------------------------------------------------------------------


def _is_read_only_url(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and (
        str(url.query.get("mode", "")) == "ro" or _truthy(url.query.get("immutable", ""))
    )


def _sqlite_not_writable(url: URL) -> str | None:
    """Why this user cannot write the SQLite store (or create it), else None."""
    path = sqlite_path(url)
    if path is None:
        return None
    if _is_read_only_url(url):
        return "its URL opens it read-only"
    folder = path.resolve().parent if path.exists() else path.absolute().parent
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is not writable"
    if folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK):
        # SQLite writes its journal (-wal, -shm) beside the file
        return f"its folder {folder} is not writable"
    return None


def _pg_not_writable(engine: Engine, probe: Probe) -> str | None:
    """Why this role cannot write the PostgreSQL store (or create it), else None."""
    checks = [
        ("current_setting('transaction_read_only') = 'on'", "the session is read-only"),
        ("pg_is_in_recovery()", "the server is a read-only standby"),
    ]
    if probe.revision is not None:
        checks.append(("NOT has_table_privilege('captures', 'INSERT')", "this role cannot insert into it"))
    else:
        checks.append(
            ("NOT has_schema_privilege(current_schema(), 'CREATE')", "this role cannot create tables")
        )
    with store_errors(engine.url, "check write access to"), engine.connect() as conn:
        for condition, why in checks:
            if conn.execute(text(f"SELECT {condition}")).scalar():
                return why
    return None


def check_writable(url: str, *, create: bool = False, later: bool = False) -> None:
    """Refuse, before any work, a store this user cannot write (StoreError, exit 2).

    Writing commands call it first, so that a read-only store is reported before a capture
    is analysed. ``create=True`` (commands that record new analyses) also creates a missing
    store or migrates an older one now (``later=True``: only checks that it can be, for a
    command whose first write creates it, so that a run that analyses nothing leaves no
    empty store behind); otherwise a missing store is refused."""
    engine = open_engine(url)
    try:
        path = sqlite_path(engine.url)
        probe = _probe(engine)
        _refuse_foreign(engine.url, probe)
        if not probe.exists and not create:
            raise StoreError(no_store_message(engine.url))
        why = _sqlite_not_writable(engine.url) if path is not None else None
        if why is None and path is None and engine.url.get_backend_name() == "postgresql":
            why = _pg_not_writable(engine, probe)
        if why is not None:
            raise StoreError(f"the store {_where(engine.url)} is read-only ({why}); {WRITES}")
        if create and not (later and not probe.exists):
            _ensure(engine, create=True)
        elif not create and probe.revision is None:
            raise StoreError(no_store_message(engine.url))
    finally:
        engine.dispose()


def _reads_only(url: str) -> bool:
    """Whether a reading command must open this store read-only (a SQLite file it cannot write)."""
    parsed = _parse(url)
    path = sqlite_path(parsed)
    return path is not None and path.exists() and _sqlite_not_writable(parsed) is not None


@contextmanager
def connected(url: str, *, writes: bool = False, create: bool = False) -> Iterator[Engine]:
    """An engine on a store whose schema is at head; disposed of at the end.

    ``writes=True`` marks its transactions as writing ones (see :data:`WRITE_OPTION`) and
    refuses a read-only store first. ``create=True`` creates a missing store (the commands
    that record new analyses); otherwise a missing store, or a database without
    plantwarden's schema, is a StoreError. A SQLite file this user cannot write is opened
    read-only for reading.
    """
    if writes or create:
        check_writable(url, create=create)
    engine = open_engine(url, read_only=not (writes or create) and _reads_only(url))
    try:
        _ensure(engine, create)
        with store_errors(engine.url):
            yield engine.execution_options(**{WRITE_OPTION: writes})
    finally:
        engine.dispose()


def ensure_current(url: str) -> str:
    """Create a missing store or upgrade an older one to head (``db upgrade``); refuse one from
    a newer plantwarden, or a database of another application. Returns the revision."""
    engine = open_engine(url)
    try:
        return _ensure(engine, create=True)
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
        with store_errors(engine.url, "downgrade"), migrating(engine) as conn:
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
