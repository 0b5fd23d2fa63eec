"""``/sites/{site}``: the production answer first (filled in after the skeleton)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from plantwarden.store.site_list import list_sites
from plantwarden.web.deps import OnSite, state
from plantwarden.web.pages.common import page_router
from plantwarden.web.templating import render

router = page_router()
NAV = ("Overview", "")


@router.get("/sites/{site}")
def home(request: Request, ctx: OnSite) -> Response:
    summary = next(s for s in list_sites(state(request).db_url) if s.name == ctx.site.name)
    return render(request, "home.html", {"summary": summary}, site=ctx.site)
