"""API tokens: shown once, stored as their SHA-256, scoped to a site and a role, expiring.

A token is ``pw_`` and 32 random bytes (URL-safe base64): the prefix makes a leaked token
recognisable to secret scanners. Its scope never exceeds its user's roles: the role it acts
with is the lesser of its own and the user's current one (:class:`~plantwarden.people.roles.Principal`).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantwarden.errors import NotFoundError, UsageError
from plantwarden.people import audit
from plantwarden.people.models import ApiToken, User, UserRole
from plantwarden.people.roles import ROLES, Principal, check_role, rank
from plantwarden.people.users import find_user, principal_of
from plantwarden.store.engine import connected
from plantwarden.store.models import Site
from plantwarden.store.sites import SiteRef
from plantwarden.store.types import utc_now

PREFIX = "pw_"
_DURATION = re.compile(r"^(\d+)([hdw])$")
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
DEFAULT_EXPIRY = "30d"
MAX_EXPIRY = timedelta(days=366)


def parse_expiry(text: str) -> timedelta:
    """``12h``, ``30d``, ``8w``: at least an hour, at most a year (a token always expires)."""
    found = _DURATION.match(text.strip())
    if found is None or int(found.group(1)) == 0:
        raise UsageError(f"invalid --expires {text!r}: a duration such as 12h, 30d or 8w")
    delta = int(found.group(1)) * _UNITS[found.group(2)]
    if delta > MAX_EXPIRY:
        raise UsageError(f"--expires {text} is too long: at most 366d")
    return delta


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class TokenInfo:
    id: int
    user: str
    name: str
    site: str | None
    role: str | None
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    def state(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"

    def as_dict(self, now: datetime) -> dict[str, Any]:
        def iso(at: datetime | None) -> str | None:
            return None if at is None else at.isoformat()

        return {
            "id": self.id,
            "user": self.user,
            "name": self.name,
            "site": self.site,
            "role": self.role,
            "state": self.state(now),
            "created_at": iso(self.created_at),
            "expires_at": iso(self.expires_at),
            "last_used_at": iso(self.last_used_at),
            "revoked_at": iso(self.revoked_at),
        }


def create_token(
    db_url: str,
    user_name: str,
    *,
    site: SiteRef | None,
    role: str | None,
    expires: timedelta,
    name: str,
    actor: str,
) -> tuple[int, str]:
    """A new token of the user: (its id, the token, to be shown once and never again)."""
    if role is not None:
        check_role(role)
    with connected(db_url, writes=True) as engine, Session(engine) as session, session.begin():
        user = find_user(session, user_name)
        if user.disabled_at is not None:
            raise UsageError(f"user {user_name!r} is disabled: no token for them")
        held = _highest(session, user, None if site is None else site.id)
        if held is None:
            where = "" if site is None else f" on site {site.name!r}"
            raise UsageError(
                f"user {user_name!r} holds no role{where} (plantwarden user grant {user_name} "
                "--site-name SITE --role ROLE)"
            )
        if role is not None and rank(role) > rank(held):
            raise UsageError(f"--role {role} is above the role of {user_name!r} ({held}): at most {held}")
        token = PREFIX + secrets.token_urlsafe(32)
        now = utc_now()
        row = ApiToken(
            user_id=user.id,
            site_id=None if site is None else site.id,
            role=role,
            name=name,
            token_sha256=digest(token),
            created_at=now,
            expires_at=now + expires,
            last_used_at=None,
            revoked_at=None,
        )
        session.add(row)
        session.flush()
        audit.append(
            session,
            actor,
            "token.create",
            f"token {row.id} of {user_name}",
            site_id=row.site_id,
            details={"role": role, "expires_at": row.expires_at.isoformat() if row.expires_at else None},
        )
        return row.id, token


def _highest(session: Session, user: User, site_id: int | None) -> str | None:
    if user.is_admin:
        return "admin"
    query = select(UserRole.role).where(UserRole.user_id == user.id)
    if site_id is not None:
        query = query.where(UserRole.site_id == site_id)
    return max(session.scalars(query), key=rank, default=None)


def revoke_token(db_url: str, token_id: int, *, actor: str) -> bool:
    """Revoke a token; returns False when it was revoked already."""
    with connected(db_url, writes=True) as engine, Session(engine) as session, session.begin():
        row = session.get(ApiToken, token_id)
        if row is None:
            raise NotFoundError(f"no token {token_id} (plantwarden token list shows them)")
        if row.revoked_at is not None:
            return False
        row.revoked_at = utc_now()
        owner = session.scalars(select(User.name).where(User.id == row.user_id)).one()
        audit.append(session, actor, "token.revoke", f"token {row.id} of {owner}", site_id=row.site_id)
        return True


def list_tokens(db_url: str, user_name: str | None = None) -> list[TokenInfo]:
    query = (
        select(ApiToken, User.name, Site.name)
        .join(User, User.id == ApiToken.user_id)
        .outerjoin(Site, Site.id == ApiToken.site_id)
        .order_by(ApiToken.id)
    )
    with connected(db_url) as engine, Session(engine) as session:
        if user_name is not None:
            query = query.where(ApiToken.user_id == find_user(session, user_name).id)
        return [
            TokenInfo(
                t.id, user, t.name, site, t.role, t.created_at, t.expires_at, t.last_used_at, t.revoked_at
            )
            for t, user, site in session.execute(query)
        ]


#: ``last_used_at`` is written at most once per this interval for a token (a write, and on
#: SQLite an fsync, on every API request would dominate its time).
LAST_USED_RESOLUTION = timedelta(minutes=1)


def authenticate_token(db_url: str, token: str) -> Principal | None:
    """The principal a bearer token acts as, or None (unknown, revoked, expired, or its user
    disabled). Records when it was last used (to :data:`LAST_USED_RESOLUTION`)."""
    if not token.startswith(PREFIX):
        return None
    with connected(db_url, writes=True) as engine, Session(engine) as session, session.begin():
        return authenticate_token_in(session, token)


def authenticate_token_in(session: Session, token: str) -> Principal | None:
    """:func:`authenticate_token` inside the caller's (writing) session."""
    if not token.startswith(PREFIX):
        return None
    now = utc_now()
    row = session.scalars(select(ApiToken).where(ApiToken.token_sha256 == digest(token))).first()
    expired = row is not None and row.expires_at is not None and row.expires_at <= now
    if row is None or row.revoked_at is not None or expired:
        return None
    user = session.get(User, row.user_id)
    if user is None or user.disabled_at is not None:
        return None
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        row.last_used_at = now
    base = principal_of(session, user)
    return Principal(base.user_id, base.name, base.is_admin, base.roles, row.id, row.site_id, row.role)


__all__ = [
    "ROLES",
    "authenticate_token",
    "authenticate_token_in",
    "create_token",
    "list_tokens",
    "parse_expiry",
    "revoke_token",
]
