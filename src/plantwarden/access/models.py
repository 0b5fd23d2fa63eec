"""The access tables (revision ``0008``): grants, every change of their state, and the sessions
the detection pass held against them.

A grant row holds its current state; ``access_grant_events`` keeps each step (requested,
approved, denied, revoked) with who, when and why, and every step also goes to the
hash-chained audit log (:mod:`plantwarden.people.audit`). Nothing is deleted. Assets and
protocols are stored comma-separated (site names never hold a comma).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from plantwarden.store.models import Base, site_fk
from plantwarden.store.types import BigId

STATES = ("requested", "approved", "denied", "revoked")
STATE_CHECK = "state IN ('requested', 'approved', 'denied', 'revoked')"
OPERATIONS_CHECK = "operations IN ('view', 'engineering')"


class AccessGrant(Base):
    """One requested grant; ``active`` and ``expired`` are derived from its window and the time."""

    __tablename__ = "access_grants"
    __table_args__ = (
        CheckConstraint(STATE_CHECK, name="state_known"),
        CheckConstraint(OPERATIONS_CHECK, name="operations_known"),
        CheckConstraint("ends_at > starts_at", name="window_ends"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int] = site_fk()
    grantee: Mapped[str]
    company: Mapped[str]
    assets: Mapped[str]  # comma-separated asset names ("" with a zone)
    zone: Mapped[str | None]
    protocols: Mapped[str]  # comma-separated
    operations: Mapped[str] = mapped_column(String(12))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    ticket: Mapped[str | None]
    reason: Mapped[str]
    requested_by: Mapped[str]
    requested_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(12))
    decided_by: Mapped[str | None]
    decided_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None]
    revoked_at: Mapped[datetime | None]


class AccessGrantEvent(Base):
    """A step in a grant's history."""

    __tablename__ = "access_grant_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int] = site_fk()
    grant_id: Mapped[int] = mapped_column(BigId, ForeignKey("access_grants.id"), index=True)
    ts: Mapped[datetime]
    actor: Mapped[str]
    action: Mapped[str]
    why: Mapped[str]


class AccessSession(Base):
    """A remote session the detection pass saw, with its verdict (for ``access report``)."""

    __tablename__ = "access_sessions"
    __table_args__ = (
        UniqueConstraint(
            "site_id",
            "capture",
            "client",
            "client_port",
            "server",
            "server_port",
            "started_at",
            name="uq_access_sessions_one",
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int] = site_fk()
    capture: Mapped[str]
    proto: Mapped[str]
    client: Mapped[str]
    client_port: Mapped[int]
    server: Mapped[str]
    server_port: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(index=True)
    ended_at: Mapped[datetime]
    first_frame: Mapped[int]
    packets: Mapped[int]
    bytes: Mapped[int]
    vendor: Mapped[str | None]
    grant_key: Mapped[str | None]
    findings: Mapped[str]  # comma-separated rule names ("" inside its grant)
    details: Mapped[dict[str, Any]]  # hints, operations, changes
