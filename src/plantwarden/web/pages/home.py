"""``/sites/{site}``: the production answer first (lines at risk in money per hour, the worst
open alerts, single points of failure); the same service as ``GET .../answer``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response

from plantwarden.web.api.answer import answer_of
from plantwarden.web.deps import SiteCtx, require
from plantwarden.web.pages.common import page_router
from plantwarden.web.templating import render

router = page_router()
NAV = ("Overview", "")


@router.get("/sites/{site}")
def home(request: Request, ctx: Annotated[SiteCtx, Depends(require("view"))]) -> Response:
    return render(request, "home.html", {"answer": answer_of(request, ctx)}, site=ctx.site)
