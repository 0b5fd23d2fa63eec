"""OT incident response (docs/incidents.md) through the same services as ``plantwarden
incident``: ``GET /api/v1/sites/{site}/incidents`` (newest first, filter ``state``),
``GET .../incidents/{ref}`` (timeline, evidence with its SHA-256 and custody, decisions, and
the playbook built now from the site model), ``POST .../incidents`` (open from alerts: their
frames preserved as evidence first), ``POST .../{ref}/note|decide|close``, and
``GET .../{ref}/cacao`` (the playbook as OASIS CACAO 2.0 JSON).

The services write the timeline and the audit entry (``incident.open``, ``incident.decide``,
...) in one transaction, by the signed-in user's name (``markus.braun`` is the RACI's
``Markus Braun``). Deciding needs ``incident.work`` (analyst); a decision with an override
needs ``incident.override`` (approver) as well, and its reason. Evidence files go to
``PLANTWARDEN_EVIDENCE_DIR``, else ``plantwarden-evidence/`` beside a SQLite store (else in
the server's working folder)."""

from __future__ import annotations

import os
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from plantwarden.people.roles import can
from plantwarden.web import paging
from plantwarden.web.api.common import ERRORS, SITE
from plantwarden.web.api.siteload import invalid
from plantwarden.web.changes import how
from plantwarden.web.deps import SiteCtx, require, state
from plantwarden.web.errors import ApiError
from plantwarden.web.paging import Page
from plantwarden.web.schemas import Paged, Reason

if TYPE_CHECKING:
    from plantwarden.incidents.playbook import Playbook
    from plantwarden.incidents.records import IncidentView
    from plantwarden.site.model import SiteModel

router = APIRouter(tags=["incidents"], responses=ERRORS)
Viewer = Annotated[SiteCtx, Depends(require("view"))]
Worker = Annotated[SiteCtx, Depends(require("incident.work"))]
Ref = Annotated[str, Path(min_length=1, max_length=40, description="INC-7 or 7.")]
INCIDENTS = SITE + "/incidents"


class IncidentOut(BaseModel):
    id: str  # INC-7
    title: str
    severity: str
    state: str  # open, contained, stabilised, recovered, closed
    opened_at: str
    opened_by: str
    updated_at: str
    closed_at: str | None
    source: str | None
    target: str | None
    assets: list[str]
    lines: list[str]
    alerts: list[str]


class OpenIn(BaseModel):
    alerts: list[str] = Field(default=[], max_length=200, description="Alert ids (or unique prefixes).")
    title: str | None = Field(
        default=None, max_length=300, description="By hand (default: the worst alert's)."
    )
    assets: list[str] = Field(default=[], max_length=200, description="By hand: the first is the target.")
    source: str | None = Field(default=None, max_length=200)
    severity: str | None = Field(default=None, max_length=20, description="low, medium, high, critical.")
    why: str = Field(min_length=1, max_length=2000)


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=4000)


class DecideIn(BaseModel):
    option: str = Field(min_length=1, max_length=200, description="An option of the playbook.")
    why: str = Field(min_length=1, max_length=2000)
    override: str | None = Field(
        default=None, max_length=2000, description="The reason to choose a marked option anyway."
    )


def incident_out(i: IncidentView) -> IncidentOut:
    d = i.document
    return IncidentOut(
        id=i.label, title=i.title, severity=i.severity, state=i.state, opened_at=i.opened_at.isoformat(),
        opened_by=i.opened_by, updated_at=i.updated_at.isoformat(),
        closed_at=i.closed_at.isoformat() if i.closed_at else None, source=i.source, target=i.target,
        assets=list(d.get("assets", [])), lines=list(d.get("lines", [])), alerts=list(d.get("alerts", [])),
    )  # fmt: skip


def listed(request: Request, ctx: SiteCtx, states: str | None) -> list[IncidentView]:
    from plantwarden.incidents.service import list_incidents
    from plantwarden.incidents.states import STATES

    wanted = frozenset(s.strip() for s in (states or "").split(",") if s.strip())
    unknown = sorted(wanted - set(STATES))
    if unknown:
        raise invalid([("state", f"unknown state {unknown[0]!r} (one of {', '.join(STATES)})")])
    return list_incidents(state(request).db_url, ctx.site_id, wanted)


@router.get(INCIDENTS, response_model=Paged[IncidentOut], summary="The site's incidents, newest first")
def incidents(
    request: Request,
    ctx: Viewer,
    page: Page,
    state_: Annotated[
        str | None, Query(alias="state", max_length=200, description="open,contained,...")
    ] = None,
) -> Any:
    rows = listed(request, ctx, state_)
    return paging.from_list(rows, page, key=lambda i: (-i.number,), item=incident_out)


def model_of(request: Request, ctx: SiteCtx) -> SiteModel | None:
    from plantwarden.continuity.source import stored_model

    return stored_model(state(request).db_url, ctx.site_id)


