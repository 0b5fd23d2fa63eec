"""``GET /api/v1/fleet/alerts`` (open alerts per site by severity) and ``GET /api/v1/fleet/risk``
(production at risk per site, worst first), over the sites the caller may view: a site it may
not view is not in the answer (:mod:`plantwarden.fleet`). The questions are in
:mod:`plantwarden.web.api.fleet_questions`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from plantwarden.fleet.alerts import open_alerts_per_site
from plantwarden.fleet.risk import production_at_risk
from plantwarden.people.roles import Principal
from plantwarden.store.sites import SiteRef
from plantwarden.web.access import visible_sites
from plantwarden.web.api.common import ERRORS, PREFIX
from plantwarden.web.deps import Who, state

router = APIRouter(prefix=PREFIX + "/fleet", tags=["fleet"], responses=ERRORS)


class SiteAlertsOut(BaseModel):
    site: str
    open: int
    by_severity: dict[str, int]


class FleetAlertsOut(BaseModel):
    sites: list[SiteAlertsOut]


class LineAtRiskOut(BaseModel):
    line: str
    cost_per_hour: float
    at_risk: bool
    alert_state: str  # stopped, exposed, covered, safe
    alerts: int
    vulns: list[str]  # "asset CVE": open, known exploited or act now
    spof: list[str]  # assets and services whose failure alone stops the line
    reasons: list[str]


class FreshnessOut(BaseModel):
    captures: int
    last_packet: str | None
    last_analysed: str | None


class SkippedOut(BaseModel):
    site: str
    reason: str


class SiteRiskOut(BaseModel):
    site: str
    currency: str
    has_model: bool
    at_risk_per_hour: float
    alerts_per_hour: float
    vulns_per_hour: float
    spof_per_hour: float
    worst_line: LineAtRiskOut | None
    lines: list[LineAtRiskOut]
    open_alerts: int
    alerts_by_severity: dict[str, int]
    freshness: FreshnessOut


class FleetRiskOut(BaseModel):
    sites: list[SiteRiskOut]  # worst first
    skipped: list[SkippedOut]


def viewable(request: Request, who: Principal) -> list[SiteRef]:
    with state(request).reading() as session:
        return visible_sites(session, who)


@router.get("/alerts", response_model=FleetAlertsOut, summary="Open alerts per site you may view")
def fleet_alerts(request: Request, who: Who) -> FleetAlertsOut:
    rows = open_alerts_per_site(state(request).db_url, viewable(request, who))
    return FleetAlertsOut(
        sites=[SiteAlertsOut(site=r.site, open=r.open, by_severity=r.by_severity) for r in rows]
    )


@router.get(
    "/risk", response_model=FleetRiskOut, summary="Production at risk per site you may view, worst first"
)
def fleet_risk(request: Request, who: Who) -> Any:
    rows, skipped = production_at_risk(state(request).db_url, viewable(request, who))
    return {"sites": [r.as_dict() for r in rows], "skipped": [s.as_dict() for s in skipped]}
