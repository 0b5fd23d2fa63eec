"""Vendor remote access (docs/access.md) through the same service as ``plantwarden access``:
``GET /api/v1/sites/{site}/access/grants`` (the site model's standing grants and the stored
ones, filters ``state`` and ``vendor``), ``GET .../grants/{grant}`` (with its history),
``POST .../grants`` (request), ``POST .../grants/{grant}/approve|deny|revoke``.

The service writes each change, its history row and its audit entry (``access.request``,
``access.approve``, ...) in one transaction, by the signed-in user's name; four eyes and the
RACI (the approver Responsible or Accountable for every asset, ``anna.keller`` being the
RACI's ``Anna Keller``) are the service's checks, refused with 422 and nothing stored. The
audit entries say how the change came (``via``: ``token`` or ``session``, as
:func:`plantwarden.web.changes.how`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from plantwarden.web import paging
from plantwarden.web.api import siteload
from plantwarden.web.api.common import ERRORS, SITE
from plantwarden.web.api.siteload import invalid
from plantwarden.web.changes import how
from plantwarden.web.deps import SiteCtx, require, state
from plantwarden.web.paging import Page
from plantwarden.web.schemas import Paged, Reason

if TYPE_CHECKING:
    from plantwarden.access.grants import Grant
    from plantwarden.site.model import SiteModel

router = APIRouter(tags=["access"], responses=ERRORS)
Viewer = Annotated[SiteCtx, Depends(require("view"))]
Requester = Annotated[SiteCtx, Depends(require("grant.request"))]
Approver = Annotated[SiteCtx, Depends(require("grant.approve"))]
GrantKey = Annotated[
    str, Path(min_length=1, max_length=200, description="G12 (stored) or a declared grant's name.")
]
GRANTS = SITE + "/access/grants"


class GrantOut(BaseModel):
    grant: str  # G12, or the declared grant's name
    source: str  # store | site
    state: str  # requested, approved, denied, active, expired, revoked
    grantee: str
    company: str
    assets: list[str]
    zone: str | None
    protocols: list[str]
    operations: str  # view | engineering
    start: str
    end: str
    ticket: str | None
    reason: str
    requested_by: str
    requested_at: str | None
    approved_by: str | None
    revoked_by: str | None
    revoked_at: str | None


class HistoryOut(BaseModel):
    action: str
    actor: str
    why: str
    ts: str


class GrantDetailOut(BaseModel):
    grant: GrantOut
    history: list[HistoryOut]


class GrantIn(BaseModel):
    """A grant request; times without an offset are the site's local time."""

    grantee: str = Field(min_length=1, max_length=200, description="Who connects.")
    company: str = Field(min_length=1, max_length=200, description="The vendor, as in the site model.")
    assets: list[str] = Field(default=[], max_length=200)
    zone: str | None = Field(default=None, max_length=200, description="A whole zone instead of assets.")
    protocols: list[str] = Field(default=[], max_length=50, description="ssh, rdp, vnc, s7comm, ...")
    operations: Literal["view", "engineering"] = "view"
    start: datetime | None = Field(default=None, description="Default: now.")
    end: datetime | None = None
    hours: float | None = Field(default=None, gt=0, le=24 * 365, description="Length instead of end.")
    ticket: str | None = Field(default=None, max_length=200)
    reason: str = Field(min_length=1, max_length=2000, description="The job to do.")


def grant_out(g: Grant, now: datetime) -> GrantOut:
    doc = g.as_dict(now)
    return GrantOut(**{k: doc[k] for k in GrantOut.model_fields})


def grants_of(request: Request, ctx: SiteCtx) -> tuple[list[Grant], SiteModel]:
    from plantwarden.access import service

    url = state(request).db_url
    model = siteload.model(url, ctx)
    return service.all_grants(url, ctx.site_id, model), model


def order(g: Grant) -> tuple[int, int, str]:
    """Standing grants first (by name), then the stored ones newest first."""
    return (0, 0, g.key) if g.id is None else (1, -g.id, "")


