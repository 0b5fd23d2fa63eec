"""Users and their roles per site, each change written to the audit log in the same transaction.

The first admin is created on the command line (``plantwarden user add NAME --admin``); there
is no default user and no default password.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantwarden.errors import NotFoundError, UsageError
from plantwarden.people import audit
from plantwarden.people.models import User, UserRole
from plantwarden.people.passwords import check_strength, hash_password, verify_password
from plantwarden.people.roles import Principal, check_role
from plantwarden.store.engine import connected
from plantwarden.store.models import Site
from plantwarden.store.sites import SiteRef
from plantwarden.store.types import utc_now


@dataclass(frozen=True, slots=True)
class UserInfo:
    name: str
    is_admin: bool
    created_at: datetime
    disabled_at: datetime | None
    roles: dict[str, str]  # site name -> role

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "admin": self.is_admin,
            "created_at": self.created_at.isoformat(),
            "disabled_at": None if self.disabled_at is None else self.disabled_at.isoformat(),
            "roles": dict(sorted(self.roles.items())),
        }


def _check_name(name: str) -> str:
    if not name.strip() or name != name.strip() or any(c.isspace() for c in name):
        raise UsageError(f"invalid user name {name!r}: a name without spaces")
    return name


def find_user(session: Session, name: str) -> User:
    user = session.scalars(select(User).where(User.name == name)).first()
    if user is None:
        known = list(session.scalars(select(User.name).order_by(User.name)))
        listed = ", ".join(repr(n) for n in known) or "none yet (plantwarden user add NAME --admin)"
        raise NotFoundError(f"no user {name!r}; users: {listed}")
    return user


def _writing(db_url: str) -> Any:
    return connected(db_url, writes=True, create=True)


def add_user(db_url: str, name: str, password: str, *, is_admin: bool, actor: str) -> None:
    _check_name(name)
    check_strength(password, name)
    with _writing(db_url) as engine, Session(engine) as session, session.begin():
        if session.scalars(select(User.id).where(User.name == name)).first() is not None:
            raise UsageError(f"user {name!r} exists already (plantwarden user passwd {name} changes it)")
        session.add(
            User(
                name=name,
                password_hash=hash_password(password),
                is_admin=is_admin,
                created_at=utc_now(),
                disabled_at=None,
            )
        )
        session.flush()
        audit.append(session, actor, "user.add", name, details={"admin": is_admin})


def set_password(db_url: str, name: str, password: str, *, actor: str) -> None:
    check_strength(password, name)
    with _writing(db_url) as engine, Session(engine) as session, session.begin():
        find_user(session, name).password_hash = hash_password(password)
        audit.append(session, actor, "user.passwd", name)


def set_disabled(db_url: str, name: str, disabled: bool, *, actor: str) -> bool:
    """Disable or enable a user; returns whether anything changed."""
    with _writing(db_url) as engine, Session(engine) as session, session.begin():
        user = find_user(session, name)
        if (user.disabled_at is not None) == disabled:
            return False
        user.disabled_at = utc_now() if disabled else None
        audit.append(session, actor, "user.disable" if disabled else "user.enable", name)
        return True


def grant(db_url: str, name: str, site: SiteRef, role: str, *, actor: str) -> str | None:
    """Give the user ``role`` on the site (replacing the one held); returns the role before."""
    check_role(role)
    assert site.id is not None
    with _writing(db_url) as engine, Session(engine) as session, session.begin():
        user = find_user(session, name)
        held = session.scalars(
            select(UserRole).where(UserRole.user_id == user.id, UserRole.site_id == site.id)
        ).first()
        before = None if held is None else held.role
        if held is None:
            session.add(UserRole(user_id=user.id, site_id=site.id, role=role, granted_at=utc_now()))
        else:
            held.role, held.granted_at = role, utc_now()
        audit.append(
            session, actor, "user.grant", name, site_id=site.id, details={"role": role, "before": before}
        )
        return before


def revoke(db_url: str, name: str, site: SiteRef, *, actor: str) -> str:
    """Take the user's role on the site away; returns it."""
    assert site.id is not None
    with _writing(db_url) as engine, Session(engine) as session, session.begin():
        user = find_user(session, name)
        held = session.scalars(
            select(UserRole).where(UserRole.user_id == user.id, UserRole.site_id == site.id)
        ).first()
        if held is None:
            raise NotFoundError(f"user {name!r} holds no role on site {site.name!r}")
        role = held.role
        session.delete(held)
        audit.append(session, actor, "user.revoke", name, site_id=site.id, details={"role": role})
        return role


def list_users(db_url: str) -> list[UserInfo]:
    with connected(db_url) as engine, Session(engine) as session:
        roles: dict[int, dict[str, str]] = {}
        for user_id, site, role in session.execute(
            select(UserRole.user_id, Site.name, UserRole.role).join(Site, Site.id == UserRole.site_id)
        ):
            roles.setdefault(user_id, {})[site] = role
        return [
            UserInfo(u.name, u.is_admin, u.created_at, u.disabled_at, roles.get(u.id, {}))
            for u in session.scalars(select(User).order_by(User.name))
        ]


def principal_of(session: Session, user: User) -> Principal:
    query = select(UserRole.site_id, UserRole.role).where(UserRole.user_id == user.id)
    roles = {row.site_id: row.role for row in session.execute(query)}
    return Principal(user.id, user.name, user.is_admin, roles)


def authenticate_password(db_url: str, name: str, password: str) -> Principal | None:
    """The user's principal when the password is theirs and they are not disabled, else None."""
    with connected(db_url) as engine, Session(engine) as session:
        user = session.scalars(select(User).where(User.name == name)).first()
        if user is None or user.disabled_at is not None or not verify_password(password, user.password_hash):
            return None
        return principal_of(session, user)
