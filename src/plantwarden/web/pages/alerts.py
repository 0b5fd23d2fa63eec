"""The alert queue page: ``/sites/{site}/alerts`` (filters, worst first, keyset pages, bulk
acknowledge with a reason) and ``/sites/{site}/alerts/{id}`` (one alert, its history and the
actions its state allows). The same services as the API (:mod:`plantwarden.web.api.alerts`);
htmx swaps the table when a filter changes, and every form works without JavaScript."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from plantwarden.detect.alerts import ACTIONS, STATES
from plantwarden.detect.listing import parse_filter
from plantwarden.detect.model import Severity
from plantwarden.detect.queue import rule_names
from plantwarden.web.api.alert_view import detail_of, site_view
from plantwarden.web.api.alerts import AlertId, act, alert_page, bulk_ack
from plantwarden.web.deps import SiteCtx, require
from plantwarden.web.errors import ApiError
from plantwarden.web.pages.common import page_router
from plantwarden.web.paging import Page
from plantwarden.web.templating import render

router = page_router()
NAV = ("Alerts", "alerts")

Viewer = Annotated[SiteCtx, Depends(require("view"))]
Worker = Annotated[SiteCtx, Depends(require("alert.work"))]
FILTERS = ("state", "severity", "rule", "asset", "zone", "line", "since", "until")
OPEN = "new,acknowledged"  # the page's default: what still needs someone


def _values(request: Request) -> dict[str, str | None]:
    """The filters as given (blank: none); without ``state`` the open alerts."""
    given = {k: (request.query_params.get(k) or "").strip()[:500] or None for k in FILTERS}
    if "state" not in request.query_params:
        given["state"] = OPEN
    return given


def _choices(request: Request, site_id: int) -> dict[str, list[str]]:
    site = site_view(request, site_id).site
    return {
        "states": [OPEN, *STATES],
        "severities": [s.label for s in sorted(Severity, reverse=True)],
        "rules": rule_names(),
        "zones": [z.name for z in site.zones] if site else [],
        "lines": [x.name for x in site.lines] if site else [],
    }


def _can_work(ctx: SiteCtx) -> bool:
    from plantwarden.people.roles import can

    return can(ctx.principal, ctx.site_id, "alert.work")


@router.get("/sites/{site}/alerts")
def queue(request: Request, ctx: Viewer, page: Page) -> Response:
    values = _values(request)
    found, problems = parse_filter(values, site_view(request, ctx.site_id).site)
    body = None if found is None else alert_page(request, ctx, found, page)
    kept = {k: v or "" for k, v in values.items()}
    context: dict[str, Any] = {
        "values": kept,
        "problems": problems,
        "alerts": body.items if body else [],
        "next_url": f"?{urlencode({**kept, 'cursor': body.next})}" if body and body.next else None,
        "first_page": page.after is None,
        "can_work": _can_work(ctx),
        "done": request.query_params.get("done"),
        **_choices(request, ctx.site_id),
    }
    status = 422 if problems else 200
    template = "alerts_table.html" if request.headers.get("HX-Request") else "alerts.html"
    return render(request, template, context, site=ctx.site, status=status)


def _site_path(ctx: SiteCtx, rest: str) -> str:
    return f"/sites/{quote(ctx.site.name, safe='')}{rest}"


async def _form(request: Request) -> tuple[str, list[str]]:
    form = await request.form()
    why = form.get("why")
    ids = [i for i in form.getlist("ids") if isinstance(i, str)]
    return (why.strip() if isinstance(why, str) else ""), ids


@router.post("/sites/{site}/alerts/ack")
async def ack_selected(request: Request, ctx: Worker) -> Response:
    why, ids = await _form(request)
    if not ids:
        raise ApiError(422, "choose at least one alert to acknowledge")
    if not why:
        raise ApiError(422, "say why (it goes to the audit log)")
    done = await run_in_threadpool(bulk_ack, request, ctx, ids, why)
    back = request.headers.get("referer") or _site_path(ctx, "/alerts")
    return RedirectResponse(_with_done(back, f"{len(done)} acknowledged"), status_code=303)


def _with_done(url: str, text: str) -> str:
    from urllib.parse import parse_qsl, urlsplit, urlunsplit

    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in ("done", "cursor")]
    return urlunsplit(("", "", parts.path, urlencode([*query, ("done", text)]), ""))


@router.get("/sites/{site}/alerts/{alert_id}")
def one(request: Request, ctx: Viewer, alert_id: AlertId) -> Response:
    from plantwarden.web.pages.frames import frames_context

    alert = detail_of(request, ctx.site_id, alert_id)
    possible = [a for a in ACTIONS if _allowed(a, alert.state)]
    context = {
        "alert": alert,
        "actions": possible if _can_work(ctx) else [],
        "done": request.query_params.get("done"),
        **frames_context(request, ctx, alert.id),
    }
    return render(request, "alert.html", context, site=ctx.site)


def _allowed(action: str, state: str) -> bool:
    """The actions offered in a state (the service still refuses one that makes no sense)."""
    if state == "closed":
        return action in ("reopen", "unmute")
    return action != "reopen" and not (action == "ack" and state == "acknowledged")


@router.post("/sites/{site}/alerts/{alert_id}/{action}")
async def act_on(request: Request, ctx: Worker, alert_id: AlertId, action: str) -> Response:
    if action not in ACTIONS:
        raise ApiError(404, f"no action {action!r} (one of {', '.join(ACTIONS)})")
    why, _ = await _form(request)
    if not why:
        raise ApiError(422, "say why (it goes to the audit log)")
    done = await run_in_threadpool(act, request, ctx, alert_id, action, why)
    target = _site_path(ctx, f"/alerts/{done.id}")
    return RedirectResponse(f"{target}?{urlencode({'done': f'{action}: {done.state}'})}", status_code=303)
