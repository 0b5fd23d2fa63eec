"""Alerts in the store: recording (merging with open ones), listing, lifecycle actions, mutes.

Recording a run's alerts merges each into a stored alert of the same rule, source and
destination that is not closed and whose last detection is within the merge window of it
(any time for a new conversation: detect.model.ONCE_PER_PAIR; count added, times widened,
evidence appended); the same alert recorded again (same id, a
capture analysed twice) changes nothing. Nothing is ever deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, or_, select, tuple_
from sqlalchemy.orm import Session

from plantwarden.detect.alerts import ACTIONS
from plantwarden.detect.model import Alert, Severity, merge_window_s
from plantwarden.detect.order import at_risk_per_hour
from plantwarden.errors import NotFoundError, UsageError
from plantwarden.sensors.records import queue_alerts
from plantwarden.store.detect_models import DetectAlert, DetectAlertEvent, DetectMute
from plantwarden.store.engine import connected
from plantwarden.store.sites import resolve, writable
from plantwarden.store.types import utc_now


def record_alerts(
    db_url: str,
    alerts: list[Alert],
    documents: dict[int, dict[str, Any]] | None = None,
    site: int | None = None,
) -> list[Alert]:
    """Store a run's alerts in one transaction; returns them as stored (merged ids and counts).

    The stored alerts a run can touch (same ids; open alerts of the same rule, source and
    destination) are read in a few queries first, then every alert is merged in memory in
    order, as if each were recorded on its own. ``documents``: alerts' JSON already made, by
    ``id(alert)`` (a new alert is stored as it is). ``site``: the site's id (None: the only one)."""
    out: list[Alert] = []
    site_id = writable(db_url, site)
    with connected(db_url, writes=True, create=True) as engine, Session(engine) as session, session.begin():
        by_id, open_rows = _candidates(session, site_id, alerts)
        now = utc_now()
        fresh: list[NewRow] = []  # new rows, inserted together at the end
        for alert in alerts:
            out.append(_record(alert, by_id, open_rows, now, fresh, documents or {}))
        merged = [r for r in session.dirty if isinstance(r, DetectAlert) and session.is_modified(r)]
        if fresh:  # one executemany INSERT of plain rows: as ORM objects, with a unit of work
            # per row, 3,125 alerts took 0.3 s; as ORM objects in one bulk INSERT, 3,276 took
            # 0.28 s, mostly the objects' attribute instrumentation (2026-12-07)
            session.execute(insert(ALERTS), [_columns(row, site_id) for row in fresh])
        queue_alerts(session, site_id, [*merged, *fresh])  # a sensor's store: for the central
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
    severity_rank: int = 0
    at_risk_per_hour: float = 0.0


Key = tuple[str, str, str]
Row = DetectAlert | NewRow
ALERTS = cast(Table, DetectAlert.__table__)
CHUNK = 400  # ids or keys per query (bound parameters stay well under SQLite's limit)


