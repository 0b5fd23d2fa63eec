"""``/sites/{site}/assets`` (declared versus observed, differences said in words, filters)
and ``/sites/{site}/assets/{asset}`` (identity, every field with its provenance,
conversations, alerts, timeline): the same services as ``GET .../assets``."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, Path, Query, Request
from fastapi.responses import Response

from plantwarden.inventory.overview import STATUSES, AssetFilter
from plantwarden.vulns import service
from plantwarden.web.api import siteload
from plantwarden.web.api.assets import asset_page, view_of
from plantwarden.web.deps import SiteCtx, require, state
from plantwarden.web.pages.common import page_router
from plantwarden.web.paging import Page
from plantwarden.web.templating import render

router = page_router()
NAV = ("Assets", "assets")
Viewer = Annotated[SiteCtx, Depends(require("view"))]
Text = Annotated[str | None, Query(max_length=200)]


def _blank(value: str | None) -> str | None:
    """A filter left at "any" in the form is no filter."""
    return value if value else None


@router.get("/sites/{site}/assets")
def assets(
    request: Request,
    ctx: Viewer,
    page: Page,
    zone: Text = None,
    line: Text = None,
    role: Text = None,
    vendor: Text = None,
    status: Text = None,
) -> Response:
    chosen = AssetFilter(*(_blank(v) for v in (zone, line, role, vendor, status)))
    body = asset_page(request, ctx, chosen, page)
    report = siteload.inventory(state(request).db_url, ctx)
    site = report.site
    given = {k: v for k, v in vars_of(chosen).items() if v is not None}
    context = {
        "rows": body.items,
        "next_url": "?" + urlencode({**given, "cursor": body.next}) if body.next else None,
        "chosen": given,
        "zones": [z.name for z in site.zones] if site is not None else [],
        "lines": [x.name for x in site.lines] if site is not None else [],
        "roles": sorted({r.role for r in body.items if r.role}),
        "statuses": STATUSES,
        "has_model": site is not None,
    }
    return render(request, "assets.html", context, site=ctx.site)


def vars_of(chosen: AssetFilter) -> dict[str, str | None]:
    return {k: getattr(chosen, k) for k in ("zone", "line", "role", "vendor", "status")}


@router.get("/sites/{site}/assets/{asset}")
def asset(
    request: Request, ctx: Viewer, asset: Annotated[str, Path(min_length=1, max_length=200)]
) -> Response:
    view = view_of(request, ctx, asset)
    found = service.site_vulns(state(request).db_url, ctx.site.name, asset=view.row.name)["items"]
    return render(request, "asset.html", {"a": view.as_dict(), "vulns": found}, site=ctx.site)
