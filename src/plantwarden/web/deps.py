"""FastAPI dependencies: who is asking, which site, and whether their role allows the action.

- :func:`identify` / :func:`current`: the principal of a ``Authorization: Bearer pw_...``
  token (:func:`plantwarden.people.tokens.authenticate_token_in`) or of the browser's session
  cookie (:mod:`plantwarden.web.sessions`); none -> 401.
- :func:`site_ctx`: the ``{site}`` path parameter (a site's name) resolved to a site the
  principal may view; unknown or not visible -> the same 404.
- :func:`require` (``Depends(require("alert.work"))``): the site context when
  :func:`plantwarden.people.roles.can` allows the action there, else 403.

Order of the checks, which every route shares (``tests/web/test_error_shape.py``): identity
(401), then the site (404), then the role (403), then the request's parameters and body (422).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Path, Request
from starlette.concurrency import run_in_threadpool

from plantwarden.people.roles import ACTIONS, Principal, can
from plantwarden.people.tokens import authenticate_token_in
from plantwarden.store.sites import SiteRef
from plantwarden.web.access import find_site
from plantwarden.web.errors import ApiError
from plantwarden.web.state import WebState

BEARER = {"WWW-Authenticate": "Bearer"}


def state(request: Request) -> WebState:
    web: WebState = request.app.state.pw
    return web


def _bearer(web: WebState, header: str) -> Principal:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "use the header Authorization: Bearer TOKEN", headers=BEARER)
    with web.writing() as session:
        principal = authenticate_token_in(session, token.strip())
    if principal is None:
        raise ApiError(401, "the token is unknown, revoked or expired", headers=BEARER)
    return principal


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf"


async def identify(request: Request) -> Principal | None:
    """The principal of the request (token first, then session cookie), or None; once per
    request. A state-changing request made with a session must carry its CSRF token."""
    if hasattr(request.state, "principal"):
        found: Principal | None = request.state.principal
        return found
    web = state(request)
    header = request.headers.get("authorization")
    principal: Principal | None = None
    request.state.via = None
    if header is not None:
        principal = await run_in_threadpool(_bearer, web, header)
        request.state.via = "token"
    else:
        from plantwarden.web import sessions

        session_id = request.cookies.get(sessions.cookie_name(web))
        live = None if session_id is None else await run_in_threadpool(sessions.lookup, web, session_id)
        if live is not None:
            principal, request.state.csrf, request.state.via = live.principal, live.csrf, "session"
            if request.method not in SAFE_METHODS:
                await check_csrf(request, live.csrf)
    request.state.principal = principal
    return principal


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", "")


async def check_csrf(request: Request, expected: str) -> None:
    """403 ``csrf_failed`` unless the request carries the session's token (``X-CSRF-Token``
    header, or the form field ``csrf``) and, when the browser says, comes from this origin."""
    from plantwarden.web.sessions import same_token

    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(FORM_TYPES):
        form = await request.form()
        field = form.get(CSRF_FIELD)
        given = field if isinstance(field, str) else None
    if not _same_origin(request) or not same_token(given, expected):
        raise ApiError(
            403,
            "this change needs the page's CSRF token (reload the page and try again)",
            code="csrf_failed",
        )


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


async def current(request: Request) -> Principal:
    """The principal; 401 without one."""
    principal = await identify(request)
    if principal is None:
        raise ApiError(401, "sign in, or send an API token (Authorization: Bearer TOKEN)", headers=BEARER)
    return principal


Who = Annotated[Principal, Depends(current)]
SiteName = Annotated[str, Path(min_length=1, max_length=300, description="The site's name.")]


@dataclass(frozen=True, slots=True)
class SiteCtx:
    """A site-scoped request: who, on which site, by which means (``token`` or ``session``)."""

    principal: Principal
    site: SiteRef
    via: str

    @property
    def site_id(self) -> int:
        assert self.site.id is not None
        return self.site.id

    @property
    def role(self) -> str | None:
        return self.principal.role_on(self.site.id)


def site_ctx(request: Request, site: SiteName, principal: Who) -> SiteCtx:
    """The named site, when the principal may view it; 404 otherwise (never which of the two)."""
    with state(request).reading() as session:
        found = find_site(session, principal, site)
    if found is None:
        raise ApiError(404, f"no site {site!r}")
    return SiteCtx(principal, found, getattr(request.state, "via", None) or "token")


OnSite = Annotated[SiteCtx, Depends(site_ctx)]


def require(action: str) -> Callable[[SiteCtx], SiteCtx]:
    """A dependency: the site context when the principal's role there allows ``action``, else 403."""
    needed = ACTIONS[action]  # an unknown action fails here, when the route is defined

    def allowed(ctx: OnSite) -> SiteCtx:
        if not can(ctx.principal, ctx.site_id, action):
            held = ctx.role or "no role"
            raise ApiError(403, f"{action} on site {ctx.site.name!r} needs the role {needed} (you: {held})")
        return ctx

    return allowed


def require_store(action: str) -> Callable[[Principal], Principal]:
    """A dependency for store-wide actions (no site: only an admin, :func:`can` with None)."""
    needed = ACTIONS[action]

    def allowed(principal: Who) -> Principal:
        if not can(principal, None, action):
            raise ApiError(403, f"{action} across the store needs an admin (role {needed} everywhere)")
        return principal

    return allowed
