"""Incidents recorded with their decisions (issue 22's records wired into issue 26's registry).

The ``incidents`` source reads a site's incidents with their timelines, the decisions taken
(who, why) and the evidence preserved (who took it, its SHA-256). The ``incidents.decisions``
rule gives three evidence items: the timelines (every step with who and why, a closed
incident closed by a recorded step), the decisions (who and why), and the evidence's chain of
custody (each file still hashes to what was recorded when it was taken).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantwarden.compliance.evidence import Evidence, Status
from plantwarden.compliance.rules import rule
from plantwarden.compliance.sources import StoreRef, source
from plantwarden.compliance.state import State
from plantwarden.store.engine import connected

RULE = "incidents.decisions"


@dataclass(frozen=True, slots=True)
class Step:
    at: float
    by: str
    why: str
    after: str


@dataclass(frozen=True, slots=True)
class Decided:
    at: float
    by: str
    why: str
    title: str


@dataclass(frozen=True, slots=True)
class Kept:
    path: str
    sha256: str
    taken_by: str
    taken_at: float


@dataclass(frozen=True, slots=True)
class IncidentRecord:
    label: str  # INC-3
    state: str
    steps: tuple[Step, ...]
    decisions: tuple[Decided, ...]
    evidence: tuple[Kept, ...]


@source("incidents")
def incident_records(ref: StoreRef) -> list[IncidentRecord] | None:
    """The site's incidents, oldest first (None when none is recorded)."""
    from plantwarden.incidents.models import Incident, IncidentDecision, IncidentEntry, IncidentEvidence

    out = []
    with connected(ref.url) as engine, Session(engine) as session:
        query = select(Incident).where(Incident.site_id == ref.site_id).order_by(Incident.number)
        for row in session.scalars(query):
            steps = tuple(
                Step(e.at.timestamp(), e.by_name, e.why, e.state_after)
                for e in session.scalars(
                    select(IncidentEntry)
                    .where(IncidentEntry.incident_id == row.id)
                    .order_by(IncidentEntry.at, IncidentEntry.id)
                )
            )
            decisions = tuple(
                Decided(d.at.timestamp(), d.by_name, d.why, d.title)
                for d in session.scalars(
                    select(IncidentDecision)
                    .where(IncidentDecision.incident_id == row.id)
                    .order_by(IncidentDecision.at, IncidentDecision.id)
                )
            )
            kept = tuple(
                Kept(k.path, k.sha256, k.taken_by, k.taken_at.timestamp())
                for k in session.scalars(
                    select(IncidentEvidence)
                    .where(IncidentEvidence.incident_id == row.id)
                    .order_by(IncidentEvidence.taken_at, IncidentEvidence.id)
                )
            )
            out.append(IncidentRecord(f"INC-{row.number}", row.state, steps, decisions, kept))
    return out or None


def _blank(text: str) -> bool:
    return not text.strip()


def _timelines(found: list[IncidentRecord]) -> Evidence:
    gaps = []
    for i in found:
        if not i.steps:
            gaps.append({"incident": i.label, "gap": "no timeline"})
        elif any(_blank(s.by) or _blank(s.why) for s in i.steps):
            gaps.append({"incident": i.label, "gap": "a step without who or why"})
        elif i.state == "closed" and not any(s.after == "closed" for s in i.steps):
            gaps.append({"incident": i.label, "gap": "closed without a recorded closing step"})
    newest = max((s.at for i in found for s in i.steps), default=None)
    if gaps:
        said = f"{len(gaps)} of {len(found)} incidents have gaps in their timelines"
        return Evidence(RULE, Status.NOT_SATISFIED, said, "incidents", newest, None, tuple(gaps[:20]))
    steps = sum(len(i.steps) for i in found)
    said = f"{len(found)} incidents with {steps} timeline steps, each with who and why"
    items = tuple({"incident": i.label, "state": i.state, "steps": len(i.steps)} for i in found[:20])
    return Evidence(RULE, Status.SATISFIED, said, "incidents", newest, None, items)


def _decisions(found: list[IncidentRecord]) -> Evidence:
    taken = [(i.label, d) for i in found for d in i.decisions]
    if not taken:
        said = "not enough evidence: no incident decision recorded"
        return Evidence(RULE, Status.NOT_ENOUGH, said, "incidents")
    newest = max(d.at for _, d in taken)
    bare = [(label, d) for label, d in taken if _blank(d.by) or _blank(d.why)]
    items = tuple(
        {"incident": label, "decision": d.title, "by": d.by, "why": d.why}
        for label, d in (bare or taken)[:20]
    )
    if bare:
        said = f"{len(bare)} of {len(taken)} incident decisions lack who or why"
        return Evidence(RULE, Status.NOT_SATISFIED, said, "incidents", newest, None, items)
    said = f"{len(taken)} incident decisions recorded, each with who and why"
    return Evidence(RULE, Status.SATISFIED, said, "incidents", newest, None, items)


def _custody(found: list[IncidentRecord]) -> Evidence:
    from plantwarden.incidents.evidence import file_sha256

    kept = [(i.label, k) for i in found for k in i.evidence]
    if not kept:
        said = "not enough evidence: no incident evidence preserved"
        return Evidence(RULE, Status.NOT_ENOUGH, said, "incidents")
    newest = max(k.taken_at for _, k in kept)
    altered, gone = [], []
    for label, k in kept:
        path = Path(k.path)
        if not path.is_file():
            gone.append({"incident": label, "file": k.path, "gap": "file not where it was kept"})
        elif _blank(k.taken_by) or file_sha256(path) != k.sha256:
            altered.append({"incident": label, "file": k.path, "gap": "custody broken: hash or taker"})
    if altered:
        said = f"{len(altered)} of {len(kept)} evidence files no longer match their recorded SHA-256"
        return Evidence(RULE, Status.NOT_SATISFIED, said, "incidents", newest, None, tuple(altered[:20]))
    if gone:
        said = f"{len(gone)} of {len(kept)} evidence files are not where they were kept"
        return Evidence(RULE, Status.PARTLY, said, "incidents", newest, None, tuple(gone[:20]))
    said = f"{len(kept)} evidence files kept with who took them; each still matches its SHA-256"
    items = tuple(
        {"incident": label, "file": Path(k.path).name, "taken_by": k.taken_by} for label, k in kept[:20]
    )
    return Evidence(RULE, Status.SATISFIED, said, "incidents", newest, None, items)


@rule(RULE, ("incidents",), "Incidents are recorded with their decisions")
def incidents_decisions(state: State) -> list[Evidence]:
    found: list[IncidentRecord] = state.get("incidents")
    return [_timelines(found), _decisions(found), _custody(found)]
