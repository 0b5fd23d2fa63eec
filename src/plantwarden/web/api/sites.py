"""``GET /api/v1/sites`` (the sites the principal may view) and ``GET /api/v1/sites/{site}``."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from pydantic import BaseModel

from plantwarden.people.roles import Principal
from plantwarden.store.site_list import SiteSummary, list_sites
from plantwarden.web import paging
from plantwarden.web.access import visible_sites
from plantwarden.web.api.common import ERRORS, PREFIX, SITE
from plantwarden.web.deps import OnSite, Who, state
from plantwarden.web.paging import Page
from plantwarden.web.schemas import Paged

router = APIRouter(prefix="", tags=["sites"], responses=ERRORS)


class SiteOut(BaseModel):
    name: str
    created_at: datetime
    model_version: int | None
    captures: int
    hosts: int
    open_alerts: int
    newest_capture_ts: float | None
    role: str | None  # the caller's role on it


def _out(summary: SiteSummary, who: Principal, site_id: int | None) -> SiteOut:
    s = summary
    return SiteOut(
        name=s.name,
        created_at=s.created_at,
        model_version=s.model_version,
        captures=s.captures,
        hosts=s.hosts,
        open_alerts=s.open_alerts,
        newest_capture_ts=s.newest_capture_ts,
        role=who.role_on(site_id),
    )


@router.get(PREFIX + "/sites", response_model=Paged[SiteOut], summary="The sites you may view")
def sites(request: Request, who: Who, page: Page) -> Paged[SiteOut]:
    web = state(request)
    with web.reading() as session:
        ids = {s.name: s.id for s in visible_sites(session, who)}
    rows = [s for s in list_sites(web.db_url) if s.name in ids]
    body = paging.from_list(rows, page, key=lambda s: (s.name,), item=lambda s: _out(s, who, ids[s.name]))
    return Paged[SiteOut](**body)


@router.get(SITE, response_model=SiteOut, summary="One site")
def site(request: Request, ctx: OnSite) -> SiteOut:
    found = next(s for s in list_sites(state(request).db_url) if s.name == ctx.site.name)
    return _out(found, ctx.principal, ctx.site_id)
