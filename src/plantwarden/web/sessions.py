"""Browser sessions, kept server-side (table ``web_sessions``, revision ``0005``).

The cookie holds a random session id (32 bytes); the store holds only its SHA-256, the user,
when it was created and last seen, when it expires, and its CSRF token. A session ends after
:attr:`WebState.session_idle` without a request, after :attr:`WebState.session_max` in any
case, at logout, or when its user is disabled. Signing in always makes a new id (and ends
the session the browser came with): an id planted before login (session fixation) is never
the one that is signed in. The cookie is ``HttpOnly``, ``SameSite=Lax``, and ``Secure`` under
TLS (then named ``__Host-pw_session``, which browsers keep to this exact host and path).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from fastapi import Response
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from plantwarden.people.models import User
from plantwarden.people.roles import Principal
from plantwarden.people.users import principal_of
from plantwarden.store.types import utc_now
from plantwarden.web.models import WebSession
from plantwarden.web.state import WebState

COOKIE = "pw_session"
TLS_COOKIE = "__Host-pw_session"
#: ``last_seen_at`` is written at most this often (idle expiry is therefore this coarse).
SEEN_RESOLUTION = timedelta(minutes=1)


def cookie_name(web: WebState) -> str:
    return TLS_COOKIE if web.tls else COOKIE


def digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Found:
    """A live session: who, and the CSRF token its forms and htmx requests must carry."""

    principal: Principal
    csrf: str


def start(web: WebState, user_name: str) -> tuple[str, str]:
    """A new session of the user: (the id for the cookie, its CSRF token)."""
    session_id = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = utc_now()
    with web.writing() as session:
        user_id = session.scalars(select(User.id).where(User.name == user_name)).one()
        session.add(
            WebSession(
                session_sha256=digest(session_id),
                user_id=user_id,
                created_at=now,
                last_seen_at=now,
                expires_at=now + web.session_max,
                csrf_secret=csrf,
            )
        )
        _sweep(session, web)
    return session_id, csrf


def _sweep(session: Session, web: WebState) -> None:
    """Delete the sessions that have expired (idle or absolute), whoever they were."""
    now = utc_now()
    session.execute(
        delete(WebSession).where(
            or_(WebSession.expires_at <= now, WebSession.last_seen_at <= now - web.session_idle)
        )
    )


def lookup(web: WebState, session_id: str) -> Found | None:
    """The session's principal and CSRF token, or None (unknown, expired, or its user disabled);
    an expired session is deleted."""
    if not session_id or len(session_id) > 100:
        return None
    now = utc_now()
    with web.writing() as session:
        row = session.scalars(
            select(WebSession).where(WebSession.session_sha256 == digest(session_id))
        ).first()
        if row is None:
            return None
        user = session.get(User, row.user_id)
        stale = row.expires_at <= now or now - row.last_seen_at >= web.session_idle
        if stale or user is None or user.disabled_at is not None:
            session.delete(row)
            return None
        if now - row.last_seen_at >= SEEN_RESOLUTION:
            row.last_seen_at = now
        return Found(principal_of(session, user), row.csrf_secret)


def end(web: WebState, session_id: str) -> None:
    """Delete the session (logout); an unknown id is no error."""
    with web.writing() as session:
        session.execute(delete(WebSession).where(WebSession.session_sha256 == digest(session_id)))


def set_cookie(web: WebState, response: Response, session_id: str) -> None:
    response.set_cookie(
        cookie_name(web),
        session_id,
        max_age=int(web.session_max.total_seconds()),
        path="/",
        secure=web.tls,
        httponly=True,
        samesite="lax",
    )


def clear_cookie(web: WebState, response: Response) -> None:
    response.delete_cookie(cookie_name(web), path="/", secure=web.tls, httponly=True, samesite="lax")


def same_token(given: str | None, expected: str) -> bool:
    """Constant-time comparison of a CSRF token."""
    return given is not None and hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
