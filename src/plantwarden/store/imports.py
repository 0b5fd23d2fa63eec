"""Importing one capture's analysis in one transaction.

The rule (docs/store.md): a capture's rows land together or not at all. Everything
:func:`write_capture` does runs inside the caller's transaction, so an exception anywhere
(bad data refused by a constraint, a crash) rolls the store back to exactly what it was.

Captures are keyed by the SHA-256 of their file. Importing an identical analysis again
changes nothing; a different analysis of the same file replaces that capture's rows (its id
is kept); a different file only adds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, defer

from plantwarden import __version__, jsonout
from plantwarden.errors import InputError
from plantwarden.store.capture_doc import (
    CONVERSATION_COLUMNS,
    CaptureDoc,
    HostEntry,
    HostKind,
    parse_capture_doc,
)
from plantwarden.store.captures import capture_documents, list_captures
from plantwarden.store.engine import connected, reason
from plantwarden.store.models import Anomaly, Capture, CaptureHost, Conversation, Host
from plantwarden.store.sites import writable
from plantwarden.store.types import JsonText, utc_now

__all__ = ["capture_documents", "list_captures", "record_capture", "write_capture"]

CHUNK = 500  # ids per IN (...) list, well under SQLite's and PostgreSQL's parameter limits
ANOMALY_COLUMNS = ("name", "frame", "ts", "src", "dst", "detail")


def record_capture(db_url: str, doc: dict[str, Any], site: int | None = None) -> int:
    """Validate and import one capture's analysis document into a site (its id; None: the
    store's only site, see :func:`plantwarden.store.sites.resolve`); returns the capture's id."""
    capture = parse_capture_doc(doc)
    site_id = writable(db_url, site)
    with connected(db_url, writes=True, create=True) as engine, Session(engine) as session:
        try:
            with session.begin():
                queued = _queue(session, site_id)
                return write_capture(session, capture, doc, site_id=site_id, on_change=queued)
        except IntegrityError as exc:
            raise InputError(
                f"capture {capture.name}: the store refused the analysis ({reason(exc)}); nothing was stored"
            ) from exc


def _queue(session: Session, site_id: int) -> Callable[[Any], None]:
    """On a sensor's store, a changed capture is queued for the central in the same transaction."""
    from plantwarden.sensors.outbox import queue

    def changed(stored: Any) -> None:
        queue(session, site_id, "capture", stored if isinstance(stored, JsonText) else dict(stored))

    return changed


def write_capture(
    session: Session,
    capture: CaptureDoc,
    document: dict[str, Any] | None = None,
    *,
    site_id: int,
    on_change: Callable[[Any], None] | None = None,
) -> int:
    """Write one validated capture of a site inside the session's open transaction.

    ``document`` is the whole analysis document as given (kept for inventory and reports);
    ``on_change`` is given its stored JSON when the capture was added or changed.
    """
    if document is None:
        fingerprint, stored = capture.fingerprint(), capture.model_dump(mode="json")
    else:
        fingerprint, stored = _serialised(document)
    query = select(Capture).where(Capture.site_id == site_id, Capture.sha256 == capture.sha256.lower())
    existing = session.scalars(query.options(defer(Capture.document))).first()  # not the old document
    if existing is not None and existing.analysis_sha256 == fingerprint:
        return existing.id
    old_hosts = _clear(session, existing.id) if existing is not None else set()
    row = existing or Capture(site_id=site_id, sha256=capture.sha256.lower())
    _fill(row, capture, fingerprint)
    row.document = stored
    if on_change is not None:
        on_change(stored)
    session.add(row)
    session.flush()
    links = _host_links(session, site_id, row.id, capture)
    touched = old_hosts | {link["host_id"] for link in links}
    _lock_hosts(session, touched)
    if links:
        session.execute(insert(CaptureHost), links)
    _insert_children(session, row.id, capture)
    _refresh_hosts(session, touched)
    return row.id


