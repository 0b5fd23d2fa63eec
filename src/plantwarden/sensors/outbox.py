"""The sensor's outbox: what its analysis stored, queued for the central in the same transaction.

The store functions that record what the central needs (captures with their hosts and
conversations, alerts and their state changes, baselines) call :func:`queue` inside their
own transaction: an item is queued exactly when its rows are stored, and a rollback drops
both. On a store that is not a sensor's, or for another site than the sensor's, nothing is
queued. Items are deleted once the central acknowledged them (:func:`forget_through`).

Bounded on disk: the queued payloads' size never exceeds the identity's cap. Past 80 % of
it every queueing logs a warning; a record that does not fit is refused (:class:`OutboxFull`)
and its whole transaction rolls back, so the new analysis is not stored either and nothing
already queued is lost. Pushing (or exporting) frees the space.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from plantwarden import jsonout
from plantwarden.errors import OutboxFull
from plantwarden.sensors.identity import identity_row
from plantwarden.sensors.models import OutboxItem
from plantwarden.sensors.stores import Store, opened
from plantwarden.store.engine import connected
from plantwarden.store.types import JsonText, utc_now

log = logging.getLogger(__name__)
__all__ = ["OutboxFull", "depth", "forget_through", "peek", "queue"]
WARN_FRACTION = 0.8


def _mib(n: int) -> str:
    return f"{n / (1 << 20):.1f} MiB"


def queue(session: Session, site_id: int, kind: str, payload: dict[str, Any] | JsonText) -> int | None:
    """Queue a record of ``site_id`` inside the caller's transaction; its sequence number, or
    None when this store is not that site's sensor's."""
    row = identity_row(session)
    if row is None or row.site_id != site_id:
        return None
    body = payload if isinstance(payload, JsonText) else JsonText(jsonout.to_bytes(payload))
    used = session.scalar(select(func.coalesce(func.sum(OutboxItem.size), 0))) or 0
    cap = row.outbox_max_bytes
    if used + len(body) > cap:
        raise OutboxFull(
            f"the sensor's outbox is full ({_mib(used)} of {_mib(cap)}; this {kind} needs "
            f"{_mib(len(body))}): nothing of it was stored; push to the central "
            "(plantwarden sensor push) or raise the cap (plantwarden sensor init --outbox-max)"
        )
    if used + len(body) > WARN_FRACTION * cap:
        log.warning(
            "the sensor's outbox is %d %% full (%s of %s): push to the central soon; "
            "when it is full, new analyses are refused",
            round(100 * (used + len(body)) / cap),
            _mib(used + len(body)),
            _mib(cap),
        )
    seq = row.next_seq
    row.next_seq = seq + 1
    stored: Any = body  # written to the JSON column as it is (store.types.JsonText)
    session.add(OutboxItem(seq=seq, kind=kind, payload=stored, created=utc_now(), size=len(body)))
    session.flush()
    return seq


@dataclass(frozen=True, slots=True)
class Queued:
    seq: int
    kind: str
    created: datetime
    payload: dict[str, Any]


def peek(db_url: Store, after: int = 0, max_items: int = 500, max_bytes: int = 8 << 20) -> list[Queued]:
    """The oldest queued items with seq > ``after``: at most ``max_items``, and no more than
    ``max_bytes`` of payload unless the first item alone is larger. ``db_url`` may be an
    engine the caller keeps (the push loop)."""
    found: list[Queued] = []
    total = 0
    with opened(db_url) as engine, Session(engine) as session:
        query = select(OutboxItem.seq, OutboxItem.size).where(OutboxItem.seq > after).order_by(OutboxItem.seq)
        chosen: list[int] = []
        for seq, size in session.execute(query.limit(max_items)):
            if chosen and total + size > max_bytes:
                break
            chosen.append(seq)
            total += size
        if chosen:
            rows = session.scalars(
                select(OutboxItem).where(OutboxItem.seq.in_(chosen)).order_by(OutboxItem.seq)
            )
            found = [Queued(r.seq, r.kind, r.created, r.payload) for r in rows]
    return found


def forget_through(db_url: Store, seq: int) -> int:
    """The central acknowledged everything up to ``seq``: delete those items, note the ack;
    returns how many were deleted."""
    with opened(db_url, writes=True) as engine, Session(engine) as session, session.begin():
        row = identity_row(session)
        if row is None:
            return 0
        gone = session.execute(delete(OutboxItem).where(OutboxItem.seq <= seq))
        count: int = getattr(gone, "rowcount", 0) or 0
        if seq > row.last_ack_seq:
            row.last_ack_seq, row.last_ack_at = seq, utc_now()
        return count


@dataclass(frozen=True, slots=True)
class Depth:
    items: int
    bytes: int
    cap: int
    oldest_seq: int | None
    oldest_at: datetime | None
    newest_seq: int | None


def depth(db_url: str) -> Depth:
    with connected(db_url) as engine, Session(engine) as session:
        row = identity_row(session)
        cap = row.outbox_max_bytes if row is not None else 0
        items, size, first, last = session.execute(
            select(
                func.count(),
                func.coalesce(func.sum(OutboxItem.size), 0),
                func.min(OutboxItem.seq),
                func.max(OutboxItem.seq),
            )
        ).one()
        oldest = session.scalar(select(OutboxItem.created).where(OutboxItem.seq == first)) if first else None
        return Depth(items, size, cap, first, oldest, last)
