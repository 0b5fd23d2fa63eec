"""``/``: to the first site the principal may view (the login page without an identity)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from plantwarden.web.access import visible_sites
from plantwarden.web.deps import Who, state
from plantwarden.web.pages.common import page_router
from plantwarden.web.templating import render

router = page_router()


@router.get("/")
def root(request: Request, who: Who) -> Response:
    with state(request).reading() as session:
        sites = visible_sites(session, who)
    if not sites:
        return render(request, "no_sites.html", {})
    return RedirectResponse(f"/sites/{quote(sites[0].name, safe='')}", status_code=303)
