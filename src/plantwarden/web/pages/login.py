"""``/login`` and ``/logout``: password sign-in to a server-side session (web/sessions.py).

The form carries a token that must equal a cookie set with it (a login form posted from
another site has neither), and a failed sign-in counts against the user name and the
client address (web/ratelimit.py: 429 beyond the limit). Every sign-in, failure, lockout and
sign-out goes to the audit log, never with the password; a name that is no user is not
written either (it may be a password typed in the wrong field).
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from plantwarden.people import audit
from plantwarden.people.models import User
from plantwarden.people.users import authenticate_password
from plantwarden.web import sessions
from plantwarden.web.deps import Who, state
from plantwarden.web.errors import ApiError, wants_html
from plantwarden.web.pages.common import page_router
from plantwarden.web.sessions import same_token
from plantwarden.web.state import WebState
from plantwarden.web.templating import render

router = page_router()
LOGIN_COOKIE = "pw_login"
WRONG = "wrong user name or password"


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site only (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


def _form(request: Request, target: str, message: str | None = None, status: int = 200) -> Response:
    token = secrets.token_urlsafe(24)
    page = render(
        request, "login.html", {"next": target, "login_csrf": token, "message": message}, status=status
    )
    web = state(request)
    page.set_cookie(
        LOGIN_COOKIE, token, max_age=3600, path="/login", secure=web.tls, httponly=True, samesite="strict"
    )
    return page


@router.get("/login")
def login_form(
    request: Request, target: Annotated[str, Query(alias="next", max_length=2000)] = "/"
) -> Response:
    return _form(request, safe_next(target))


def _known(web: WebState, name: str) -> bool:
    with web.reading() as session:
        return session.scalars(select(User.id).where(User.name == name)).first() is not None


def _audit(web: WebState, actor: str, action: str, name: str, address: str) -> None:
    target = name if _known(web, name) else "unknown user"
    audit.record(web.db_url, actor, action, target, details={"address": address})


def _refuse(
    request: Request, target: str, status: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    if wants_html(request):
        page = _form(request, target, message, status)
        page.headers.update(headers or {})
        return page
    raise ApiError(status, message, headers=headers)


@router.post("/login")
def login(
    request: Request,
    name: Annotated[str, Form(min_length=1, max_length=200)],
    password: Annotated[str, Form(min_length=1, max_length=1000)],
    csrf: Annotated[str, Form(max_length=200)],
    target: Annotated[str, Form(alias="next", max_length=2000)] = "/",
) -> Response:
    web = state(request)
    target = safe_next(target)
    if not same_token(request.cookies.get(LOGIN_COOKIE), csrf):
        raise ApiError(403, "the sign-in form has expired: open /login again", code="csrf_failed")
    address = request.client.host if request.client else "unknown"
    keys = (f"name:{name.lower()}", f"addr:{address}")
    wait = web.limiter.blocked(*keys)
    if wait is not None:
        retry = {"Retry-After": str(int(wait) + 1)}
        return _refuse(
            request, target, 429, f"too many failed sign-ins: try again in {int(wait) + 1} s", retry
        )
    principal = authenticate_password(web.db_url, name, password)
    if principal is None:
        web.limiter.failed(*keys)
        limited = web.limiter.blocked(*keys) is not None
        _audit(web, "anonymous", "login.limited" if limited else "login.failed", name, address)
        return _refuse(request, target, 401, WRONG)
    web.limiter.succeeded(keys[0])
    old = request.cookies.get(sessions.cookie_name(web))
    if old:
        sessions.end(web, old)  # the id the browser came with is never the signed-in one
    session_id, _ = sessions.start(web, principal.name)
    audit.record(
        web.db_url, principal.name, "login", principal.name, details={"via": "session", "address": address}
    )
    answer = RedirectResponse(target, status_code=303)
    sessions.set_cookie(web, answer, session_id)
    answer.delete_cookie(LOGIN_COOKIE, path="/login")
    return answer


@router.post("/logout")
async def logout(request: Request, who: Who) -> Response:
    web = state(request)
    session_id = request.cookies.get(sessions.cookie_name(web))
    answer = RedirectResponse("/login", status_code=303)
    if session_id and getattr(request.state, "via", None) == "session":
        await run_in_threadpool(sessions.end, web, session_id)
        await run_in_threadpool(audit.record, web.db_url, who.name, "logout", who.name)
    sessions.clear_cookie(web, answer)
    return answer
