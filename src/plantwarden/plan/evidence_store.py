"""The control checks in the store (revision 0014): one row per result. A check whose result is
the same as the control's latest (same state, captures and evidence) only moves that row's
``checked_at``: a capture analysed every minute does not add a row a minute."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantwarden.plan.models import PlanControlCheck
from plantwarden.store.engine import connected


def _latest(session: Session, site_id: int, run_id: int) -> dict[str, PlanControlCheck]:
    t = PlanControlCheck
    query = select(t).where(t.site_id == site_id, t.run_id == run_id).order_by(t.id)
    return {r.item: r for r in session.scalars(query)}


def record(db_url: str, site_id: int, run_id: int, results: list[dict[str, Any]], now: datetime) -> None:
    with connected(db_url, writes=True) as engine, Session(engine) as session, session.begin():
        latest = _latest(session, site_id, run_id)
        for r in results:
            row = latest.get(r["item"])
            same = row is not None and (row.state, row.captures, row.evidence) == (
                r["state"],
                r["captures"],
                r["evidence"],
            )
            if row is not None and same:
                row.checked_at = now
                continue
            session.add(
                PlanControlCheck(
                    site_id=site_id,
                    run_id=run_id,
                    item=r["item"],
                    kind=r["kind"],
                    state=r["state"],
                    summary=r["summary"],
                    checked_at=now,
                    since=datetime.fromisoformat(r["since"]),
                    captures=r["captures"],
                    evidence=r["evidence"],
                )
            )


def stored(db_url: str, site_id: int, run_id: int) -> list[dict[str, Any]]:
    """The latest stored result of each control of the run."""
    with connected(db_url) as engine, Session(engine) as session:
        return [
            {
                "item": r.item,
                "kind": r.kind,
                "state": r.state,
                "summary": r.summary,
                "checked_at": r.checked_at.isoformat(),
                "since": r.since.isoformat(),
                "captures": r.captures,
                "evidence": r.evidence,
            }
            for r in _latest(session, site_id, run_id).values()
        ]