def filtered(grants: list[Grant], now: datetime, states: str | None, vendor: str | None) -> list[Grant]:
    from plantwarden.access.grants import STATES

    wanted = {s.strip() for s in (states or "").split(",") if s.strip()}
    unknown = sorted(wanted - set(STATES))
    if unknown:
        raise invalid([("state", f"unknown state {unknown[0]!r} (one of {', '.join(STATES)})")])
    v = (vendor or "").strip().casefold()
    return [
        g for g in grants
        if (not wanted or g.state(now) in wanted) and (not v or v in g.company.casefold())
    ]  # fmt: skip


@router.get(GRANTS, response_model=Paged[GrantOut], summary="Vendor remote-access grants")
def grants(
    request: Request,
    ctx: Viewer,
    page: Page,
    state_: Annotated[
        str | None, Query(alias="state", max_length=200, description="requested,approved,active,...")
    ] = None,
    vendor: Annotated[
        str | None, Query(max_length=200, description="The vendor's company (part of it).")
    ] = None,
) -> Any:
    now = datetime.now(UTC)
    found, _ = grants_of(request, ctx)
    rows = filtered(found, now, state_, vendor)
    return paging.from_list(rows, page, key=order, item=lambda g: grant_out(g, now))


def detail(request: Request, ctx: SiteCtx, key: str) -> GrantDetailOut:
    from plantwarden.access import service

    url = state(request).db_url
    grant, history = service.show(url, ctx.site_id, siteload.model(url, ctx), key)
    return GrantDetailOut(
        grant=grant_out(grant, datetime.now(UTC)), history=[HistoryOut(**h) for h in history]
    )


@router.get(GRANTS + "/{grant}", response_model=GrantDetailOut, summary="One grant and its history")
def grant(request: Request, ctx: Viewer, grant: GrantKey) -> Any:
    return detail(request, ctx, grant)


def _at(value: datetime | None, model: SiteModel) -> datetime | None:
    if value is None:
        return None
    return (value if value.tzinfo is not None else value.replace(tzinfo=model.tz)).astimezone(UTC)


def ask(request: Request, ctx: SiteCtx, body: GrantIn) -> GrantOut:
    from plantwarden.access import service
    from plantwarden.access.validate import GrantRequest

    url = state(request).db_url
    model = siteload.model(url, ctx)
    if body.end is not None and body.hours is not None:
        raise invalid([("hours", "give end or hours, not both")], "body")
    start = _at(body.start, model) or datetime.now(UTC)
    end = _at(body.end, model) if body.hours is None else start + timedelta(hours=body.hours)
    req = GrantRequest(
        body.grantee, body.company, tuple(body.assets), body.zone, tuple(body.protocols),
        body.operations, start, end, body.reason, body.ticket,
    )  # fmt: skip
    made = service.request(url, ctx.site_id, model, req, ctx.principal.name, how(ctx))
    return grant_out(made, datetime.now(UTC))


@router.post(GRANTS, response_model=GrantOut, status_code=201, summary="Request a grant")
async def request_grant(request: Request, ctx: Requester, body: GrantIn) -> Any:
    return await run_in_threadpool(ask, request, ctx, body)


def decide(request: Request, ctx: SiteCtx, key: str, action: str, why: str) -> GrantOut:
    from plantwarden.access import service

    url, who = state(request).db_url, ctx.principal.name
    if action == "approve":
        model = siteload.model(url, ctx)
        done = service.approve(url, ctx.site_id, model, key, who, why, principal=ctx.principal, how=how(ctx))
    elif action == "deny":
        done = service.deny(url, ctx.site_id, key, who, why, how(ctx))
    else:
        done = service.revoke(url, ctx.site_id, key, who, why, how(ctx))
    return grant_out(done, datetime.now(UTC))


def _action_route(action: str) -> None:
    async def act(request: Request, ctx: Approver, grant: GrantKey, body: Reason) -> Any:
        return await run_in_threadpool(decide, request, ctx, grant, action, body.why)

    router.add_api_route(
        GRANTS + "/{grant}/" + action, act, methods=["POST"], response_model=GrantOut,
        summary=f"{action.capitalize()} a grant", name=f"grant_{action}",
    )  # fmt: skip


for _action in ("approve", "deny", "revoke"):
    _action_route(_action)
