"""Every site of a store and what it holds, for ``plantwarden sites``."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plantwarden.store.detect_models import DetectAlert
from plantwarden.store.engine import connected
from plantwarden.store.models import Capture, Host, Site, SiteVersion


@dataclass(frozen=True, slots=True)
class SiteSummary:
    """One site: its current model version, captures, hosts, open alerts, newest traffic."""

    name: str
    created_at: datetime
    model_version: int | None
    captures: int
    hosts: int
    open_alerts: int
    newest_capture_ts: float | None  # the last packet of its newest capture (epoch seconds)

    def as_dict(self) -> dict[str, Any]:
        body = asdict(self)
        body["created_at"] = self.created_at.isoformat()
        return body


def _per_site(table: Any, column: Any, *where: Any) -> Any:
    """``site_id -> aggregate`` of a table's rows as a subquery to join on."""
    return select(table.site_id, column.label("value")).where(*where).group_by(table.site_id).subquery()


def list_sites(db_url: str) -> list[SiteSummary]:
    """Every site of the store, by name."""
    parts = {
        "model_version": _per_site(SiteVersion, func.max(SiteVersion.version), SiteVersion.is_current),
        "captures": _per_site(Capture, func.count(Capture.id)),
        "hosts": _per_site(Host, func.count(Host.id)),
        "open_alerts": _per_site(DetectAlert, func.count(DetectAlert.id), DetectAlert.state != "closed"),
        "newest_capture_ts": _per_site(Capture, func.max(Capture.last_ts)),
    }
    query = select(Site.name, Site.created_at, *(p.c.value for p in parts.values()))
    for part in parts.values():
        query = query.outerjoin(part, part.c.site_id == Site.id)
    with connected(db_url) as engine, Session(engine) as session:
        return [
            SiteSummary(name, created, version, captures or 0, hosts or 0, alerts or 0, newest)
            for name, created, version, captures, hosts, alerts, newest in session.execute(
                query.order_by(Site.name)
            )
        ]