def _candidates(
    session: Session, site_id: int, alerts: list[Alert]
) -> tuple[dict[str, Row], dict[Key, list[Row]]]:
    ids = sorted({a.id for a in alerts})
    keys = sorted({(a.rule, a.src, a.dst) for a in alerts})
    by_id: dict[str, Row] = {}
    open_rows: dict[Key, list[Row]] = {}
    with session.no_autoflush:
        for i in range(0, len(ids), CHUNK):
            chunk = ids[i : i + CHUNK]
            mine = select(DetectAlert).where(DetectAlert.site_id == site_id, DetectAlert.alert_id.in_(chunk))
            for row in session.scalars(mine):
                by_id[row.alert_id] = row
        for i in range(0, len(keys), CHUNK):
            query = select(DetectAlert).where(
                DetectAlert.site_id == site_id,
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
    window = merge_window_s(alert.rule)
    for row in sorted(rows, key=lambda r: r.last_ts, reverse=True):
        if alert.first_ts - row.last_ts <= window and row.first_ts - alert.last_ts <= window:
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


def _columns(row: NewRow, site_id: int) -> dict[str, Any]:
    """A new row's columns for the bulk INSERT."""
    return {
        "site_id": site_id,
        "alert_id": row.alert_id,
        "rule": row.rule,
        "severity": row.severity,
        "state": row.state,
        "src": row.src,
        "dst": row.dst,
        "first_ts": row.first_ts,
        "last_ts": row.last_ts,
        "count": row.count,
        "document": row.document,
        "severity_rank": row.severity_rank,
        "at_risk_per_hour": row.at_risk_per_hour,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
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
    row.severity_rank, row.at_risk_per_hour = int(alert.severity), at_risk_per_hour(alert.impact)
    row.document = document if document is not None else alert.to_json()


@dataclass(frozen=True, slots=True)
class AlertQuery:
    """Filters of ``plantwarden alerts``: any of the states and rules, alerts from or to any
    of the addresses, active in [since, until] (POSIX seconds), at or above a severity."""

    states: frozenset[str] = frozenset()
    rules: frozenset[str] = frozenset()
    addresses: frozenset[str] = frozenset()
    since: float | None = None
    until: float | None = None
    severity: Severity = Severity.INFO


def list_alerts(
    db_url: str,
    state: str | None = None,
    severity: str | None = None,
    query: AlertQuery | None = None,
    site: int | None = None,
) -> list[Alert]:
    """The site's stored alerts, oldest first; ``severity`` keeps that level and above; ``query``
    the ``alerts`` command's filters (already validated: plantwarden.detect.queue)."""
    floor = Severity.parse(severity) if severity is not None else Severity.INFO
    q = query or AlertQuery()
    site_id = resolve(db_url, site)
    with connected(db_url) as engine, Session(engine) as session:
        select_rows = select(DetectAlert).where(DetectAlert.site_id == site_id)
        select_rows = select_rows.order_by(DetectAlert.first_ts, DetectAlert.id)
        if state is not None:
            select_rows = select_rows.where(DetectAlert.state == state)
        if q.states:
            select_rows = select_rows.where(DetectAlert.state.in_(sorted(q.states)))
        if q.rules:
            select_rows = select_rows.where(DetectAlert.rule.in_(sorted(q.rules)))
        if q.addresses:
            chosen = sorted(q.addresses)
            select_rows = select_rows.where(or_(DetectAlert.src.in_(chosen), DetectAlert.dst.in_(chosen)))
        if q.since is not None:
            select_rows = select_rows.where(DetectAlert.last_ts >= q.since)
        if q.until is not None:
            select_rows = select_rows.where(DetectAlert.first_ts <= q.until)
        alerts = [Alert.from_json(r.document) for r in session.scalars(select_rows)]
    floor = max(floor, q.severity)
    return [a for a in alerts if a.severity >= floor]


def alert_history(db_url: str, alert_id: str, site: int | None = None) -> list[dict[str, Any]]:
    site_id = resolve(db_url, site)
    with connected(db_url) as engine, Session(engine) as session:
        return _history(session, _find(session, site_id, alert_id))


def _history(session: Session, row: DetectAlert) -> list[dict[str, Any]]:
    events = session.scalars(
        select(DetectAlertEvent).where(DetectAlertEvent.alert_pk == row.id).order_by(DetectAlertEvent.id)
    )
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


#: Candidates an ambiguous prefix lists at most.
MAX_CANDIDATES = 10


def _find(session: Session, site_id: int | None, alert_id: str) -> DetectAlert:
    """The site's alert whose id is ``alert_id`` or starts with it (case-insensitive): a unique
    prefix is enough, an ambiguous one is an error that lists the candidates. Another site's
    alert is not found."""
    given = alert_id.strip()
    if not given:
        raise UsageError("an alert id is empty (see plantwarden alerts)")
    mine = select(DetectAlert).where(DetectAlert.site_id == site_id)
    row = session.scalars(mine.where(DetectAlert.alert_id == given)).first()
    if row is not None:
        return row
    prefix = given[0].upper() + given[1:].lower()  # ids are "A" and lowercase hex
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    query = (
        mine.where(DetectAlert.alert_id.like(escaped + "%", escape="\\"))
        .order_by(DetectAlert.alert_id)
        .limit(MAX_CANDIDATES + 1)
    )
    rows = list(session.scalars(query))
    if not rows:
        raise NotFoundError(f"no alert {alert_id!r} (see plantwarden alerts)")
    if len(rows) > 1:
        shown = "; ".join(f"{r.alert_id} {r.rule} {r.src} -> {r.dst}" for r in rows[:MAX_CANDIDATES])
        more = " ..." if len(rows) > MAX_CANDIDATES else ""
        raise UsageError(f"alert id {alert_id!r} is ambiguous: {shown}{more}")
    return rows[0]


def find_alert(db_url: str, alert_id: str, site: int | None = None) -> tuple[Alert, list[dict[str, Any]]]:
    """One stored alert of the site by id or unique prefix, with its history (oldest action first)."""
    site_id = resolve(db_url, site)
    with connected(db_url) as engine, Session(engine) as session:
        row = _find(session, site_id, alert_id)
        return Alert.from_json(row.document), _history(session, row)


def act(db_url: str, alert_id: str, action: str, by: str, why: str, site: int | None = None) -> Alert:
    """Record one lifecycle action (ack, close, learn, mute, reopen, unmute) and return the
    alert after it. ``alert_id`` may be a unique prefix."""
    if action not in ACTIONS:
        raise UsageError(f"unknown action {action!r} (expected one of {', '.join(ACTIONS)})")
    if not by.strip() or not why.strip():
        raise UsageError("every alert action needs --by NAME and --why TEXT")
    site_id = resolve(db_url, site)
    with connected(db_url, writes=True) as engine, Session(engine) as session, session.begin():
        row = _find(session, site_id, alert_id)
        alert = Alert.from_json(row.document)
        before = row.state
        after = ACTIONS[action] or before
        _check(session, row, alert, action)
        now = utc_now()
        if action == "mute":
            _mute(session, row.site_id, alert, by, why, now)
        elif action == "unmute":
            # the mute and its lifting stay in the events
            session.delete(_mute_row(session, row.site_id, alert))
        alert.state = after
        _write(row, alert)
        row.updated_at = now
        event = DetectAlertEvent(
            alert_pk=row.id,
            action=action,
            by_name=by,
            why=why,
            at=now,
            state_before=before,
            state_after=after,
        )
        session.add(event)
        queue_alerts(session, row.site_id, [row], [_event(row.alert_id, event)])
        return alert


def _event(alert_id: str, e: DetectAlertEvent) -> dict[str, Any]:
    """A lifecycle event as a sensor queues it (plantwarden.sensors.records)."""
    return {
        "alert_id": alert_id,
        "action": e.action,
        "by": e.by_name,
        "why": e.why,
        "at": e.at.isoformat(),
        "state_before": e.state_before,
        "state_after": e.state_after,
    }


def _check(session: Session, row: DetectAlert, alert: Alert, action: str) -> None:
    """Refuse an action that makes no sense in the alert's state (exit 2, before any change)."""
    if row.state == "closed" and action in ("ack", "close"):
        raise UsageError(
            f"alert {row.alert_id} is already closed (plantwarden alert reopen to open it again)"
        )
    if action == "reopen" and row.state != "closed":
        raise UsageError(f"alert {row.alert_id} is {row.state}, not closed: nothing to reopen")
    if action == "learn" and not alert.learn:
        raise UsageError(f"rule {alert.rule} has nothing to add to the baseline; mute the alert instead")
    if action == "unmute" and _mute_row(session, row.site_id, alert) is None:
        raise UsageError(
            f"rule {alert.rule} is not muted for {alert.src} -> {alert.dst} (see plantwarden mutes)"
        )


def _mute_row(session: Session, site_id: int, alert: Alert) -> DetectMute | None:
    return session.scalars(
        select(DetectMute).where(
            DetectMute.site_id == site_id,
            DetectMute.rule == alert.rule,
            DetectMute.src == alert.src,
            DetectMute.dst == alert.dst,
        )
    ).first()


def _mute(session: Session, site_id: int, alert: Alert, by: str, why: str, now: Any) -> None:
    if _mute_row(session, site_id, alert) is None:
        session.add(
            DetectMute(
                site_id=site_id, rule=alert.rule, src=alert.src, dst=alert.dst, by_name=by, why=why, at=now
            )
        )


def mutes(db_url: str, site: int | None = None) -> set[tuple[str, str, str]]:
    site_id = resolve(db_url, site)
    with connected(db_url) as engine, Session(engine) as session:
        query = select(DetectMute).where(DetectMute.site_id == site_id)
        return {(m.rule, m.src, m.dst) for m in session.scalars(query)}


@dataclass(frozen=True, slots=True)
class MuteInfo:
    """One mute as ``plantwarden mutes`` lists it: the pair, who and why, and the alert it was
    set on (``alert unmute`` takes that id)."""

    rule: str
    src: str
    dst: str
    by: str
    why: str
    at: datetime
    alert_id: str | None


def list_mutes(db_url: str, site: int | None = None) -> list[MuteInfo]:
    """Every mute of the site, oldest first, with the alert whose ``mute`` action set it."""
    site_id = resolve(db_url, site)
    with connected(db_url) as engine, Session(engine) as session:
        found: list[MuteInfo] = []
        query = select(DetectMute).where(DetectMute.site_id == site_id).order_by(DetectMute.id)
        for m in session.scalars(query):
            origin = session.scalar(
                select(DetectAlert.alert_id)
                .join(DetectAlertEvent, DetectAlertEvent.alert_pk == DetectAlert.id)
                .where(
                    DetectAlertEvent.action == "mute",
                    DetectAlert.site_id == site_id,
                    DetectAlert.rule == m.rule,
                    DetectAlert.src == m.src,
                    DetectAlert.dst == m.dst,
                )
                .order_by(DetectAlertEvent.id.desc())
                .limit(1)
            )
            found.append(MuteInfo(m.rule, m.src, m.dst, m.by_name, m.why, m.at, origin))
        return found
