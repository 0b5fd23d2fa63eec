"""``POST /api/v1/sites/{site}/impact`` (what-if: these fail, which lines stop, when, after
which buffers, at what cost per hour: ``plantwarden impact``) and ``GET .../spof`` and
``GET .../spof/pairs`` (single points of failure, ranked: ``plantwarden spof``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from plantwarden.continuity import spof
from plantwarden.continuity.impact import Impact, check_names
from plantwarden.continuity.impact import impact as what_if
from plantwarden.continuity.source import parse_duration
from plantwarden.errors import NotFoundError, UsageError
from plantwarden.web import paging
from plantwarden.web.api import siteload
from plantwarden.web.api.common import ERRORS, SITE
from plantwarden.web.deps import SiteCtx, require, state
from plantwarden.web.errors import ApiError
from plantwarden.web.paging import Page
from plantwarden.web.schemas import Paged

router = APIRouter(tags=["continuity"], responses=ERRORS)
Viewer = Annotated[SiteCtx, Depends(require("view"))]
Name = Annotated[str, Field(min_length=1, max_length=200)]


class ImpactIn(BaseModel):
    fail: list[Name] = Field(min_length=1, max_length=200, description="Assets, services, lines or groups.")
    outage: str | None = Field(
        default=None, min_length=1, max_length=40, description="How long they stay down: 4h, 90m, 1h30m."
    )


class StepOut(BaseModel):
    name: str
    kind: str
    at_minutes: float
    buffer_minutes: float  # the buffer that delayed this step
    note: str | None


class LineStopOut(BaseModel):
    line: str
    after_minutes: float
    cost_per_hour: float
    cost: float | None  # over the outage, when one was given
    path: list[StepOut]


class ImpactOut(BaseModel):
    site: str
    currency: str
    failed: list[str]
    outage_minutes: float | None
    cost_per_hour: float
    cost: float | None
    lines: list[LineStopOut]
    down: dict[str, float]  # every node that goes down, minutes after the failure


def run_impact(request: Request, ctx: SiteCtx, fail: list[str], outage: str | None) -> tuple[Impact, str]:
    """The what-if on the site's model; unknown names and a bad duration are 422 naming the field."""
    model = siteload.model(state(request).db_url, ctx)
    graph = siteload.graph(model)
    problems: list[tuple[int | str, str]] = []
    for i, name in enumerate(fail):
        try:
            check_names(graph, [name])
        except NotFoundError as exc:
            problems.append((i, str(exc)))
    minutes = None
    if outage is not None:
        try:
            minutes = parse_duration(outage)
        except UsageError:
            problems.append(("outage", f"outage {outage!r} is not a duration (expected e.g. 4h, 90m, 1h30m)"))
    if problems:
        raise _invalid(problems)
    return what_if(graph, fail, minutes), str(model.site.currency)


def _invalid(problems: list[tuple[int | str, str]]) -> ApiError:
    details = [
        {"loc": ["body", "fail", p] if isinstance(p, int) else ["body", p], "message": m} for p, m in problems
    ]
    return ApiError(422, problems[0][1], details=details)


@router.post(SITE + "/impact", response_model=ImpactOut, summary="What-if: which lines stop if these fail")
def impact(request: Request, ctx: Viewer, body: ImpactIn) -> Any:
    result, currency = run_impact(request, ctx, body.fail, body.outage)
    return {"site": ctx.site.name, "currency": currency, **result.as_dict()}


class LineAfter(BaseModel):
    line: str
    after_minutes: float


class SingleOut(BaseModel):
    rank: int
    name: str
    kind: str
    cost_per_hour: float
    first_stop_minutes: float | None
    lines: list[LineAfter]


class PairOut(BaseModel):
    rank: int
    members: list[str]
    cost_per_hour: float
    lines: list[LineAfter]


@router.get(SITE + "/spof", response_model=Paged[SingleOut], summary="Single points of failure, worst first")
def singles(
    request: Request,
    ctx: Viewer,
    page: Page,
    every: Annotated[
        bool, Query(alias="all", description="Also the assets and services that stop no line alone.")
    ] = False,
) -> Any:
    model = siteload.model(state(request).db_url, ctx)
    ranked = [s for s in spof.singles(siteload.graph(model)) if every or s.lines]
    rows = [(i, s) for i, s in enumerate(ranked, 1)]
    return paging.from_list(
        rows, page, key=lambda r: (r[0],), item=lambda r: SingleOut(rank=r[0], **r[1].as_dict())
    )


@router.get(
    SITE + "/spof/pairs", response_model=Paged[PairOut], summary="Pairs that stop what neither stops alone"
)
def pairs(request: Request, ctx: Viewer, page: Page) -> Any:
    model = siteload.model(state(request).db_url, ctx)
    found = list(enumerate(spof.pairs(siteload.graph(model)), 1))
    return paging.from_list(
        found, page, key=lambda r: (r[0],), item=lambda r: PairOut(rank=r[0], **r[1].as_dict())
    )