INVOCATION_KEYS = ("path", "schema")  # depend on how plantwarden was invoked, not on the capture


def _serialised(document: dict[str, Any]) -> tuple[str, Any]:
    """The document's fingerprint and its stored form, from one serialisation.

    The fingerprint is the SHA-256 of the JSON of the whole document less
    :data:`INVOCATION_KEYS`; the stored form is that same JSON with those keys in front
    (:class:`~plantwarden.store.types.JsonText`, written to the column as it is). The
    fingerprint is hashed out of the stored bytes: no second copy of a long analysis.
    """
    extra = {k: document[k] for k in INVOCATION_KEYS if k in document}
    rest = {k: v for k, v in document.items() if k not in INVOCATION_KEYS}
    if not extra or not rest:
        body = jsonout.to_bytes(rest)
        return hashlib.sha256(body).hexdigest(), JsonText(jsonout.to_bytes(document) if extra else body)
    head = jsonout.to_bytes(extra)[:-1] + b","  # b'{"path":...,'
    stored = jsonout.to_bytes({**extra, **rest})
    if not stored.startswith(head):  # not orjson's form (a standard-library fallback)
        body = jsonout.to_bytes(rest)
        return hashlib.sha256(body).hexdigest(), JsonText(head + body[1:])
    digest = hashlib.sha256(b"{")
    digest.update(memoryview(stored)[len(head) :])
    return digest.hexdigest(), JsonText(stored)


def _fill(row: Capture, capture: CaptureDoc, fingerprint: str) -> None:
    row.name = capture.name
    row.size = capture.size
    row.packets = capture.packets
    row.byte_count = capture.bytes
    row.first_ts = capture.first_ts
    row.last_ts = capture.last_ts
    row.skipped = [entry.model_dump(mode="json") for entry in capture.skipped]
    row.protocols = capture.protocols
    row.analysed_at = utc_now()
    row.plantwarden_version = capture.plantwarden_version or __version__
    row.analysis_sha256 = fingerprint


def _clear(session: Session, capture_id: int) -> set[int]:
    """Remove a capture's child rows; returns the hosts it was linked to."""
    hosts = set(session.scalars(select(CaptureHost.host_id).where(CaptureHost.capture_id == capture_id)))
    for model in (Conversation, Anomaly, CaptureHost):
        session.execute(delete(model).where(model.capture_id == capture_id))
    return hosts


def _unique(entries: Iterable[HostEntry]) -> dict[str, HostEntry]:
    seen: dict[str, HostEntry] = {}
    for entry in entries:
        seen.setdefault(entry.address, entry)
    return seen


def _host_ids(session: Session, site_id: int, kind: HostKind, addresses: list[str]) -> dict[str, int]:
    """Ids of the site's hosts of one kind, created where missing (safe against a concurrent import)."""
    if addresses:
        insert_new = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        statement = insert_new(Host).on_conflict_do_nothing(index_elements=["site_id", "kind", "address"])
        session.execute(statement, [{"site_id": site_id, "kind": kind, "address": a} for a in addresses])
    found: dict[str, int] = {}
    for start in range(0, len(addresses), CHUNK):
        chunk = addresses[start : start + CHUNK]
        query = select(Host.address, Host.id).where(
            Host.site_id == site_id, Host.kind == kind, Host.address.in_(chunk)
        )
        found.update({address: host_id for address, host_id in session.execute(query)})
    return found


def _host_links(session: Session, site_id: int, capture_id: int, capture: CaptureDoc) -> list[dict[str, Any]]:
    """The capture_hosts rows of a capture (its hosts are created where missing)."""
    links: list[dict[str, Any]] = []
    for kind, entries in capture.hosts.by_kind().items():
        unique = _unique(entries)
        ids = _host_ids(session, site_id, kind, sorted(unique))  # one lock order for concurrent imports
        links += [
            {"capture_id": capture_id, "host_id": ids[a], **e.model_dump(exclude={"address"})}
            for a, e in unique.items()
        ]
    return links


