"""What every page module imports: routes hidden from the OpenAPI document, the site context."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from plantwarden.web.deps import OnSite, SiteCtx, require

#: Page routers: HTML answers, not part of the API's OpenAPI document.
page_router = partial(APIRouter, include_in_schema=False, default_response_class=HTMLResponse)

__all__ = ["OnSite", "SiteCtx", "page_router", "require"]
