"""Open alerts per site by severity, over the given sites only (the caller chooses which: the
sites a principal may view, :func:`plantwarden.web.access.visible_sites`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plantwarden.store.detect_models import DetectAlert
from plantwarden.store.engine import connected
from plantwarden.store.sites import SiteRef

SEVERITIES = ("critical", "high", "medium", "low", "info")


@dataclass(frozen=True, slots=True)
class SiteAlerts:
    site: str
    open: int
    by_severity: dict[str, int] = field(default_factory=dict)  # every severity, 0 when none


def open_alerts_per_site(db_url: str, sites: list[SiteRef]) -> list[SiteAlerts]:
    """One row per site (by name), open meaning not closed; a site without alerts has zeros."""
    ids = {s.id: s.name for s in sites if s.id is not None}
    counts: dict[int, dict[str, int]] = {i: dict.fromkeys(SEVERITIES, 0) for i in ids}
    if ids:
        query = (
            select(DetectAlert.site_id, DetectAlert.severity, func.count())
            .where(DetectAlert.site_id.in_(ids), DetectAlert.state != "closed")
            .group_by(DetectAlert.site_id, DetectAlert.severity)
        )
        with connected(db_url) as engine, Session(engine) as session:
            for site_id, severity, n in session.execute(query):
                counts[site_id][severity] = counts[site_id].get(severity, 0) + n
    return sorted((SiteAlerts(ids[i], sum(c.values()), c) for i, c in counts.items()), key=lambda r: r.site)


def all_sites(db_url: str) -> list[SiteRef]:
    """Every site of the store (the command line sees the whole store)."""
    from plantwarden.store.models import Site

    with connected(db_url) as engine, Session(engine) as session:
        return [SiteRef(i, n) for i, n in session.execute(select(Site.id, Site.name).order_by(Site.name))]
