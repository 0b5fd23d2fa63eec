"""``/sites/{site}/spof``: single points of failure ranked by the production each alone
stops, and the pairs that stop what neither stops alone (``GET .../spof``, ``.../spof/pairs``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response

from plantwarden.continuity import spof
from plantwarden.web.api import siteload
from plantwarden.web.deps import SiteCtx, require, state
from plantwarden.web.pages.common import page_router
from plantwarden.web.templating import render

router = page_router()
NAV = ("SPOF", "spof")


@router.get("/sites/{site}/spof")
def single_points(request: Request, ctx: Annotated[SiteCtx, Depends(require("view"))]) -> Response:
    model = siteload.model(state(request).db_url, ctx)
    graph = siteload.graph(model)
    ranked = spof.singles(graph)
    context = {
        "singles": [s for s in ranked if s.lines],
        "harmless": len([s for s in ranked if not s.lines]),
        "pairs": spof.pairs(graph, ranked),
        "currency": str(model.site.currency),
    }
    return render(request, "spof.html", context, site=ctx.site)
