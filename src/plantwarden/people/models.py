"""The people tables (revision ``0004``): users, their roles per site, API tokens, the audit log.

Nothing secret is stored in the clear: a password as its scrypt hash with salt and
parameters, a token as its SHA-256. The audit log is append-only and hash-chained
(:mod:`plantwarden.people.audit`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from plantwarden.store.models import Base, site_fk
from plantwarden.store.types import BigId

ROLE_CHECK = "role IN ('viewer', 'analyst', 'engineer', 'approver', 'admin')"


class User(Base):
    """A local user; ``is_admin`` makes them admin on every site. Disabled, never deleted (the
    audit log names them)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    password_hash: Mapped[str]  # scrypt$n$r$p$salt$hash (hex)
    is_admin: Mapped[bool] = mapped_column(Boolean())
    created_at: Mapped[datetime]
    disabled_at: Mapped[datetime | None]


class UserRole(Base):
    """The role a user holds on one site (one per user and site)."""

    __tablename__ = "user_roles"
    __table_args__ = (
        UniqueConstraint("user_id", "site_id"),
        CheckConstraint(ROLE_CHECK, name="role_known"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"))
    site_id: Mapped[int] = site_fk()
    role: Mapped[str] = mapped_column(String(12))
    granted_at: Mapped[datetime]


class ApiToken(Base):
    """An API token of a user: only its SHA-256 is kept; scoped to a site and a role (None: all
    the user's sites, the user's roles) and expiring."""

    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint(f"role IS NULL OR {ROLE_CHECK}", name="role_known"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("sites.id"))
    role: Mapped[str | None] = mapped_column(String(12))
    name: Mapped[str]
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class AuditEntry(Base):
    """One change: who, when, what, why; ``hash`` chains it to the entry before."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    ts: Mapped[datetime]
    actor: Mapped[str]
    site_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("sites.id"), index=True)
    action: Mapped[str]
    target: Mapped[str]
    why: Mapped[str]
    details: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
