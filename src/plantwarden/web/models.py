"""The console's tables: browser sessions, kept server-side (``0005``), failed sign-ins (``0016``).

Only the SHA-256 of a session id is stored (the id itself lives in the browser's cookie), so
a copy of the store does not sign anyone in. A session belongs to a user, not to a site (as
users and tokens do): the roles it acts with are the user's, read on every request.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from plantwarden.store.models import Base
from plantwarden.store.types import BigId


class WebSession(Base):
    """One signed-in browser: idle and absolute expiry; its CSRF token for forms and htmx."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    session_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]  # absolute: created_at + the longest a session may live
    csrf_secret: Mapped[str] = mapped_column(String(64))


class LoginFailure(Base):
    """One failed sign-in against one key (``name:<user>`` or ``addr:<address>``, stored as its
    SHA-256: a password typed in the name field is not kept in the clear), revision ``0016``:
    shared by every serving worker (web/ratelimit.py); rows older than the window are deleted
    as new ones come."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_key_sha256_at", "key_sha256", "at"),
        Index("ix_login_failures_at", "at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key_sha256: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
