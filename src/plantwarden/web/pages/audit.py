"""``/sites/{site}/audit`` (the site's entries) and ``/audit`` (the whole store, admins only):
the audit log newest first, paged, with ``audit verify``'s verdict on the hash chain."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from plantwarden.people.audit import verify
from plantwarden.people.roles import Principal
from plantwarden.web.api.audit import audit_page
from plantwarden.web.deps import SiteCtx, require, require_store, state
from plantwarden.web.pages.common import page_router
from plantwarden.web.paging import Page, PageRequest
from plantwarden.web.templating import render

router = page_router()
NAV = ("Audit", "audit")


async def _show(
    request: Request, site_ids: list[int] | None, page: PageRequest, ctx: SiteCtx | None
) -> Response:
    body = await run_in_threadpool(audit_page, request, site_ids, page, None, None)
    verdict = await run_in_threadpool(verify, state(request).db_url)
    context = {"entries": body.items, "next": body.next, "verdict": verdict, "store_wide": ctx is None}
    return render(request, "audit.html", context, site=None if ctx is None else ctx.site)


@router.get("/sites/{site}/audit")
async def site_audit(
    request: Request, ctx: Annotated[SiteCtx, Depends(require("view"))], page: Page
) -> Response:
    return await _show(request, [ctx.site_id], page, ctx)


@router.get("/audit")
async def store_audit(
    request: Request, _: Annotated[Principal, Depends(require_store("user.manage"))], page: Page
) -> Response:
    return await _show(request, None, page, None)
