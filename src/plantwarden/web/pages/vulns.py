"""``/sites/{site}/vulns`` (worst first, each with its one-line why and production at risk),
``/sites/{site}/vulns/rollup`` (per line and per zone) and ``/sites/{site}/vulns/{asset}/{cve}``
(evidence and provenance): the same services as ``GET /api/v1/sites/{site}/vulns``."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, Query, Request
from fastapi.responses import Response

from plantwarden.vulns import service
from plantwarden.vulns.risk import DECISION
from plantwarden.web.api.vulns import STATUSES, AssetName, Cve, one, vuln_page
from plantwarden.web.deps import SiteCtx, require, state
from plantwarden.web.pages.common import page_router
from plantwarden.web.paging import Page
from plantwarden.web.templating import render

router = page_router()
NAV = ("Vulnerabilities", "vulns")
Viewer = Annotated[SiteCtx, Depends(require("view"))]
Text = Annotated[str | None, Query(max_length=200)]


@router.get("/sites/{site}/vulns")
def vulns(
    request: Request,
    ctx: Viewer,
    page: Page,
    line: Text = None,
    status: Text = None,
    decision: Text = None,
    kev: bool = False,
) -> Response:
    given = {k: v for k, v in (("line", line), ("status", status), ("decision", decision)) if v}
    body = vuln_page(request, ctx, page, kev=kev, **given)
    if kev:
        given["kev"] = "true"
    body_all = service.site_vulns(state(request).db_url, ctx.site.name)
    context = {
        "rows": body.items,
        "next_url": "?" + urlencode({**given, "cursor": body.next}) if body.next else None,
        "chosen": given,
        "lines": [g["line"] for g in body_all["by_line"]],
        "statuses": STATUSES,
        "decisions": list(DECISION.values()),
        "bundle": body_all["bundle"],
        "kev_bundle": body_all["kev_bundle"],
        "observed": body_all["observed_traffic"],
    }
    return render(request, "vulns.html", context, site=ctx.site)


@router.get("/sites/{site}/vulns/rollup")
def rollup(request: Request, ctx: Viewer) -> Response:
    body = service.site_vulns(state(request).db_url, ctx.site.name)
    return render(request, "vulns_rollup.html", {"b": body}, site=ctx.site)


@router.get("/sites/{site}/vulns/{asset}/{cve}")
def vuln(request: Request, ctx: Viewer, asset: AssetName, cve: Cve) -> Response:
    return render(request, "vuln.html", {"v": one(request, ctx, asset, cve)}, site=ctx.site)
