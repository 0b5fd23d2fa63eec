"""Incidents in the store: open (from alerts or by hand), note, close, list, show.

Every function takes the store URL and the site id (None: the store's only site), checks its
input before writing anything, changes the incident in one transaction and appends the change
to the hash-chained audit log in that same transaction (:func:`plantwarden.people.audit.append`):
an error leaves nothing stored. Each audit entry's details say how the change came (``how``:
``{"via": "cli"}``, or ``{"via": "token", "token_id": 3}`` / ``{"via": "session"}`` from
the API or a page). Decisions are :mod:`plantwarden.incidents.decide`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plantwarden.detect.model import Alert
from plantwarden.errors import NotFoundError, UsageError
from plantwarden.incidents import evidence as evidence_mod
from plantwarden.incidents.models import Incident, IncidentEntry
from plantwarden.incidents.records import IncidentView, find_row, view
from plantwarden.incidents.states import check_move, check_severity, label, parse_ref
from plantwarden.incidents.subjects import lines_of, name_of
from plantwarden.people import audit
from plantwarden.site.model import SiteModel
from plantwarden.store.engine import connected
from plantwarden.store.sites import resolve, writable
from plantwarden.store.types import utc_now


@dataclass(frozen=True, slots=True)
class OpenRequest:
    """What ``incident open`` asks for: alerts (ids or unique prefixes), or by hand a title and
    the assets involved (the first is the target), and who opens it and why."""

    alerts: tuple[str, ...] = ()
    title: str | None = None
    severity: str | None = None
    assets: tuple[str, ...] = ()
    source: str | None = None
    by: str = ""
    why: str = ""
    evidence_dir: Path | None = None
    window_s: float = evidence_mod.DEFAULT_WINDOW_S
    scenario: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    how: dict[str, Any] = field(default_factory=dict)  # into the audit entry's details (via)


def _need(by: str, why: str, what: str) -> None:
    if not by.strip():
        raise UsageError(f"{what} needs --by NAME")
    if not why.strip():
        raise UsageError(f"{what} needs --why TEXT (kept in the incident's timeline and the audit log)")


def _alerts(db_url: str, site_id: int | None, ids: tuple[str, ...]) -> list[Alert]:
    from plantwarden.detect.store_alerts import find_alert

    found = [find_alert(db_url, i, site_id)[0] for i in ids]
    return list({a.id: a for a in found}.values())


def _check_assets(model: SiteModel | None, names: tuple[str, ...]) -> None:
    for name in names:
        if model is None:
            raise UsageError(f"--asset {name!r} needs the site model (plantwarden site load FILE)")
        if model.asset(name) is None:
            raise NotFoundError(f"{name!r} is not an asset of site {model.site.name!r}")


def document_for(req: OpenRequest, alerts: list[Alert], model: SiteModel | None) -> dict[str, Any]:
    """The incident's subject: source, target, assets and lines involved, its alerts."""
    worst = max(alerts, key=lambda a: (a.severity, -a.first_ts)) if alerts else None
    target = req.assets[0] if req.assets else (name_of(model, worst.dst) if worst else None)
    source = req.source or (name_of(model, worst.src) if worst else None)
    assets = [n for a in alerts for n in (name_of(model, a.src), name_of(model, a.dst))]
    assets = list(dict.fromkeys([*req.assets, *([source] if source else []), *assets]))
    lines: tuple[str, ...] = ()
    if model is not None:
        from plantwarden.continuity.graph import build_graph

        declared = [n for n in assets if model.asset(n) is not None and n != source]
        lines = lines_of(model, build_graph(model), declared)
    return {
        "alerts": [a.id for a in alerts],
        "source": source,
        "target": target,
        "assets": assets,
        "lines": list(lines),
        "first_ts": min((a.first_ts for a in alerts), default=None),
        "rules": sorted({a.rule for a in alerts}),
        "scenario": req.scenario,
        **req.extra,
    }


def _title(req: OpenRequest, alerts: list[Alert], doc: dict[str, Any]) -> str:
    if req.title and req.title.strip():
        return req.title.strip()
    if not alerts:
        raise UsageError("an incident opened by hand needs --title TEXT and --asset NAME")
    worst = max(alerts, key=lambda a: a.severity)
    return f"{worst.title}: {doc['source']} -> {doc['target']}"


def open_incident(
    db_url: str, site: int | None, req: OpenRequest, model: SiteModel | None, now: datetime | None = None
) -> IncidentView:
    """Open an incident; its alerts' frames are preserved as evidence first (when a folder is given)."""
    _need(req.by, req.why, "opening an incident")
    if not req.alerts and not req.assets:
        raise UsageError("an incident needs --alert ID (one or more) or, by hand, --title and --asset NAME")
    _check_assets(
        model, req.assets + ((req.source,) if req.source and model and model.asset(req.source) else ())
    )
    severity = check_severity(req.severity) if req.severity else None
    site_id = writable(db_url, site)
    alerts = _alerts(db_url, site_id, req.alerts)
    doc = document_for(req, alerts, model)
    title = _title(req, alerts, doc)
    if severity is None:
        worst = max((a.severity for a in alerts), default=None)
        severity = worst.label if worst is not None and worst.label != "info" else "medium"
    taken = evidence_mod.preserve(db_url, site_id, alerts, req.evidence_dir, req.window_s, req.by)
    try:
        texts = [
            f"{a.id} {a.rule} {name_of(model, a.src)} -> {name_of(model, a.dst)} "
            f"({a.severity.label}, {a.count}x)"
            for a in alerts
        ]
        return _store(
            db_url,
            site_id,
            req,
            title,
            severity,
            doc,
            list(zip(alerts, texts, strict=True)),
            taken,
            now or utc_now(),
        )
    except BaseException:
        evidence_mod.discard(taken)
        raise


