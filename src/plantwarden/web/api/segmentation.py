"""``GET /api/v1/sites/{site}/segmentation``: the segmentation audit of the site's stored
captures against its zones and conduits (``plantwarden segmentation``), grouped by zone pair:
what each pair exchanged and the violations among it, grouped per client and service."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from plantwarden.web import paging
from plantwarden.web.api.common import ERRORS, SITE
from plantwarden.web.deps import SiteCtx, require, state
from plantwarden.web.paging import Page
from plantwarden.web.schemas import Paged

router = APIRouter(tags=["continuity"], responses=ERRORS)


class ViolationGroupOut(BaseModel):
    client: str
    client_zone: str
    server_zone: str
    service: str
    transport: list[str]
    ports: str  # ranges: 21-23,80
    port_count: int
    servers: list[str]
    violations: int
    flows: int
    packets: int
    first_ts: float | None
    last_ts: float | None
    reasons: list[str]


class ZonePairOut(BaseModel):
    client_zone: str
    server_zone: str
    services: dict[str, int]  # packets per service
    violations: int  # flows no conduit allows
    violation_flows: int
    groups: list[ViolationGroupOut]


def audit_of(request: Request, ctx: SiteCtx) -> dict[str, Any]:
    """The audit of ``plantwarden segmentation`` on the stored captures (without a site
    model, zones suggested from the traffic)."""
    from plantwarden.continuity.segmentation import audit
    from plantwarden.continuity.source import stored_model
    from plantwarden.store.imports import capture_documents

    db_url = state(request).db_url
    return audit(stored_model(db_url, ctx.site_id), capture_documents(db_url, ctx.site_id))


def zone_pairs(body: dict[str, Any]) -> list[ZonePairOut]:
    """One entry per (client zone, server zone) seen or violated, by zone names."""
    pairs: dict[tuple[str, str], ZonePairOut] = {}

    def pair(a: str, b: str) -> ZonePairOut:
        return pairs.setdefault(
            (a, b),
            ZonePairOut(
                client_zone=a, server_zone=b, services={}, violations=0, violation_flows=0, groups=[]
            ),
        )

    for a, row in body["matrix"].items():
        for b, services in row.items():
            pair(a, b).services = dict(services)
    for g in body["violation_groups"]:
        found = pair(g["client_zone"], g["server_zone"])
        found.groups.append(ViolationGroupOut(**g))
        found.violations += g["violations"]
        found.violation_flows += g["flows"]
    return [pairs[k] for k in sorted(pairs)]


@router.get(SITE + "/segmentation", response_model=Paged[ZonePairOut], summary="Segmentation by zone pair")
def segmentation(
    request: Request,
    ctx: Annotated[SiteCtx, Depends(require("view"))],
    page: Page,
    violations: Annotated[bool, Query(description="Only the zone pairs with violations.")] = False,
) -> Any:
    found = [p for p in zone_pairs(audit_of(request, ctx)) if p.violations or not violations]
    return paging.from_list(found, page, key=lambda p: (p.client_zone, p.server_zone), item=lambda p: p)
