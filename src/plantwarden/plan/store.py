"""Plan runs and pins in the store (revision 0013); each pin is audited in its own transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantwarden.plan.build import Pin
from plantwarden.plan.models import PlanPin, PlanRun
from plantwarden.store.engine import connected
from plantwarden.store.types import utc_now


def save_run(url: str, site_id: int, body: dict[str, Any], created_at: datetime | None = None) -> int:
    row = PlanRun(
        site_id=site_id,
        created_at=created_at or utc_now(),
        fingerprint=body["fingerprint"],
        solver=body["solver"],
        status=body["status"],
        gap=body["gap"],
        horizon_days=body["horizon_days"],
        body=body,
    )
    with connected(url, writes=True) as engine, Session(engine) as session, session.begin():
        session.add(row)
        session.flush()
        return int(row.id)


def latest_run(url: str, site_id: int) -> dict[str, Any] | None:
    query = select(PlanRun).where(PlanRun.site_id == site_id).order_by(PlanRun.id.desc()).limit(1)
    with connected(url) as engine, Session(engine) as session:
        row = session.scalars(query).first()
        if row is None:
            return None
        return {**row.body, "run": row.id, "created_at": row.created_at.isoformat()}


def pins(url: str, site_id: int) -> list[Pin]:
    """The standing pins: the latest one per item."""
    query = select(PlanPin).where(PlanPin.site_id == site_id).order_by(PlanPin.id)
    with connected(url) as engine, Session(engine) as session:
        latest = {r.item: Pin(r.item, r.kind, r.window, r.by, r.why) for r in session.scalars(query)}
    return list(latest.values())


def add_pin(url: str, site_id: int, pin: Pin) -> None:
    from plantwarden.people.audit import append

    row = PlanPin(
        site_id=site_id,
        item=pin.item,
        kind=pin.kind,
        window=pin.window,
        by=pin.by,
        why=pin.why,
        created_at=utc_now(),
    )
    with connected(url, writes=True) as engine, Session(engine) as session, session.begin():
        session.add(row)
        details = {"kind": pin.kind, "window": pin.window}
        append(session, pin.by, f"plan.{pin.kind}", pin.item, site_id=site_id, why=pin.why, details=details)
