"""``/sites/{site}/segmentation``: the segmentation audit of the stored captures grouped by
zone pair, violations first (``GET .../segmentation``), then flat networks and exposure paths."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response

from plantwarden.web.api.segmentation import audit_of, zone_pairs
from plantwarden.web.deps import SiteCtx, require
from plantwarden.web.pages.common import page_router
from plantwarden.web.templating import render

router = page_router()
NAV = ("Segmentation", "segmentation")


@router.get("/sites/{site}/segmentation")
def segmentation(request: Request, ctx: Annotated[SiteCtx, Depends(require("view"))]) -> Response:
    body = audit_of(request, ctx)
    pairs = zone_pairs(body)
    context = {
        "violated": sorted((p for p in pairs if p.violations), key=lambda p: -p.violation_flows),
        "clean": [p for p in pairs if not p.violations and p.client_zone != p.server_zone],
        "flat": body["flat_networks"],
        "exposure": body["exposure_paths"],
        "has_model": body["model"],
    }
    return render(request, "segmentation.html", context, site=ctx.site)
