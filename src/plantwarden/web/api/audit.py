"""``GET /api/v1/audit`` (an admin: the whole store; others: their sites' entries) and
``GET /api/v1/sites/{site}/audit``; newest first, paged by sequence number."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from plantwarden.people.audit import entries_query, row_of
from plantwarden.people.models import AuditEntry
from plantwarden.web import paging
from plantwarden.web.access import visible_sites
from plantwarden.web.api.common import ERRORS, PREFIX, SITE
from plantwarden.web.deps import SiteCtx, Who, require, state
from plantwarden.web.paging import Key, Page
from plantwarden.web.schemas import Paged

router = APIRouter(tags=["audit"], responses=ERRORS)
KEYS = [Key(AuditEntry.seq, int, desc=True)]


class AuditOut(BaseModel):
    seq: int
    ts: datetime
    actor: str
    site: str | None
    action: str
    target: str
    why: str
    details: dict[str, Any]
    hash: str


Since = Annotated[datetime | None, Query(description="Only entries at or after this time (ISO 8601).")]
Action = Annotated[str | None, Query(max_length=100, description="Only this action (alert.ack...).")]


def audit_page(
    request: Request, site_ids: list[int] | None, page: paging.PageRequest, since: Any, action: Any
) -> Paged[AuditOut]:
    """A page of the entries of those sites (None: the whole store), newest first."""
    query = paging.keyset(entries_query(site_ids, since, action), KEYS, page)
    with state(request).reading() as session:
        rows = [row_of(e, name) for e, name in session.execute(query)]
    body = paging.answer(rows, page, key=lambda r: (r.seq,), item=lambda r: AuditOut(**r.as_dict()))
    return Paged[AuditOut](**body)


@router.get(PREFIX + "/audit", response_model=Paged[AuditOut], summary="The audit log (newest first)")
def audit(request: Request, who: Who, page: Page, since: Since = None, action: Action = None) -> Any:
    site_ids: list[int] | None = None
    if not who.is_admin:
        with state(request).reading() as session:
            site_ids = [s.id for s in visible_sites(session, who) if s.id is not None]
    return audit_page(request, site_ids, page, since, action)


@router.get(SITE + "/audit", response_model=Paged[AuditOut], summary="A site's audit log (newest first)")
def site_audit(
    request: Request,
    ctx: Annotated[SiteCtx, Depends(require("view"))],
    page: Page,
    since: Since = None,
    action: Action = None,
) -> Any:
    return audit_page(request, [ctx.site_id], page, since, action)