def _chunks(ids: set[int]) -> list[list[int]]:
    ordered = sorted(ids)
    return [ordered[start : start + CHUNK] for start in range(0, len(ordered), CHUNK)]


def _lock_hosts(session: Session, host_ids: set[int]) -> None:
    """Lock the hosts this import changes, in id order, before linking to them.

    On PostgreSQL concurrent imports sharing hosts then queue here (no deadlock between their
    foreign-key locks), and each later statement sees the links the earlier import committed.
    SQLite has one writer at a time anyway (``BEGIN IMMEDIATE``) and ignores FOR UPDATE.
    """
    for chunk in _chunks(host_ids):
        session.execute(select(Host.id).where(Host.id.in_(chunk)).order_by(Host.id).with_for_update())


def _insert_children(session: Session, capture_id: int, capture: CaptureDoc) -> None:
    """Conversations and anomalies, as plain tuples (a long capture has 100,000 rows):
    ``COPY`` on PostgreSQL, ``executemany`` on SQLite, inside the session's transaction."""
    conversations = (
        (capture_id, r["src"], r["dst"], r["proto"], r["code"], r["count"], r["first_ts"], r["last_ts"])
        for r in capture.conversation_rows
    )
    _insert_rows(session, Conversation.__tablename__, CONVERSATION_COLUMNS, conversations)
    anomalies = ((capture_id, *(getattr(entry, c) for c in ANOMALY_COLUMNS)) for entry in capture.anomalies)
    _insert_rows(session, Anomaly.__tablename__, ANOMALY_COLUMNS, anomalies)


def _insert_rows(
    session: Session, table: str, columns: tuple[str, ...], rows: Iterator[tuple[Any, ...]]
) -> None:
    """Insert ``(capture_id, *columns)`` rows with the driver's fastest bulk path.

    The driver's errors are raised as SQLAlchemy's (an IntegrityError for a refused row), as
    a Core insert would raise them.
    """
    connection = session.connection()
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(c) for c in ("capture_id", *columns))
    driver = connection.connection.driver_connection
    if dialect.name == "postgresql":
        statement = f"COPY {quote(table)} ({names}) FROM STDIN"
        run = _copy_rows
    else:
        marks = ", ".join("?" for _ in range(len(columns) + 1))
        statement = f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"
        run = _executemany_rows
    try:
        run(driver, statement, rows)
    except dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(statement, None, exc, dialect.loaded_dbapi.Error, dialect=dialect) from exc


def _copy_rows(driver: Any, statement: str, rows: Iterator[tuple[Any, ...]]) -> None:
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _executemany_rows(driver: Any, statement: str, rows: Iterator[tuple[Any, ...]]) -> None:
    cursor = driver.cursor()
    try:
        cursor.executemany(statement, rows)  # sqlite3 takes the rows one by one from the iterator
    finally:
        cursor.close()


def _refresh_hosts(session: Session, host_ids: set[int]) -> None:
    """Recompute each host's aggregate over its captures; drop hosts no capture shows any more."""
    for chunk in _chunks(host_ids):
        mine = CaptureHost.host_id == Host.id
        session.execute(
            update(Host)
            .where(Host.id.in_(chunk))
            .values(
                first_seen=select(func.min(CaptureHost.first_seen)).where(mine).scalar_subquery(),
                last_seen=select(func.max(CaptureHost.last_seen)).where(mine).scalar_subquery(),
                packets=select(func.sum(CaptureHost.packets)).where(mine).scalar_subquery(),
            )
            .execution_options(synchronize_session=False)
        )
        orphan = ~select(CaptureHost.host_id).where(mine).exists()
        session.execute(
            delete(Host).where(Host.id.in_(chunk), orphan).execution_options(synchronize_session=False)
        )