def _store(
    db_url: str,
    site_id: int,
    req: OpenRequest,
    title: str,
    severity: str,
    doc: dict[str, Any],
    alerts: list[tuple[Alert, str]],
    taken: list[evidence_mod.Taken],
    now: datetime,
) -> IncidentView:
    with connected(db_url, writes=True) as engine, Session(engine) as session, session.begin():
        last = session.scalar(select(func.max(Incident.number)).where(Incident.site_id == site_id))
        row = Incident(
            site_id=site_id,
            number=(last or 0) + 1,
            title=title,
            severity=severity,
            state="open",
            opened_at=now,
            opened_by=req.by,
            updated_at=now,
            closed_at=None,
            document=doc,
        )
        session.add(row)
        session.flush()
        entry(session, row, req.by, "opened", title, req.why, "open", now=now)
        for a, text in alerts:
            entry(session, row, req.by, "alert", text, "", "open", {"alert": a.id, "rule": a.rule}, now)
        for t in taken:
            evidence_mod.record(session, row, t, now)
            entry(session, row, req.by, "evidence", t.summary(), "", "open", t.details(), now)
        audit.append(
            session,
            req.by,
            "incident.open",
            label(row.number),
            site_id=site_id,
            why=req.why,
            details={
                "title": title,
                "alerts": doc["alerts"],
                "severity": severity,
                "evidence": [t.sha256 for t in taken],
                **req.how,
            },
        )
        return view(session, row)


def entry(
    session: Session,
    row: Incident,
    by: str,
    kind: str,
    text: str,
    why: str,
    after: str,
    details: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> None:
    session.add(
        IncidentEntry(
            site_id=row.site_id,
            incident_id=row.id,
            at=now or utc_now(),
            by_name=by,
            kind=kind,
            text=text,
            why=why,
            state_before=row.state,
            state_after=after,
            details=details or {},
        )
    )


def note(
    db_url: str, site: int | None, ref: str, text: str, by: str, how: Mapping[str, Any] | None = None
) -> IncidentView:
    """Add a note to the timeline (allowed until the incident is closed)."""
    if not by.strip() or not text.strip():
        raise UsageError("a note needs its text and --by NAME")
    number = parse_ref(ref)
    site_id = resolve(db_url, site)
    with connected(db_url, writes=True) as engine, Session(engine) as session, session.begin():
        row = find_row(session, site_id, number)
        if row.state == "closed":
            raise UsageError(f"incident {label(number)} is closed: no more notes")
        now = utc_now()
        entry(session, row, by, "note", text.strip(), "", row.state, now=now)
        row.updated_at = now
        audit.append(
            session, by, "incident.note", label(number), site_id=row.site_id, why=text.strip(),
            details=dict(how or {}),
        )  # fmt: skip
        return view(session, row)


def close(
    db_url: str, site: int | None, ref: str, by: str, why: str, how: Mapping[str, Any] | None = None
) -> IncidentView:
    """Close the incident (from any state but closed); ``why`` holds the lessons learned."""
    _need(by, why, "closing an incident")
    number = parse_ref(ref)
    site_id = resolve(db_url, site)
    with connected(db_url, writes=True) as engine, Session(engine) as session, session.begin():
        row = find_row(session, site_id, number)
        check_move(label(number), row.state, "closed")
        now = utc_now()
        entry(session, row, by, "state", f"{row.state} -> closed", why.strip(), "closed", now=now)
        audit.append(
            session,
            by,
            "incident.close",
            label(number),
            site_id=row.site_id,
            why=why.strip(),
            details={"state_before": row.state, **(how or {})},
        )
        row.state, row.closed_at, row.updated_at = "closed", now, now
        return view(session, row)


def list_incidents(db_url: str, site: int | None, states: frozenset[str] = frozenset()) -> list[IncidentView]:
    """The site's incidents, newest first (without their timelines)."""
    site_id = resolve(db_url, site)
    with connected(db_url) as engine, Session(engine) as session:
        query = select(Incident).where(Incident.site_id == site_id).order_by(Incident.number.desc())
        if states:
            query = query.where(Incident.state.in_(sorted(states)))
        return [view(session, r, full=False) for r in session.scalars(query)]


def get_incident(db_url: str, site: int | None, ref: str) -> IncidentView:
    number = parse_ref(ref)
    site_id = resolve(db_url, site)
    with connected(db_url) as engine, Session(engine) as session:
        return view(session, find_row(session, site_id, number))
