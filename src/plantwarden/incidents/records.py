"""Stored incidents as plain, typed views (what the CLI, the API and the page show)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantwarden.errors import NotFoundError
from plantwarden.incidents.models import Incident, IncidentDecision, IncidentEntry, IncidentEvidence
from plantwarden.incidents.states import label


@dataclass(frozen=True, slots=True)
class Entry:
    at: datetime
    by: str
    kind: str
    text: str
    why: str
    state_before: str
    state_after: str
    details: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "by": self.by,
            "kind": self.kind,
            "text": self.text,
            "why": self.why,
            "state_before": self.state_before,
            "state_after": self.state_after,
            "details": self.details,
        }


@dataclass(frozen=True, slots=True)
class Decision:
    at: datetime
    by: str
    step: str
    option: str
    title: str
    predicted_cost_per_hour: float
    currency: str
    why: str
    override: str | None
    marks: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "by": self.by,
            "step": self.step,
            "option": self.option,
            "title": self.title,
            "predicted_cost_per_hour": self.predicted_cost_per_hour,
            "currency": self.currency,
            "why": self.why,
            "override": self.override,
            "marks": self.marks,
        }


@dataclass(frozen=True, slots=True)
class Evidence:
    taken_at: datetime
    taken_by: str
    path: str
    sha256: str
    size: int
    source_name: str
    source_path: str
    source_sha256: str
    window_s: float
    named: list[int]
    copied: list[int]

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "sha256": self.sha256,
            "size": self.size,
            "frames_named": self.named,
            "frames_copied": len(self.copied),
            "window_s": self.window_s,
            "custody": {
                "taken_by": self.taken_by,
                "taken_at": self.taken_at.isoformat(),
                "source": self.source_name,
                "source_path": self.source_path,
                "source_sha256": self.source_sha256,
            },
        }


@dataclass(frozen=True, slots=True)
class IncidentView:
    """One incident with its timeline, decisions and evidence (oldest first)."""

    number: int
    title: str
    severity: str
    state: str
    opened_at: datetime
    opened_by: str
    updated_at: datetime
    closed_at: datetime | None
    document: dict[str, Any]
    entries: list[Entry] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def label(self) -> str:
        return label(self.number)

    @property
    def source(self) -> str | None:
        value = self.document.get("source")
        return str(value) if value is not None else None

    @property
    def target(self) -> str | None:
        value = self.document.get("target")
        return str(value) if value is not None else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.label,
            "title": self.title,
            "severity": self.severity,
            "state": self.state,
            "opened_at": self.opened_at.isoformat(),
            "opened_by": self.opened_by,
            "updated_at": self.updated_at.isoformat(),
            "closed_at": self.closed_at.isoformat() if self.closed_at else None,
            **self.document,
            "timeline": [e.as_dict() for e in self.entries],
            "decisions": [d.as_dict() for d in self.decisions],
            "evidence": [e.as_dict() for e in self.evidence],
        }


def find_row(session: Session, site_id: int | None, number: int) -> Incident:
    row = session.scalars(
        select(Incident).where(Incident.site_id == site_id, Incident.number == number)
    ).first()
    if row is None:
        raise NotFoundError(f"no incident {label(number)} (see plantwarden incident list)")
    return row


def view(session: Session, row: Incident, *, full: bool = True) -> IncidentView:
    v = IncidentView(
        row.number,
        row.title,
        row.severity,
        row.state,
        row.opened_at,
        row.opened_by,
        row.updated_at,
        row.closed_at,
        dict(row.document),
    )
    if not full:
        return v
    for e in session.scalars(
        select(IncidentEntry).where(IncidentEntry.incident_id == row.id).order_by(IncidentEntry.id)
    ):
        v.entries.append(
            Entry(e.at, e.by_name, e.kind, e.text, e.why, e.state_before, e.state_after, dict(e.details))
        )
    for d in session.scalars(
        select(IncidentDecision).where(IncidentDecision.incident_id == row.id).order_by(IncidentDecision.id)
    ):
        v.decisions.append(
            Decision(
                d.at,
                d.by_name,
                d.step,
                d.option,
                d.title,
                d.predicted_cost_per_hour,
                d.currency,
                d.why,
                d.override,
                list(d.marks),
            )
        )
    for x in session.scalars(
        select(IncidentEvidence).where(IncidentEvidence.incident_id == row.id).order_by(IncidentEvidence.id)
    ):
        frames = dict(x.frames)
        v.evidence.append(
            Evidence(
                x.taken_at,
                x.taken_by,
                x.path,
                x.sha256,
                x.size,
                x.source_name,
                x.source_path,
                x.source_sha256,
                x.window_s,
                list(frames.get("named", [])),
                list(frames.get("copied", [])),
            )
        )
    return v
