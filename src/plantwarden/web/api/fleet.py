"""``GET /api/v1/fleet/alerts``: open alerts per site by severity, over the sites the caller
may view (a site it may not view is not in the answer; :mod:`plantwarden.fleet`)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

from plantwarden.fleet.alerts import open_alerts_per_site
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


@router.get("/alerts", response_model=FleetAlertsOut, summary="Open alerts per site you may view")
def fleet_alerts(request: Request, who: Who) -> FleetAlertsOut:
    web = state(request)
    with web.reading() as session:
        sites = visible_sites(session, who)
    rows = open_alerts_per_site(web.db_url, sites)
    return FleetAlertsOut(
        sites=[SiteAlertsOut(site=r.site, open=r.open, by_severity=r.by_severity) for r in rows]
    )