def loaded(
    request: Request, ctx: SiteCtx, ref: str
) -> tuple[IncidentView, Playbook | None, SiteModel | None]:
    """The incident and its playbook built now (None without a site model)."""
    from plantwarden.incidents.generate import for_incident
    from plantwarden.incidents.service import get_incident

    url = state(request).db_url
    incident = get_incident(url, ctx.site_id, ref)
    model = model_of(request, ctx)
    pb = for_incident(url, ctx.site_id, incident, model) if model is not None else None
    return incident, pb, model


def full(incident: IncidentView, pb: Playbook | None) -> dict[str, Any]:
    return {**incident.as_dict(), "playbook": pb.as_dict() if pb is not None else None}


@router.get(INCIDENTS + "/{ref}", response_model=dict[str, Any], summary="An incident and its playbook")
def incident(request: Request, ctx: Viewer, ref: Ref) -> Any:
    found, pb, _ = loaded(request, ctx, ref)
    return full(found, pb)


@router.get(INCIDENTS + "/{ref}/cacao", response_model=dict[str, Any], summary="The playbook as CACAO 2.0")
def cacao(request: Request, ctx: Viewer, ref: Ref) -> Any:
    from plantwarden.incidents.cacao import export
    from plantwarden.store.types import utc_now

    found, pb, model = loaded(request, ctx, ref)
    if pb is None or model is None:
        raise ApiError(409, f"site {ctx.site.name!r} has no site model stored: no playbook")
    return export(pb, model, found.opened_at, utc_now())


def evidence_dir(db_url: str) -> FsPath:
    given = os.environ.get("PLANTWARDEN_EVIDENCE_DIR")
    if given:
        return FsPath(given)
    if db_url.startswith("sqlite:///"):
        return FsPath(db_url.removeprefix("sqlite:///")).parent / "plantwarden-evidence"
    return FsPath("plantwarden-evidence")


def open_one(request: Request, ctx: SiteCtx, body: OpenIn) -> dict[str, Any]:
    from plantwarden.incidents.service import OpenRequest, open_incident

    url = state(request).db_url
    req = OpenRequest(
        alerts=tuple(body.alerts), title=body.title, severity=body.severity, assets=tuple(body.assets),
        source=body.source, by=ctx.principal.name, why=body.why, evidence_dir=evidence_dir(url), how=how(ctx),
    )  # fmt: skip
    made = open_incident(url, ctx.site_id, req, model_of(request, ctx))
    return made.as_dict()


@router.post(INCIDENTS, response_model=dict[str, Any], status_code=201, summary="Open an incident")
async def open_incident(request: Request, ctx: Worker, body: OpenIn) -> Any:
    return await run_in_threadpool(open_one, request, ctx, body)


def note_one(request: Request, ctx: SiteCtx, ref: str, text: str) -> dict[str, Any]:
    from plantwarden.incidents.service import note

    return note(state(request).db_url, ctx.site_id, ref, text, ctx.principal.name, how(ctx)).as_dict()


@router.post(INCIDENTS + "/{ref}/note", response_model=dict[str, Any], summary="Add a note to the timeline")
async def add_note(request: Request, ctx: Worker, ref: Ref, body: NoteIn) -> Any:
    return await run_in_threadpool(note_one, request, ctx, ref, body.text)


def decide_one(request: Request, ctx: SiteCtx, ref: str, body: DecideIn) -> dict[str, Any]:
    from plantwarden.incidents.decide import decide

    if body.override is not None and not can(ctx.principal, ctx.site_id, "incident.override"):
        raise ApiError(
            403, f"an override on site {ctx.site.name!r} needs the role approver (you: {ctx.role})"
        )
    url = state(request).db_url
    done = decide(
        url,
        ctx.site_id,
        ref,
        body.option,
        ctx.principal.name,
        body.why,
        model_of(request, ctx),
        body.override,
        how=how(ctx),
    )
    return done.as_dict()


@router.post(INCIDENTS + "/{ref}/decide", response_model=dict[str, Any], summary="Decide a playbook option")
async def decide(request: Request, ctx: Worker, ref: Ref, body: DecideIn) -> Any:
    return await run_in_threadpool(decide_one, request, ctx, ref, body)


def close_one(request: Request, ctx: SiteCtx, ref: str, why: str) -> dict[str, Any]:
    from plantwarden.incidents.service import close

    return close(state(request).db_url, ctx.site_id, ref, ctx.principal.name, why, how(ctx)).as_dict()


@router.post(INCIDENTS + "/{ref}/close", response_model=dict[str, Any], summary="Close (lessons learned)")
async def close(request: Request, ctx: Worker, ref: Ref, body: Reason) -> Any:
    return await run_in_threadpool(close_one, request, ctx, ref, body.why)
