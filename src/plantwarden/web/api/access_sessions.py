"""``GET /api/v1/sites/{site}/access/sessions``: the remote sessions the detection pass saw
and held against the grants (``access_sessions``, what ``plantwarden access report`` reads),
newest first, keyset-paged; ``GET .../access/findings``: only those that broke a grant or had
none (outside its window, scope creep, gateway bypassed, ...)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from sqlalchemy import Select, select

from plantwarden.access.models import AccessSession
from plantwarden.web import paging
from plantwarden.web.api.common import ERRORS, SITE
from plantwarden.web.deps import SiteCtx, require, state
from plantwarden.web.paging import Key, Page
from plantwarden.web.schemas import Paged

router = APIRouter(tags=["access"], responses=ERRORS)
Viewer = Annotated[SiteCtx, Depends(require("view"))]
Vendor = Annotated[str | None, Query(max_length=200, description="The vendor's company (exact).")]
KEYS = [Key(AccessSession.started_at, datetime, desc=True), Key(AccessSession.id, int)]


class SessionOut(BaseModel):
    id: int
    proto: str
    client: str
    client_port: int
    server: str
    server_port: int
    started_at: str
    ended_at: str
    capture: str
    first_frame: int
    packets: int
    bytes: int
    vendor: str | None
    grant: str | None  # the grant it ran under (None: none)
    findings: list[str]  # rule names; empty: inside its grant
    hints: dict[str, Any]  # identity seen in clear: RDP cookie, SSH banner, TLS SNI
    operations: list[Any]  # industrial operations carried during the session


def session_out(r: AccessSession) -> SessionOut:
    d = r.details or {}
    return SessionOut(
        id=r.id, proto=r.proto, client=r.client, client_port=r.client_port, server=r.server,
        server_port=r.server_port, started_at=r.started_at.isoformat(), ended_at=r.ended_at.isoformat(),
        capture=r.capture, first_frame=r.first_frame, packets=r.packets, bytes=r.bytes, vendor=r.vendor,
        grant=r.grant_key, findings=[f for f in r.findings.split(",") if f],
        hints=dict(d.get("hints") or {}), operations=list(d.get("operations") or []),
    )  # fmt: skip


def sessions_query(site_id: int, vendor: str | None, findings_only: bool) -> Select[AccessSession]:
    query = select(AccessSession).where(AccessSession.site_id == site_id)
    if vendor:
        query = query.where(AccessSession.vendor == vendor)
    if findings_only:
        query = query.where(AccessSession.findings != "")
    return query


def page_of(request: Request, ctx: SiteCtx, page: paging.PageRequest, vendor: str | None, only: bool) -> Any:
    query = paging.keyset(sessions_query(ctx.site_id, vendor, only), KEYS, page)
    with state(request).reading() as session:
        rows = list(session.scalars(query))
    return paging.answer(rows, page, key=lambda r: (r.started_at, r.id), item=session_out)


@router.get(SITE + "/access/sessions", response_model=Paged[SessionOut], summary="Remote sessions seen")
def sessions(request: Request, ctx: Viewer, page: Page, vendor: Vendor = None) -> Any:
    return page_of(request, ctx, page, vendor, False)


@router.get(SITE + "/access/findings", response_model=Paged[SessionOut], summary="Sessions with findings")
def findings(request: Request, ctx: Viewer, page: Page, vendor: Vendor = None) -> Any:
    return page_of(request, ctx, page, vendor, True)
