"""The access tables (revision ``0008``): grants and every change of their state.

A grant row holds its current state; ``access_grant_events`` keeps each step (requested,
approved, denied, revoked) with who, when and why, and every step also goes to the
hash-chained audit log (:mod:`plantwarden.people.audit`). Nothing is deleted. Assets and
protocols are stored comma-separated (site names never hold a comma).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
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
