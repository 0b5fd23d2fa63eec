"""``GET /api/v1/sites/{site}/conversations`` (the communication map's edges, filtered, paged:
``plantwarden map``) and ``GET .../map`` (the zone map of the report: zones, assets as nodes,
conversations between them as edges, those no conduit allows marked)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from plantwarden.errors import NotFoundError
from plantwarden.inventory.asset_view import find_row
from plantwarden.inventory.commap import MapEdge, filter_map
from plantwarden.report.facts import DemoFacts
from plantwarden.web import paging
from plantwarden.web.api import siteload
from plantwarden.web.api.common import ERRORS, SITE
from plantwarden.web.deps import SiteCtx, require, state
from plantwarden.web.paging import Page, PageRequest
from plantwarden.web.schemas import Paged

router = APIRouter(tags=["assets"], responses=ERRORS)
Viewer = Annotated[SiteCtx, Depends(require("view"))]


class ConversationOut(BaseModel):
    client: str  # asset ids
    server: str
    client_name: str
    server_name: str
    proto: str
    transport: str
    port: int
    op_classes: dict[str, int]
    flows: int
    packets: int
    bytes: int
    first_ts: float | None
    last_ts: float | None
    captures: list[str]


def _text(description: str) -> Any:
    return Query(min_length=1, max_length=200, description=description)


def conversation_page(
    request: Request, ctx: SiteCtx, page: PageRequest, asset: str | None, zone: str | None, proto: str | None
) -> Paged[ConversationOut]:
    report = siteload.inventory(state(request).db_url, ctx)
    inv = report.inventory
    problems = []
    ids = None
    if asset is not None:
        try:
            row, _, _ = find_row(report, asset)
            ids = {row.id} if row.id else set()
        except NotFoundError:  # said as a bad filter, not as a missing page
            problems.append(("asset", f"asset {asset!r}: no such asset on this site"))
    zones = [z.name for z in report.site.zones] if report.site is not None else []
    if zone is not None and zone not in zones:
        problems.append(("zone", f"zone {zone!r}: no such zone (valid: {', '.join(zones) or 'none'})"))
    protos = sorted({e.proto for e in report.edges})
    if proto is not None and proto not in protos:
        problems.append(
            ("proto", f"proto {proto!r}: no such protocol on the map (seen: {', '.join(protos)})")
        )
    if problems:
        raise siteload.invalid(problems)
    zone_of = {a.id: a.zone for a in inv.assets}
    edges = filter_map(report.edges, ids, {proto} if proto else None, zone_of, {zone} if zone else None)
    name = {a.id: a.name or a.id for a in inv.assets}

    def out(e: MapEdge) -> ConversationOut:
        return ConversationOut(
            **e.as_dict(), client_name=name.get(e.client, e.client), server_name=name.get(e.server, e.server)
        )

    body = paging.from_list(
        edges, page, key=lambda e: (e.client, e.server, e.proto, e.transport, e.port), item=out
    )
    return Paged[ConversationOut](**body)


@router.get(SITE + "/conversations", response_model=Paged[ConversationOut], summary="Who talks to whom")
def conversations(
    request: Request,
    ctx: Viewer,
    page: Page,
    asset: Annotated[str | None, _text("Only conversations of this asset (name, id, IP or MAC).")] = None,
    zone: Annotated[str | None, _text("Only conversations with an end in this zone.")] = None,
    proto: Annotated[str | None, _text("Only conversations of this protocol.")] = None,
) -> Any:
    return conversation_page(request, ctx, page, asset, zone, proto)


class ZoneOut(BaseModel):
    name: str
    level: str


class NodeOut(BaseModel):
    name: str
    zone: str
    role: str
    ips: list[str]
    declared: bool
    observed: bool
    severity: str | None  # the worst open alert naming it


class EdgeOut(BaseModel):
    client: str  # node names
    server: str
    services: list[str]
    packets: int
    violation: bool  # no conduit allows it


class MapOut(BaseModel):
    site: str
    zones: list[ZoneOut]
    nodes: list[NodeOut]
    edges: list[EdgeOut]


def map_facts(request: Request, ctx: SiteCtx) -> DemoFacts:
    """What the report draws its map from (``report.facts.gather``): the site model, the
    stored captures, the open alerts."""
    from plantwarden.detect.store_alerts import list_alerts
    from plantwarden.report.facts import gather
    from plantwarden.store.imports import capture_documents

    db_url = state(request).db_url
    model = siteload.model(db_url, ctx)
    alerts = [a for a in list_alerts(db_url, site=ctx.site_id) if a.state != "closed"]
    return gather(model, capture_documents(db_url, ctx.site_id), alerts)


@router.get(SITE + "/map", response_model=MapOut, summary="The zone map: nodes and edges")
def zone_map(request: Request, ctx: Viewer) -> Any:
    facts = map_facts(request, ctx)
    return MapOut(
        site=facts.site,
        zones=[ZoneOut(name=n, level=lv) for n, lv in facts.zones],
        nodes=[NodeOut(**{k: getattr(a, k) for k in NodeOut.model_fields}) for a in facts.assets],
        edges=[EdgeOut(**{k: getattr(e, k) for k in EdgeOut.model_fields}) for e in facts.edges],
    )
