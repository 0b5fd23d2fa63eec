"""The append-only, hash-chained audit log: every change, who, when, what and why.

Each entry's ``hash`` is the SHA-256 of a canonical encoding of the entry (sequence number,
time, actor, site, action, target, why, details) and of the hash of the entry before
(``prev_hash``; 64 zeros for the first). Editing or deleting an entry in the database breaks
the chain at that entry, which :func:`verify` reports. Removing the newest entries leaves a
shorter valid chain: compare the head :func:`verify` prints with one noted elsewhere.

Appends are serialised: SQLite's writing transactions start with ``BEGIN IMMEDIATE``
(:data:`plantwarden.store.engine.WRITE_OPTION`); on PostgreSQL a transaction-scoped advisory
lock is taken before the chain's head is read, so concurrent writers never fork the chain.
"""

from __future__ import annotations

import getpass
import hashlib
import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, text
from sqlalchemy.orm import Session

from plantwarden.people.models import AuditEntry
from plantwarden.store.engine import connected
from plantwarden.store.models import Site
from plantwarden.store.types import utc_now

GENESIS = "0" * 64
#: The advisory lock key of the chain's head on PostgreSQL ("pwaudit" in ASCII).
PG_LOCK_KEY = 0x70776175646974


#: How a change made on the command line is told in its audit entry's details (the API and
#: the pages say ``token`` or ``session``: :func:`plantwarden.web.changes.how`).
VIA_CLI: dict[str, Any] = {"via": "cli"}


def os_actor(by: str | None = None) -> str:
    """Who acts on the command line: ``--by`` when given, else the operating-system user."""
    if by is not None and by.strip():
        return by.strip()
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment or the password database
        return "unknown"


def canonical(
    seq: int,
    ts: datetime,
    actor: str,
    site_id: int | None,
    action: str,
    target: str,
    why: str,
    details: dict[str, Any],
    prev_hash: str,
) -> bytes:
    """The bytes an entry's hash covers: keys sorted, no spaces, UTF-8, the time in ISO 8601 UTC."""
    body = {
        "seq": seq,
        "ts": ts.isoformat(timespec="microseconds"),
        "actor": actor,
        "site_id": site_id,
        "action": action,
        "target": target,
        "why": why,
        "details": details,
        "prev_hash": prev_hash,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def entry_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(
        canonical(
            entry.seq,
            entry.ts,
            entry.actor,
            entry.site_id,
            entry.action,
            entry.target,
            entry.why,
            entry.details,
            entry.prev_hash,
        )
    ).hexdigest()


def append(
    session: Session,
    actor: str,
    action: str,
    target: str,
    *,
    site_id: int | None = None,
    why: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an entry inside the caller's writing transaction (committed with the change)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_LOCK_KEY})
    newest = select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    head = session.execute(newest).first()
    seq, prev = (head.seq + 1, head.hash) if head is not None else (1, GENESIS)
    # the stored time is what is read back (microseconds, UTC), so the hash is computed on it
    entry = AuditEntry(
        seq=seq,
        ts=utc_now(),
        actor=actor,
        site_id=site_id,
        action=action,
        target=target,
        why=why,
        details=json.loads(json.dumps(details or {}, sort_keys=True)),
        prev_hash=prev,
        hash="",
    )
    entry.hash = entry_hash(entry)
    session.add(entry)
    session.flush()
    return entry


def record(
    db_url: str,
    actor: str,
    action: str,
    target: str,
    *,
    site_id: int | None = None,
    why: str = "",
    details: dict[str, Any] | None = None,
) -> None:
    """Append an entry in a transaction of its own (after a change another module committed)."""
    with connected(db_url, writes=True) as engine, Session(engine) as session, session.begin():
        append(session, actor, action, target, site_id=site_id, why=why, details=details)


@dataclass(frozen=True, slots=True)
class AuditRow:
    seq: int
    ts: datetime
    actor: str
    site: str | None
    action: str
    target: str
    why: str
    details: dict[str, Any]
    hash: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "ts": self.ts.isoformat(),
            "actor": self.actor,
            "site": self.site,
            "action": self.action,
            "target": self.target,
            "why": self.why,
            "details": self.details,
            "hash": self.hash,
        }


def entries_query(
    site_ids: Collection[int] | None = None, since: datetime | None = None, action: str | None = None
) -> Select[AuditEntry, str]:
    """The entries with their site's name, unordered (the caller orders and pages them); of
    those sites only when ``site_ids`` is given (the store-wide entries are then left out)."""
    query = select(AuditEntry, Site.name).outerjoin(Site, Site.id == AuditEntry.site_id)
    if site_ids is not None:
        query = query.where(AuditEntry.site_id.in_(sorted(site_ids)))
    if since is not None:
        query = query.where(AuditEntry.ts >= since)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    return query


def row_of(entry: AuditEntry, site_name: str | None) -> AuditRow:
    e = entry
    return AuditRow(e.seq, e.ts, e.actor, site_name, e.action, e.target, e.why, e.details, e.hash)


def entries(db_url: str, site_id: int | None = None, since: datetime | None = None) -> list[AuditRow]:
    """The entries, oldest first; of one site (and the store-wide ones are left out) when given."""
    query = entries_query(None if site_id is None else [site_id], since).order_by(AuditEntry.seq)
    with connected(db_url) as engine, Session(engine) as session:
        return [row_of(e, name) for e, name in session.execute(query)]


@dataclass(frozen=True, slots=True)
class Verdict:
    """The chain walked: how many entries, the head's hash, and the first broken link if any."""

    count: int
    head: str
    broken_at: int | None = None
    problem: str | None = None


def verify(db_url: str) -> Verdict:
    """Walk the whole chain in order; stop at the first entry whose link or hash is wrong."""
    with connected(db_url) as engine, Session(engine) as session:
        total = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
        prev, expected, count = GENESIS, 1, 0
        for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).yield_per(1000):
            if entry.seq != expected:
                return Verdict(count, prev, expected, f"entry {expected} is missing (next is {entry.seq})")
            if entry.prev_hash != prev:
                return Verdict(count, prev, entry.seq, f"entry {entry.seq} does not link to the entry before")
            if entry_hash(entry) != entry.hash:
                return Verdict(count, prev, entry.seq, f"entry {entry.seq} was changed after it was written")
            prev, expected, count = entry.hash, expected + 1, count + 1
        assert count == total
        return Verdict(count, prev)
