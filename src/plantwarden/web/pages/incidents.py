"""``/sites/{site}/incidents``: the incident list and the open form (from alerts);
``/sites/{site}/incidents/{ref}``: the timeline, evidence with its SHA-256, decisions, and the
playbook (safety gate, containment ladder priced, decide buttons, the override form that needs
a reason); ``.../print``: the printable page for the control room (``incident export
--format html``). The same services as ``plantwarden incident`` and ``/api/v1/.../incidents``."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from plantwarden.continuity.text import minutes, money
from plantwarden.people.roles import can
from plantwarden.web.api import incidents as api
from plantwarden.web.deps import SiteCtx, require
from plantwarden.web.errors import ApiError
from plantwarden.web.pages.common import page_router
from plantwarden.web.pages.forms import body, fields, site_path, words
from plantwarden.web.templating import render

router = page_router()
NAV = ("Incidents", "incidents")
Viewer = Annotated[SiteCtx, Depends(require("view"))]
Worker = Annotated[SiteCtx, Depends(require("incident.work"))]
Ref = Annotated[str, Path(min_length=1, max_length=40)]
STATE_WORDS = {
    "open": "● open",
    "contained": "◐ contained",
    "stabilised": "◑ stabilised",
    "recovered": "○ recovered",
    "closed": "✓ closed",
}


@router.get("/sites/{site}/incidents")
def incident_list(request: Request, ctx: Viewer) -> Response:
    rows = api.listed(request, ctx, request.query_params.get("state") or None)
    context = {
        "incidents": [api.incident_out(i) for i in rows],
        "words": STATE_WORDS,
        "may_work": can(ctx.principal, ctx.site_id, "incident.work"),
        "alert": request.query_params.get("alert", ""),
    }
    return render(request, "incidents.html", context, site=ctx.site)


@router.get("/sites/{site}/incidents/{ref}")
def incident_page(request: Request, ctx: Viewer, ref: Ref) -> Response:
    found, pb, _ = api.loaded(request, ctx, ref)
    context = {
        "incident": found,
        "pb": pb,
        "words": STATE_WORDS,
        "money": money,
        "minutes": minutes,
        "may_work": can(ctx.principal, ctx.site_id, "incident.work") and found.state != "closed",
        "may_override": can(ctx.principal, ctx.site_id, "incident.override"),
        "done": request.query_params.get("done"),
    }
    return render(request, "incident.html", context, site=ctx.site)


@router.get("/sites/{site}/incidents/{ref}/print")
def printable(request: Request, ctx: Viewer, ref: Ref) -> Response:
    from plantwarden.incidents.html import page

    found, pb, _ = api.loaded(request, ctx, ref)
    if pb is None:
        raise ApiError(409, f"site {ctx.site.name!r} has no site model stored: no playbook")
    return HTMLResponse(page(pb, found))


def _back(ctx: SiteCtx, label: str, done: str) -> Response:
    query = urlencode({"done": done})
    return RedirectResponse(site_path(ctx, f"/incidents/{label}?{query}"), status_code=303)


@router.post("/sites/{site}/incidents")
async def open_one(request: Request, ctx: Worker) -> Response:
    data = await fields(request)
    data.pop("csrf", None)
    data["alerts"] = words(data.get("alerts"))
    data["assets"] = words(data.get("assets"))
    made = await run_in_threadpool(api.open_one, request, ctx, body(api.OpenIn, data))
    return _back(ctx, str(made["id"]), f"opened {made['id']}")


@router.post("/sites/{site}/incidents/{ref}/decide")
async def decide(request: Request, ctx: Worker, ref: Ref) -> Response:
    data = await fields(request)
    data.pop("csrf", None)
    if "override" in data and not data["override"]:
        raise ApiError(422, "an override needs its reason (why the marked option is chosen anyway)")
    made = await run_in_threadpool(api.decide_one, request, ctx, ref, body(api.DecideIn, data))
    last = made["decisions"][-1]
    return _back(ctx, str(made["id"]), f"decided {last['option']} ({made['state']})")


@router.post("/sites/{site}/incidents/{ref}/note")
async def note(request: Request, ctx: Worker, ref: Ref) -> Response:
    data = await fields(request)
    made = await run_in_threadpool(
        api.note_one, request, ctx, ref, body(api.NoteIn, {"text": data.get("text")}).text
    )
    return _back(ctx, str(made["id"]), "note added")


@router.post("/sites/{site}/incidents/{ref}/close")
async def close(request: Request, ctx: Worker, ref: Ref) -> Response:
    data = await fields(request)
    why = str(data.get("why") or "")
    if not why:
        raise ApiError(422, "say why: the lessons learned (kept in the timeline and the audit log)")
    made = await run_in_threadpool(api.close_one, request, ctx, ref, why)
    return _back(ctx, str(made["id"]), "closed")
