"""``/sites/{site}/audit`` (the site's entries) and ``/audit`` (the whole store, admins only):
the audit log newest first, paged, with ``audit verify``'s verdict on the hash chain.

The verdict walks the whole chain (8.8 s for 100,000 entries on SQLite), so the page asks
for it after loading (htmx, ``.../audit/verdict``), and a verdict is reused for
:data:`VERDICT_TTL_S` seconds within a process.
"""

from __future__ import annotations

import threading
import time
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from plantwarden.people.audit import Verdict, verify
from plantwarden.people.roles import Principal
from plantwarden.web.api.audit import audit_page
from plantwarden.web.deps import SiteCtx, require, require_store, state
from plantwarden.web.pages.common import page_router
from plantwarden.web.paging import Page, PageRequest
from plantwarden.web.templating import render

router = page_router()
NAV = ("Audit", "audit")
VERDICT_TTL_S = 60.0
_verdicts: dict[str, tuple[float, Verdict]] = {}
_lock = threading.Lock()

SiteViewer = Annotated[SiteCtx, Depends(require("view"))]
Admin = Annotated[Principal, Depends(require_store("user.manage"))]


def verdict_of(db_url: str) -> Verdict:
    """``audit verify``'s verdict, reused for :data:`VERDICT_TTL_S` seconds."""
    now = time.monotonic()
    with _lock:
        cached = _verdicts.get(db_url)
    if cached is not None and now - cached[0] < VERDICT_TTL_S:
        return cached[1]
    found = verify(db_url)
    with _lock:
        _verdicts[db_url] = (now, found)
    return found


async def _show(
    request: Request, site_ids: list[int] | None, page: PageRequest, ctx: SiteCtx | None
) -> Response:
    body = await run_in_threadpool(audit_page, request, site_ids, page, None, None)
    context = {"entries": body.items, "next": body.next, "store_wide": ctx is None}
    return render(request, "audit.html", context, site=None if ctx is None else ctx.site)


async def _verdict(request: Request, ctx: SiteCtx | None) -> Response:
    verdict = await run_in_threadpool(verdict_of, state(request).db_url)
    template = "audit_verdict.html" if request.headers.get("HX-Request") else "audit_verdict_page.html"
    return render(request, template, {"verdict": verdict}, site=None if ctx is None else ctx.site)


@router.get("/sites/{site}/audit")
async def site_audit(request: Request, ctx: SiteViewer, page: Page) -> Response:
    return await _show(request, [ctx.site_id], page, ctx)


@router.get("/sites/{site}/audit/verdict")
async def site_verdict(request: Request, ctx: SiteViewer) -> Response:
    return await _verdict(request, ctx)


@router.get("/audit")
async def store_audit(request: Request, _: Admin, page: Page) -> Response:
    return await _show(request, None, page, None)


@router.get("/audit/verdict")
async def store_verdict(request: Request, _: Admin) -> Response:
    return await _verdict(request, None)
