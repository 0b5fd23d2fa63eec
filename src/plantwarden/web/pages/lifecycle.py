"""``/sites/{site}/lifecycle``: legacy share per zone and line, IT components ending support
before the OT systems that need them, each asset's end of support (``GET .../lifecycle``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.responses import Response

from plantwarden.web.api.governance import lifecycle_of
from plantwarden.web.deps import SiteCtx, require
from plantwarden.web.pages.common import page_router
from plantwarden.web.templating import render

router = page_router()
NAV = ("Lifecycle", "lifecycle")


@router.get("/sites/{site}/lifecycle")
def lifecycle(
    request: Request,
    ctx: Annotated[SiteCtx, Depends(require("view"))],
    at: Annotated[date | None, Query(description="The day to judge at.")] = None,
) -> Response:
    return render(request, "lifecycle.html", {"body": lifecycle_of(request, ctx, at)}, site=ctx.site)
