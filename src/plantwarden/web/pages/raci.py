"""``/sites/{site}/raci``: who is responsible and accountable for each line, asset and
activity, the gray areas first (``GET .../raci``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response

from plantwarden.web.api.governance import raci_rows
from plantwarden.web.deps import SiteCtx, require
from plantwarden.web.pages.common import page_router
from plantwarden.web.templating import render

router = page_router()
NAV = ("RACI", "raci")


@router.get("/sites/{site}/raci")
def raci(request: Request, ctx: Annotated[SiteCtx, Depends(require("view"))]) -> Response:
    rows = raci_rows(request, ctx)
    return render(request, "raci.html", {"gray": [r for r in rows if r.gray], "rows": rows}, site=ctx.site)
