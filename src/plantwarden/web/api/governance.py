"""``GET /api/v1/sites/{site}/raci`` (who is responsible and accountable for each line,
asset and activity, gray areas marked: ``plantwarden raci``), ``GET .../lifecycle`` (each
asset's end of support) and ``GET .../lifecycle/shares`` (legacy share per zone and line, IT
ending support before the OT that needs it: ``plantwarden lifecycle``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from plantwarden.web import paging
from plantwarden.web.api import siteload
from plantwarden.web.api.common import ERRORS, SITE
from plantwarden.web.deps import SiteCtx, require, state
from plantwarden.web.paging import Page
from plantwarden.web.schemas import Paged

router = APIRouter(tags=["continuity"], responses=ERRORS)
Viewer = Annotated[SiteCtx, Depends(require("view"))]
At = Annotated[date | None, Query(description="The day to judge at, YYYY-MM-DD (default today).")]


class RaciOut(BaseModel):
    kind: str  # line, asset, activity
    subject: str
    activity: str | None  # None: ownership
    responsible: list[str]
    accountable: list[str]
    consulted: list[str]
    informed: list[str]
    source: str  # the RACI entry it comes from
    gray: list[str]  # why it is a gray area (empty: it is not)


def raci_rows(request: Request, ctx: SiteCtx) -> list[RaciOut]:
    from plantwarden.continuity import raci

    model = siteload.model(state(request).db_url, ctx)
    return [RaciOut(**r.as_dict()) for r in raci.matrix(model, siteload.graph(model))]


@router.get(SITE + "/raci", response_model=Paged[RaciOut], summary="The RACI matrix and its gray areas")
def raci(
    request: Request,
    ctx: Viewer,
    page: Page,
    gray: Annotated[bool, Query(description="Only the gray areas.")] = False,
) -> Any:
    rows = [r for r in raci_rows(request, ctx) if r.gray or not gray]
    return paging.from_list(rows, page, key=lambda r: (r.kind, r.subject, r.activity or ""), item=lambda r: r)


def lifecycle_of(request: Request, ctx: SiteCtx, at: date | None) -> dict[str, Any]:
    from plantwarden.continuity import lifecycle

    model = siteload.model(state(request).db_url, ctx)
    body = lifecycle.report(model, siteload.graph(model), at or date.today())
    zone = {a.name: a.zone for a in model.assets}
    for a in body["assets"]:
        a["zone"] = zone.get(a["asset"])
    return body


class SupportOut(BaseModel):
    asset: str
    zone: str | None
    end_of_support: str | None  # YYYY-MM-DD
    source: str  # declared, os table...
    legacy: bool  # out of support at the day judged
    days_left: int | None


class SharesOut(BaseModel):
    at: str
    os_table_source: str
    zones: dict[str, dict[str, Any]]
    lines: dict[str, dict[str, Any]]
    alignment: list[dict[str, Any]]


@router.get(SITE + "/lifecycle", response_model=Paged[SupportOut], summary="Each asset's end of support")
def lifecycle(
    request: Request,
    ctx: Viewer,
    page: Page,
    at: At = None,
    legacy: Annotated[bool, Query(description="Only the assets out of support.")] = False,
) -> Any:
    rows = [a for a in lifecycle_of(request, ctx, at)["assets"] if a["legacy"] or not legacy]
    return paging.from_list(rows, page, key=lambda a: (a["asset"],), item=lambda a: SupportOut(**a))


@router.get(SITE + "/lifecycle/shares", response_model=SharesOut, summary="Legacy share per zone and line")
def shares(request: Request, ctx: Viewer, at: At = None) -> Any:
    body = lifecycle_of(request, ctx, at)
    return SharesOut(**{k: body[k] for k in SharesOut.model_fields})
