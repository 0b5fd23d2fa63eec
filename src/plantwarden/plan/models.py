"""The plan tables (revision ``0013``): plan runs with their placements and reasons, and the
pins, moves and excludes people set (who, why; audited); and (revision ``0014``) the checks of
their compensating controls on later captures."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from plantwarden.store.models import Base, site_fk
from plantwarden.store.types import BigId, Json


class PlanRun(Base):
    """One solved plan: its inputs' fingerprint, the solver, status and gap, the whole plan (JSON)."""

    __tablename__ = "plan_runs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int] = site_fk()
    created_at: Mapped[datetime]
    fingerprint: Mapped[str] = mapped_column(String(64))
    solver: Mapped[str]
    status: Mapped[str]
    gap: Mapped[float | None]
    horizon_days: Mapped[int]
    body: Mapped[dict[str, Any]] = mapped_column(Json)  # items with window and why, windows, controls


class PlanPin(Base):
    """A person's pin (fixed to a window), move (that window or later) or exclude of one item."""

    __tablename__ = "plan_pins"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int] = site_fk()
    item: Mapped[str]
    kind: Mapped[str]  # pin | move | exclude
    window: Mapped[str | None]
    by: Mapped[str]
    why: Mapped[str]
    created_at: Mapped[datetime]


class PlanControlCheck(Base):
    """One check of a compensating control on the captures analysed since it started (revision
    ``0014``): its state, the evidence, when it ran and over which captures."""

    __tablename__ = "plan_control_checks"
    __table_args__ = (
        CheckConstraint("state IN ('holds', 'broken', 'no_data', 'expired')", name="state_known"),
        Index("ix_plan_control_checks_site_id_run_id", "site_id", "run_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int] = site_fk()
    run_id: Mapped[int] = mapped_column(BigId, ForeignKey("plan_runs.id"))
    item: Mapped[str]
    kind: Mapped[str]
    state: Mapped[str] = mapped_column(String(8))
    summary: Mapped[str]
    checked_at: Mapped[datetime]
    since: Mapped[datetime]
    captures: Mapped[list[dict[str, Any]]] = mapped_column(Json)  # [{id, name}] the check read
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(Json)  # flows, sessions, writes that broke it
