"""The incident tables (revision ``0010``): incidents, their timeline, decisions and evidence.

Every row belongs to a site. Nothing is deleted: an incident changes through timeline entries
(who, when, why); a decision keeps the option chosen, its predicted cost per hour, who took it
and the override reason when a marked option was chosen; evidence keeps the file's SHA-256 and
its chain of custody (who took it, when, from which capture file and that file's SHA-256).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from plantwarden.store.models import Base, site_fk
from plantwarden.store.types import BigId

STATE_CHECK = "state IN ('open', 'contained', 'stabilised', 'recovered', 'closed')"


class Incident(Base):
    """One incident of a site, numbered per site (``INC-1``, ``INC-2``...)."""

    __tablename__ = "incidents"
    __table_args__ = (
        UniqueConstraint("site_id", "number"),
        CheckConstraint(STATE_CHECK, name="state_known"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int] = site_fk()
    number: Mapped[int]
    title: Mapped[str]
    severity: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(12))
    opened_at: Mapped[datetime]
    opened_by: Mapped[str]
    updated_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    # {"alerts": [...ids], "source": name|address, "target": name|address, "assets": [...],
    #  "lines": [...], "first_ts": float|None, "scenario": str|None}
    document: Mapped[dict[str, Any]]


class IncidentEntry(Base):
    """One timeline entry: an alert, a decision, a note, a state change, evidence taken."""

    __tablename__ = "incident_entries"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('opened', 'alert', 'decision', 'note', 'state', 'evidence')", name="kind_known"
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int] = site_fk()
    incident_id: Mapped[int] = mapped_column(BigId, ForeignKey("incidents.id"), index=True)
    at: Mapped[datetime]
    by_name: Mapped[str]
    kind: Mapped[str] = mapped_column(String(10))
    text: Mapped[str]
    why: Mapped[str]
    state_before: Mapped[str] = mapped_column(String(12))
    state_after: Mapped[str] = mapped_column(String(12))
    details: Mapped[dict[str, Any]]


class IncidentDecision(Base):
    """A playbook option chosen: which, its predicted cost, who, why, and any override."""

    __tablename__ = "incident_decisions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int] = site_fk()
    incident_id: Mapped[int] = mapped_column(BigId, ForeignKey("incidents.id"), index=True)
    at: Mapped[datetime]
    by_name: Mapped[str]
    step: Mapped[str]
    option: Mapped[str]
    title: Mapped[str]
    predicted_cost_per_hour: Mapped[float]
    currency: Mapped[str] = mapped_column(String(3))
    why: Mapped[str]
    override: Mapped[str | None]  # the reason given to choose a marked option
    marks: Mapped[list[dict[str, Any]]]  # the marks the option carried: [{"mark": ..., "text": ...}]


class IncidentEvidence(Base):
    """A preserved evidence file with its chain of custody."""

    __tablename__ = "incident_evidence"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int] = site_fk()
    incident_id: Mapped[int] = mapped_column(BigId, ForeignKey("incidents.id"), index=True)
    taken_at: Mapped[datetime]
    taken_by: Mapped[str]
    path: Mapped[str]
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    source_name: Mapped[str]
    source_path: Mapped[str]
    source_sha256: Mapped[str] = mapped_column(String(64))
    window_s: Mapped[float]
    frames: Mapped[dict[str, Any]]  # {"named": [n, ...], "copied": [n, ...]}: source frame numbers
