"""``GET /api/v1/sites/{site}/plan`` (the latest remediation plan), ``GET .../plan/controls``
(its compensating controls checked now, not stored), ``POST .../plan/run`` (solve
again, keeping pins: engineer, ``plan.edit``) and ``POST .../plan/items/{item}/pin|move|exclude``
(who: you; why: the body; audited). The same service functions as ``plantwarden plan``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from plantwarden.web.api.common import ERRORS, SITE
from plantwarden.web.deps import SiteCtx, require, state

router = APIRouter(tags=["plan"], responses=ERRORS)
Viewer = Annotated[SiteCtx, Depends(require("view"))]
Editor = Annotated[SiteCtx, Depends(require("plan.edit"))]


class RunIn(BaseModel):
    horizon_days: int = Field(default=180, ge=1, le=730, description="How far ahead to plan.")
    why: str = Field(min_length=1, description="Why the plan is solved again (audited).")
    solver: Literal["cbc", "cpsat"] = Field(
        default="cbc", description="cbc, or cpsat (the plantwarden[cpsat] extra; names binding constraints)."
    )


class PinIn(BaseModel):
    window: str | None = Field(default=None, description="Window name or NAME@DATE (not for exclude).")
    why: str = Field(min_length=1)


class PinOut(BaseModel):
    item: str
    kind: str
    window: str | None
    by: str
    why: str


@router.get(SITE + "/plan", summary="The latest remediation plan: items, windows, lines, controls")
def get_plan(request: Request, ctx: Viewer) -> Any:
    from plantwarden.plan.service import show_plan

    return show_plan(state(request).db_url, ctx.site.name)


@router.get(
    SITE + "/plan/controls",
    summary="The latest plan's compensating controls checked now on the captures since each began",
)
def get_controls(request: Request, ctx: Viewer) -> Any:
    from plantwarden.plan.evidence import check_controls

    return check_controls(state(request).db_url, ctx.site.name, record=False)


@router.post(SITE + "/plan/run", summary="Solve the plan again (pins kept); what changed is listed")
def run(request: Request, ctx: Editor, body: RunIn) -> Any:
    from plantwarden.plan.service import run_plan
    from plantwarden.web.changes import record

    db_url = state(request).db_url
    plan = run_plan(db_url, ctx.site.name, body.horizon_days, solver=body.solver)
    details = {"run": plan["run"], "status": plan["status"], "changes": len(plan["changes"])}
    record(db_url, ctx, "plan.run", str(plan["run"]), body.why, details)
    return plan


@router.post(
    SITE + "/plan/items/{item}/{kind}", response_model=PinOut, summary="Pin, move or exclude an item"
)
def pin(
    request: Request, ctx: Editor, item: str, kind: Literal["pin", "move", "exclude"], body: PinIn
) -> Any:
    from plantwarden.plan.service import set_pin

    p = set_pin(state(request).db_url, ctx.site.name, kind, item, body.window, ctx.principal.name, body.why)
    return PinOut(item=p.item, kind=p.kind, window=p.window, by=p.by, why=p.why)
