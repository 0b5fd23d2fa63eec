"""``/sites/{site}/segmentation``: the segmentation audit of the stored captures grouped by
zone pair, violations first (``GET .../segmentation``), then flat networks and exposure paths."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response

from plantwarden.continuity.source import stored_model
from plantwarden.web.api.segmentation import audit_of, zone_pairs
from plantwarden.web.deps import SiteCtx, require, state
from plantwarden.web.pages.common import page_router
from plantwarden.web.pages.words import exposure_routes
from plantwarden.web.templating import render

router = page_router()
NAV = ("Segmentation", "segmentation")


@router.get("/sites/{site}/segmentation")
def segmentation(request: Request, ctx: Annotated[SiteCtx, Depends(require("view"))]) -> Response:
    body = audit_of(request, ctx)
    pairs = zone_pairs(body)
    model = stored_model(state(request).db_url, ctx.site_id)
    addresses = {x for p in pairs for g in p.groups for x in [g.client, *g.servers]}
    names = {a: found.name for a in addresses if model and (found := model.asset_for_ip(a)) is not None}
    context = {
        "violated": sorted((p for p in pairs if p.violations), key=lambda p: -p.violation_flows),
        "clean": [p for p in pairs if not p.violations and p.client_zone != p.server_zone],
        "flat": body["flat_networks"],
        "exposure": exposure_routes(body["exposure_paths"]),
        "has_model": body["model"],
        "names": names,
    }
    return render(request, "segmentation.html", context, site=ctx.site)
