"""``GET /api/v1/sites/{site}/assets`` (declared versus observed, filtered, paged) and
``GET .../assets/{asset}`` (identity, every field with its provenance, addresses seen,
conversations, alerts, timeline): the inventory of ``plantwarden assets`` and ``asset``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel

from plantwarden.inventory.asset_view import AssetView, asset_view, find_row
from plantwarden.inventory.overview import AssetFilter, asset_rows, filter_problems
from plantwarden.web import paging
from plantwarden.web.api import siteload
from plantwarden.web.api.common import ERRORS, SITE
from plantwarden.web.deps import SiteCtx, require, state
from plantwarden.web.paging import Page, PageRequest
from plantwarden.web.schemas import Paged

router = APIRouter(tags=["assets"], responses=ERRORS)
Viewer = Annotated[SiteCtx, Depends(require("view"))]


class Difference(BaseModel):
    field: str
    declared_value: str
    observed: list[str]
    evidence: list[Any]


class AssetOut(BaseModel):
    name: str
    id: str | None
    status: str  # matches, differs, not declared, not observed
    declared: bool
    observed: bool
    zone: str | None
    role: str | None
    declared_role: str | None
    vendor: str | None
    model: str | None
    firmware: str | None
    ips: list[str]
    macs: list[str]
    lines: list[str]
    first_ts: float | None
    last_ts: float | None
    differences: list[Difference]


class AssetDetailOut(AssetOut):
    observed_as: dict[str, Any] | None  # every field with its sources (plantwarden asset --json)
    declared_as: dict[str, Any] | None  # the site model's entry
    conversations: list[dict[str, Any]]
    alerts: list[dict[str, Any]]
    timeline: list[dict[str, Any]]
    others: list[str]


def _text(description: str) -> Any:
    return Query(min_length=1, max_length=200, description=description)


def asset_page(request: Request, ctx: SiteCtx, chosen: AssetFilter, page: PageRequest) -> Paged[AssetOut]:
    report = siteload.inventory(state(request).db_url, ctx)
    problems = filter_problems(report, chosen)
    if problems:
        raise siteload.invalid(problems)
    rows = [r for r in asset_rows(report) if chosen.keeps(r)]
    body = paging.from_list(rows, page, key=lambda r: (r.name,), item=lambda r: AssetOut(**r.as_dict()))
    return Paged[AssetOut](**body)


@router.get(SITE + "/assets", response_model=Paged[AssetOut], summary="Assets: declared versus observed")
def assets(
    request: Request,
    ctx: Viewer,
    page: Page,
    zone: Annotated[str | None, _text("Only assets in this zone.")] = None,
    line: Annotated[str | None, _text("Only assets this line needs.")] = None,
    role: Annotated[str | None, _text("Only assets with this role (inferred or declared).")] = None,
    vendor: Annotated[str | None, _text("Only assets whose vendor contains this (any case).")] = None,
    status: Annotated[str | None, _text("matches, differs, not declared or not observed.")] = None,
) -> Any:
    return asset_page(request, ctx, AssetFilter(zone, line, role, vendor, status), page)


def view_of(request: Request, ctx: SiteCtx, key: str) -> AssetView:
    db_url = state(request).db_url
    report = siteload.inventory(db_url, ctx)
    row, _, _ = find_row(report, key)  # 404 before the alerts are read
    alerts = siteload.alert_docs(db_url, ctx, report.site, {*row.ips, *row.macs})
    return asset_view(report, key, alerts)


@router.get(SITE + "/assets/{asset}", response_model=AssetDetailOut, summary="One asset, with provenance")
def one_asset(
    request: Request,
    ctx: Viewer,
    asset: Annotated[str, Path(min_length=1, max_length=200, description="Name, id, IP or MAC.")],
) -> Any:
    return view_of(request, ctx, asset).as_dict()
