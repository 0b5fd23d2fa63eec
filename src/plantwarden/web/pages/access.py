"""``/sites/{site}/access``: vendor remote-access grants (states in words), a grant's page
with its history and, for approvers, approve / deny / revoke; the request form (engineers);
``/sites/{site}/access/sessions``: the sessions seen on the wire and their findings. The
same service functions as ``plantwarden access`` and ``/api/v1/sites/{site}/access/...``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, Path, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from plantwarden.people.roles import can
from plantwarden.web.api import access_sessions, grants
from plantwarden.web.deps import SiteCtx, require
from plantwarden.web.errors import ApiError
from plantwarden.web.pages.common import page_router
from plantwarden.web.pages.forms import body, fields, site_path, words
from plantwarden.web.paging import PageRequest
from plantwarden.web.templating import render

router = page_router()
NAV = ("Access", "access")
Viewer = Annotated[SiteCtx, Depends(require("view"))]
Requester = Annotated[SiteCtx, Depends(require("grant.request"))]
Approver = Annotated[SiteCtx, Depends(require("grant.approve"))]
GrantKey = Annotated[str, Path(min_length=1, max_length=200)]
#: Each state in a symbol and words (colour only repeats it).
STATE_WORDS = {
    "requested": ("?", "requested, waiting for an approver"),
    "approved": ("✓", "approved, its window has not started"),
    "active": ("●", "active: its window is open now"),
    "expired": ("○", "expired: its window has ended"),
    "denied": ("✗", "denied"),
    "revoked": ("⊘", "revoked"),
}
DECISIONS = ("approve", "deny", "revoke")


@router.get("/sites/{site}/access")
def grant_list(request: Request, ctx: Viewer) -> Response:
    now = datetime.now(UTC)
    state = request.query_params.get("state") or None
    vendor = request.query_params.get("vendor") or None
    found, model = grants.grants_of(request, ctx)
    rows = sorted(grants.filtered(found, now, state, vendor), key=grants.order)
    context = {
        "grants": [grants.grant_out(g, now) for g in rows],
        "words": STATE_WORDS,
        "state": state or "",
        "vendor": vendor or "",
        "vendors": [v.company for v in model.vendors],
        "may_request": can(ctx.principal, ctx.site_id, "grant.request"),
        "done": request.query_params.get("done"),
    }
    return render(request, "access.html", context, site=ctx.site)


@router.get("/sites/{site}/access/sessions")
def sessions(request: Request, ctx: Viewer) -> Response:
    only = request.query_params.get("findings") == "1"
    page = access_sessions.page_of(request, ctx, PageRequest(200, None), None, only)
    context = {"sessions": page["items"], "only": only, "more": page["next"] is not None}
    return render(request, "access_sessions.html", context, site=ctx.site)


@router.get("/sites/{site}/access/grants/{grant}")
def grant_page(request: Request, ctx: Viewer, grant: GrantKey) -> Response:
    found = grants.detail(request, ctx, grant)
    state = found.grant.state
    may = can(ctx.principal, ctx.site_id, "grant.approve") and found.grant.source == "store"
    open_now = state in ("approved", "active")
    actions = [a for a in DECISIONS if may and (state == "requested" or (a == "revoke" and open_now))]
    context = {
        "grant": found.grant,
        "history": found.history,
        "words": STATE_WORDS,
        "actions": actions,
        "done": request.query_params.get("done"),
    }
    return render(request, "access_grant.html", context, site=ctx.site)


@router.post("/sites/{site}/access/grants")
async def request_grant(request: Request, ctx: Requester) -> Response:
    data = await fields(request)
    data.pop("csrf", None)
    for key in ("assets", "protocols"):
        data[key] = words(data.get(key))
    made = await run_in_threadpool(grants.ask, request, ctx, body(grants.GrantIn, data))
    return RedirectResponse(site_path(ctx, f"/access/grants/{made.grant}?done=requested"), status_code=303)


@router.post("/sites/{site}/access/grants/{grant}/{action}")
async def decide(request: Request, ctx: Approver, grant: GrantKey, action: str) -> Response:
    if action not in DECISIONS:
        raise ApiError(404, f"no action {action!r} (one of {', '.join(DECISIONS)})")
    why = str((await fields(request)).get("why") or "")
    if not why:
        raise ApiError(422, "say why (it goes to the grant's history and the audit log)")
    done = await run_in_threadpool(grants.decide, request, ctx, grant, action, why)
    done_text = urlencode({"done": f"{action}: {done.state}"})
    return RedirectResponse(site_path(ctx, f"/access/grants/{done.grant}?{done_text}"), status_code=303)
