"""The sessions the detection pass held against the grants, kept for ``access report``.

A session seen again (the same capture analysed twice) is not stored twice: its key is the
capture, both ends with their ports, and its start.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from plantwarden.access.check import Verdict
from plantwarden.access.grants import Grant
from plantwarden.access.models import AccessSession
from plantwarden.site.model import SiteModel
from plantwarden.store.engine import connected


def vendor_of(model: SiteModel, verdict: Verdict, grants: dict[str, Grant]) -> str | None:
    """The grant's company, else the vendor whose gateway the session came from (None: a
    session of no known vendor, e.g. from an office PC)."""
    if verdict.grant is not None and verdict.grant in grants:
        return grants[verdict.grant].company
    s = verdict.session
    for v in model.vendors:
        via = model.asset(v.via) if v.via is not None else None
        if via is not None and s.client in {str(ip) for ip in via.ips}:
            return v.company
    return None


def _at(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def record_sessions(
    db_url: str, site_id: int, model: SiteModel, grants: list[Grant], verdicts: list[Verdict]
) -> int:
    """Store the verdicts' sessions not stored yet; how many were new."""
    by_key = {g.key: g for g in grants}
    added = 0
    with connected(db_url, writes=True) as engine, DbSession(engine) as session, session.begin():
        for v in verdicts:
            row = _row(site_id, model, v, by_key)
            t = AccessSession
            same = select(t.id).where(
                t.site_id == site_id, t.capture == row.capture, t.client == row.client,
                t.client_port == row.client_port, t.server == row.server, t.server_port == row.server_port,
                t.started_at == row.started_at,
            )  # fmt: skip
            if session.scalars(same).first() is None:
                session.add(row)
                added += 1
    return added


def _row(site_id: int, model: SiteModel, v: Verdict, grants: dict[str, Grant]) -> AccessSession:
    s = v.session
    doc = s.as_dict()
    return AccessSession(
        site_id=site_id,
        capture=s.capture,
        proto=s.proto,
        client=s.client,
        client_port=s.client_port,
        server=s.server,
        server_port=s.server_port,
        started_at=_at(s.first_ts),
        ended_at=_at(s.last_ts),
        first_frame=s.first_frame,
        packets=s.packets,
        bytes=s.bytes,
        vendor=vendor_of(model, v, grants),
        grant_key=v.grant,
        findings=",".join(sorted({f.rule.name for f in v.findings})),
        details={k: doc[k] for k in ("hints", "operations", "changes")},
    )


def load_sessions(db_url: str, site_id: int | None, since: datetime | None = None) -> list[AccessSession]:
    """The site's stored sessions (since a time), oldest first."""
    if site_id is None:
        return []
    query = select(AccessSession).where(AccessSession.site_id == site_id).order_by(AccessSession.started_at)
    if since is not None:
        query = query.where(AccessSession.started_at >= since)
    with connected(db_url) as engine, DbSession(engine) as session:
        rows = list(session.scalars(query))
        session.expunge_all()
        return rows
