"""``GET /api/v1/sites/{site}/answer``: the production answer (what the site's home page shows):
lines at risk in money per hour, the worst open alerts, the single points of failure."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from plantwarden.report.answer import SiteAnswer, site_answer
from plantwarden.web.api.common import ERRORS, SITE
from plantwarden.web.deps import SiteCtx, require, state

router = APIRouter(tags=["sites"], responses=ERRORS)


class LineOut(BaseModel):
    line: str
    state: str  # stopped, exposed, covered, safe
    cost_per_hour: float
    buffer_minutes: float | None
    alerts: int
    failed: list[str]
    degraded: list[str]


class AnswerOut(BaseModel):
    site: str
    currency: str
    has_model: bool
    at_risk_per_hour: float
    lines: list[LineOut]
    open_alerts: int
    worst_alerts: list[dict[str, Any]]
    spof: list[dict[str, Any]]


def answer_of(request: Request, ctx: SiteCtx) -> SiteAnswer:
    return site_answer(state(request).db_url, ctx.site_id, ctx.site.name)


@router.get(SITE + "/answer", response_model=AnswerOut, summary="Does this keep production safe and running?")
def answer(request: Request, ctx: Annotated[SiteCtx, Depends(require("view"))]) -> Any:
    return answer_of(request, ctx).as_dict()
