"""``GET /api/v1/me``: who the request acts as, and their role on each site they may view."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

from plantwarden.web.access import visible_sites
from plantwarden.web.api.common import ERRORS, PREFIX
from plantwarden.web.deps import Who, state

router = APIRouter(prefix=PREFIX, tags=["people"], responses=ERRORS)


class MeOut(BaseModel):
    name: str
    admin: bool
    via: str  # "token" or "session"
    token_id: int | None
    roles: dict[str, str]  # site name -> role


@router.get("/me", response_model=MeOut, summary="Who am I?")
def me(request: Request, who: Who) -> MeOut:
    with state(request).reading() as session:
        sites = visible_sites(session, who)
    roles = {s.name: who.role_on(s.id) or "" for s in sites}
    via = getattr(request.state, "via", None) or "token"
    return MeOut(name=who.name, admin=who.is_admin, via=via, token_id=who.token_id, roles=roles)
