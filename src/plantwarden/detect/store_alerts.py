"""Alerts in the store: recording (merging with open ones), listing, lifecycle actions, mutes.

Recording a run's alerts merges each into a stored alert of the same rule, source and
destination that is not closed and whose last detection is within the merge window of it
(count added, times widened, evidence appended); the same alert recorded again (same id, a
capture analysed twice) changes nothing. Nothing is ever deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select, tuple_
from sqlalchemy.orm import Session

from plantwarden.detect.alerts import ACTIONS
from plantwarden.detect.model import MERGE_WINDOW_S, Alert, Severity
from plantwarden.errors import NotFoundError, UsageError
from plantwarden.store.detect_models import DetectAlert, DetectAlertEvent, DetectMute
from plantwarden.store.engine import connected
from plantwarden.store.types import utc_now


def record_alerts(
    db_url: str, alerts: list[Alert], documents: dict[int, dict[str, Any]] | None = None
) -> list[Alert]:
    """Store a run's alerts in one transaction; returns them as stored (merged ids and counts).

    The stored alerts a run can touch (same ids; open alerts of the same rule, source and
    destination) are read in a few queries first, then every alert is merged in memory in
    order, as if each were recorded on its own. ``documents``: alerts' JSON already made, by
    ``id(alert)`` (a new alert is stored as it is)."""
    out: list[Alert] = []
    with connected(db_url, writes=True, create=True) as engine, Session(engine) as session, session.begin():
        by_id, open_rows = _candidates(session, alerts)
        now = utc_now()
        fresh: list[NewRow] = []  # new rows, inserted together at the end
        for alert in alerts:
            out.append(_record(alert, by_id, open_rows, now, fresh, documents or {}))
        if fresh:  # one executemany INSERT of plain rows: as ORM objects, with a unit of work
            # per row, 3,125 alerts took 0.3 s; as ORM objects in one bulk INSERT, 3,276 took
            # 0.28 s, mostly the objects' attribute instrumentation (2026-12-07)
            session.execute(insert(ALERTS), [_columns(row) for row in fresh])
    return out


@dataclass(slots=True)
class NewRow:
    """A new alert's row (the columns of :class:`DetectAlert`), until the run's INSERT."""

    alert_id: str
    created_at: datetime
    updated_at: datetime
    rule: str = ""
    severity: str = ""
    state: str = ""
    src: str = ""
    dst: str = ""
    first_ts: float = 0.0
    last_ts: float = 0.0
    count: int = 0
    document: dict[str, Any] = field(default_factory=dict)


Key = tuple[str, str, str]
Row = DetectAlert | NewRow
ALERTS = cast(Table, DetectAlert.__table__)
CHUNK = 400  # ids or keys per query (bound parameters stay well under SQLite's limit)


def _candidates(
    session: Session, alerts: list[Alert]
) -> tuple[dict[str, Row], dict[Key, list[Row]]]:
    ids = sorted({a.id for a in alerts})
    keys = sorted({(a.rule, a.src, a.dst) for a in alerts})
    by_id: dict[str, Row] = {}
    open_rows: dict[Key, list[Row]] = {}
    with session.no_autoflush:
        for i in range(0, len(ids), CHUNK):
            chunk = ids[i : i + CHUNK]
            for row in session.scalars(select(DetectAlert).where(DetectAlert.alert_id.in_(chunk))):
                by_id[row.alert_id] = row
        for i in range(0, len(keys), CHUNK):
            query = select(DetectAlert).where(
                tuple_(DetectAlert.rule, DetectAlert.src, DetectAlert.dst).in_(keys[i : i + CHUNK]),
                DetectAlert.state != "closed",
            )
            for row in session.scalars(query):
                open_rows.setdefault((row.rule, row.src, row.dst), []).append(row)
    return by_id, open_rows


def _record(
    alert: Alert,
    by_id: dict[str, Row],
    open_rows: dict[Key, list[Row]],
    now: datetime,
    fresh: list[NewRow],
    documents: dict[int, dict[str, Any]],
) -> Alert:
    """Merge ``alert`` into a stored (or this run's) open alert, or add it to ``fresh``: a row
    not yet in the session, which later alerts of the run may still merge into."""
    same = by_id.get(alert.id)
    if same is not None:
        return Alert.from_json(same.document)
    rows = open_rows.setdefault((alert.rule, alert.src, alert.dst), [])
    for row in sorted(rows, key=lambda r: r.last_ts, reverse=True):
        if alert.first_ts - row.last_ts <= MERGE_WINDOW_S and row.first_ts - alert.last_ts <= MERGE_WINDOW_S:
            merged = _merge(Alert.from_json(row.document), alert)
            _write(row, merged)
            row.updated_at = now
            return merged
    new = NewRow(alert.id, now, now)
    _write(new, alert, documents.get(id(alert)))
    fresh.append(new)
    by_id[alert.id] = new
    rows.append(new)
    return alert


def _columns(row: NewRow) -> dict[str, Any]:
    """A new row's columns for the bulk INSERT."""
    return {
        "alert_id": row.alert_id, "rule": row.rule, "severity": row.severity, "state": row.state,
        "src": row.src, "dst": row.dst, "first_ts": row.first_ts, "last_ts": row.last_ts,
        "count": row.count, "document": row.document,
        "created_at": row.created_at, "updated_at": row.updated_at,
    }


def _merge(stored: Alert, new: Alert) -> Alert:
    stored.count += new.count
    stored.first_ts, stored.last_ts = min(stored.first_ts, new.first_ts), max(stored.last_ts, new.last_ts)
    stored.severity = max(stored.severity, new.severity)
    stored.evidence.extend(e for e in new.evidence if e.frames)
    stored.details.extend(d for d in new.details if d not in stored.details)
    stored.learn.extend(h for h in new.learn if h not in stored.learn)
    return stored


def _write(row: Row, alert: Alert, document: dict[str, Any] | None = None) -> None:
    row.rule, row.src, row.dst = alert.rule, alert.src, alert.dst
    row.severity, row.state = alert.severity.label, alert.state
    row.first_ts, row.last_ts, row.count = alert.first_ts, alert.last_ts, alert.count
    row.document = document if document is not None else alert.to_json()


def list_alerts(db_url: str, state: str | None = None, severity: str | None = None) -> list[Alert]:
    """Stored alerts, oldest first; ``severity`` keeps that level and above."""
    floor = Severity.parse(severity) if severity is not None else Severity.INFO
    with connected(db_url) as engine, Session(engine) as session:
        query = select(DetectAlert).order_by(DetectAlert.first_ts, DetectAlert.id)
        if state is not None:
            query = query.where(DetectAlert.state == state)
        alerts = [Alert.from_json(r.document) for r in session.scalars(query)]
    return [a for a in alerts if a.severity >= floor]


def alert_history(db_url: str, alert_id: str) -> list[dict[str, Any]]:
    with connected(db_url) as engine, Session(engine) as session:
        row = _find(session, alert_id)
        events = session.scalars(select(DetectAlertEvent).where(DetectAlertEvent.alert_pk == row.id))
        return [
            {
                "action": e.action,
                "by": e.by_name,
                "why": e.why,
                "at": e.at.isoformat(),
                "state": e.state_after,
            }
            for e in events
        ]


def _find(session: Session, alert_id: str) -> DetectAlert:
    row = session.scalars(select(DetectAlert).where(DetectAlert.alert_id == alert_id)).first()
    if row is None:
        raise NotFoundError(f"no alert {alert_id!r} (see plantwarden alerts)")
    return row


def act(db_url: str, alert_id: str, action: str, by: str, why: str) -> Alert:
    """Record one lifecycle action (ack, close, learn, mute) and return the alert after it."""
    if action not in ACTIONS:
        raise UsageError(f"unknown action {action!r} (expected one of {', '.join(ACTIONS)})")
    if not by.strip() or not why.strip():
        raise UsageError("every alert action needs --by NAME and --why TEXT")
    with connected(db_url, writes=True) as engine, Session(engine) as session, session.begin():
        row = _find(session, alert_id)
        alert = Alert.from_json(row.document)
        before, after = row.state, ACTIONS[action]
        if before == "closed" and action in ("ack", "close"):
            raise UsageError(f"alert {alert_id} is already closed")
        if action == "learn" and not alert.learn:
            raise UsageError(f"rule {alert.rule} has nothing to add to the baseline; mute the alert instead")
        now = utc_now()
        if action == "mute":
            _mute(session, alert, by, why, now)
        alert.state = after
        _write(row, alert)
        row.updated_at = now
        session.add(
            DetectAlertEvent(
                alert_pk=row.id,
                action=action,
                by_name=by,
                why=why,
                at=now,
                state_before=before,
                state_after=after,
            )
        )
        return alert


def _mute(session: Session, alert: Alert, by: str, why: str, now: Any) -> None:
    exists = session.scalars(
        select(DetectMute).where(
            DetectMute.rule == alert.rule, DetectMute.src == alert.src, DetectMute.dst == alert.dst
        )
    ).first()
    if exists is None:
        session.add(DetectMute(rule=alert.rule, src=alert.src, dst=alert.dst, by_name=by, why=why, at=now))


def mutes(db_url: str) -> set[tuple[str, str, str]]:
    with connected(db_url) as engine, Session(engine) as session:
        return {(m.rule, m.src, m.dst) for m in session.scalars(select(DetectMute))}
