"""``/sites/{site}/plan``: the latest remediation plan: per window its items, the lines that stop,
the production cost and the risk retired; per line the money at risk before and after; the
compensating controls, each checked now on the captures analysed since it began (``GET
.../plan``, ``GET .../plan/controls``; ``plantwarden plan``, ``plantwarden plan controls``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response

from plantwarden.errors import NotFoundError
from plantwarden.web.deps import SiteCtx, require, state
from plantwarden.web.pages.common import page_router
from plantwarden.web.templating import render

router = page_router()
NAV = ("Plan", "plan")


@router.get("/sites/{site}/plan")
def plan(request: Request, ctx: Annotated[SiteCtx, Depends(require("view"))]) -> Response:
    from plantwarden.plan.evidence import LABELS, check_controls
    from plantwarden.plan.service import show_plan

    body: dict[str, Any] | None
    db_url = state(request).db_url
    try:
        body = show_plan(db_url, ctx.site.name)
    except NotFoundError:
        body = None
    checks = check_controls(db_url, ctx.site.name, record=False) if body is not None else None
    context = {"body": body, "checks": checks, "labels": LABELS}
    return render(request, "plan.html", context, site=ctx.site)
