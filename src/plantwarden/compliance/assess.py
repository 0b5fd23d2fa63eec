"""One framework assessed on a state: per requirement a status, its evidence or the reason it
has none, and the statements people attached.

For IEC 62443-3-3 the zone's target security level (SL-T, per FR when the site gives one)
decides whether a zone's evidence counts: a zone at SL-T 0 for a requirement's FR asks
nothing of it, so its evidence is left out (and said so).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from plantwarden.compliance.catalog import Catalog, Requirement, fr_of, load
from plantwarden.compliance.evidence import RANK, Evidence, Status, combine
from plantwarden.compliance.mapping import rules_for
from plantwarden.compliance.rules import all_rules, run
from plantwarden.compliance.state import State

SCHEMA = "compliance"
POINTS = {Status.SATISFIED: 1.0, Status.PARTLY: 0.5, Status.NOT_SATISFIED: 0.0}


@dataclass
class Result:
    requirement: Requirement
    status: Status
    reason: str
    evidence: list[Evidence]
    rules: tuple[str, ...]
    statements: list[dict[str, Any]] = field(default_factory=list)
    target_sl: dict[str, int] = field(default_factory=dict)

    @property
    def score(self) -> float | None:
        """The share of its judged evidence items satisfied (partly counts half); None when none
        is judged. Finer than the status: 1 zone failing of 5 is not 4 failing of 5."""
        judged = [POINTS[e.status] for e in self.evidence if e.status in POINTS]
        return round(sum(judged) / len(judged), 3) if judged else None

    def as_dict(self, now: float) -> dict[str, Any]:
        r = self.requirement
        return {
            "id": r.id,
            "title": r.title,
            "group": r.group,
            "status": str(self.status),
            "score": self.score,
            "reason": self.reason,
            "rules": list(self.rules),
            "target_sl": self.target_sl or None,
            "evidence": [e.as_dict(now) for e in self.evidence],
            "statements": self.statements,
        }


@dataclass
class Assessment:
    catalog: Catalog
    site: str
    now: float
    zone: str | None
    results: list[Result]

    def counts(self) -> dict[str, int]:
        return {str(s): sum(r.status is s for r in self.results) for s in Status}

    def as_dict(self) -> dict[str, Any]:
        c = self.catalog
        return {
            "framework": c.framework,
            "catalog": {"name": c.name, "version": c.version, "licence": c.licence, "source": c.source},
            "site": self.site,
            "judged_at": self.now,
            "zone": self.zone,
            "counts": self.counts(),
            "requirements": [r.as_dict(self.now) for r in self.results],
        }


def _evidence(state: State) -> dict[str, list[Evidence]]:
    """Every rule's evidence, computed once per state."""
    if "evidence" not in state.memo:
        state.memo["evidence"] = {rid: run(spec, state) for rid, spec in sorted(all_rules().items())}
    found: dict[str, list[Evidence]] = state.memo["evidence"]
    return found


def _targets(state: State, requirement: Requirement) -> dict[str, int]:
    fr = fr_of(requirement)
    if fr is None or state.site is None:
        return {}
    return {z.name: z.target_sl(fr) for z in state.site.model.zones if state.zone in (None, z.name)}


def judge(state: State, requirement: Requirement) -> Result:
    rules = rules_for(requirement.framework, requirement.id)
    every = _evidence(state)
    targets = _targets(state, requirement)
    found = [e for rid in rules for e in every[rid] if e.zone is None or targets.get(e.zone, 1) > 0]
    status, reason = combine(found) if rules else (Status.NOT_ASSESSED, "plantwarden cannot observe this")
    dropped = sorted(z for z, sl in targets.items() if sl == 0)
    if rules and dropped:
        reason += f" (zones at SL-T 0 for {fr_of(requirement)} left out: {', '.join(dropped)})"
    said = [s for s in state.statements if s["requirement"] == requirement.key]
    return Result(requirement, status, reason, found, rules, said, targets)


def assess(state: State, framework: str) -> Assessment:
    catalog = load(framework)
    results = [judge(state, r) for r in catalog.requirements]
    return Assessment(catalog, state.site_name, state.now, state.zone, results)


def weakest(assessment: Assessment, n: int = 3) -> list[dict[str, Any]]:
    """The ``n`` groups (FR, function) doing worst: the mean score of their judged requirements
    (:attr:`Result.score`), then the most not satisfied; each with its worst requirement."""
    groups: dict[str, list[Result]] = {}
    for r in assessment.results:
        if r.status not in (Status.NOT_ASSESSED, Status.NOT_ENOUGH):
            groups.setdefault(r.requirement.group, []).append(r)
    ranked: list[dict[str, Any]] = []
    for group, results in groups.items():
        score = sum(r.score or 0.0 for r in results)
        worst = sorted(results, key=lambda r: (r.score or 0.0, RANK[r.status], r.requirement.id))[0]
        failing = sum(r.status is Status.NOT_SATISFIED for r in results)
        ranked.append(
            {
                "group": group,
                "title": results[0].requirement.group_title,
                "score": round(score / len(results), 2),
                "judged": len(results),
                "not_satisfied": failing,
                "worst": worst.requirement.id,
                "reason": worst.reason,
            }
        )
    ranked.sort(key=lambda g: (g["score"], -g["not_satisfied"], g["group"]))
    return ranked[:n]
