"""Evidence items and statuses.

A rule looks at one kind of record (its *source*) and returns an :class:`Evidence`: a status,
what it saw, when the records it used were made, and how old they may be before they no
longer count. Statuses: ``satisfied`` only with evidence; ``not satisfied`` when the evidence
suffices to say so; ``partly``; ``not enough evidence`` (nothing recorded, too little, or too
old); ``not assessed by plantwarden`` for a requirement no rule can see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    SATISFIED = "satisfied"
    NOT_SATISFIED = "not satisfied"
    PARTLY = "partly"
    NOT_ENOUGH = "not enough evidence"
    NOT_ASSESSED = "not assessed by plantwarden"


#: Worst first: the order the weakest areas are named in.
RANK = {
    Status.NOT_SATISFIED: 0,
    Status.PARTLY: 1,
    Status.NOT_ENOUGH: 2,
    Status.SATISFIED: 3,
    Status.NOT_ASSESSED: 4,
}

DAY = 86400.0


@dataclass(frozen=True, slots=True)
class Evidence:
    """What one rule found. ``observed_at``: the newest record it used (epoch seconds);
    ``max_age_days``: how old that may be for the status to stand."""

    rule: str
    status: Status
    summary: str
    source: str
    observed_at: float | None = None
    max_age_days: float | None = None
    items: tuple[dict[str, Any], ...] = field(default=())
    zone: str | None = None

    def age_days(self, now: float) -> float | None:
        return None if self.observed_at is None else max(0.0, (now - self.observed_at) / DAY)

    def fresh(self, now: float) -> bool:
        age = self.age_days(now)
        return age is None or self.max_age_days is None or age <= self.max_age_days

    def judged(self, now: float) -> Evidence:
        """Stale evidence never satisfies: a satisfied or partly status older than its limit
        becomes "not enough evidence" (a violation seen stays a finding)."""
        if self.fresh(now) or self.status not in (Status.SATISFIED, Status.PARTLY):
            return self
        age = self.age_days(now) or 0.0
        said = f"evidence is {age:.0f} days old (counts for {self.max_age_days:.0f}): {self.summary}"
        return Evidence(
            self.rule,
            Status.NOT_ENOUGH,
            said,
            self.source,
            self.observed_at,
            self.max_age_days,
            self.items,
            self.zone,
        )

    def as_dict(self, now: float) -> dict[str, Any]:
        age = self.age_days(now)
        return {
            "rule": self.rule,
            "status": str(self.status),
            "summary": self.summary,
            "source": self.source,
            "observed_at": self.observed_at,
            "age_days": None if age is None else round(age, 1),
            "max_age_days": self.max_age_days,
            "fresh": self.fresh(now),
            "zone": self.zone,
            "items": list(self.items),
        }


def missing(rule: str, source: str, what: str) -> Evidence:
    """The evidence of a rule whose records are not there: "not enough evidence: <what> not recorded"."""
    return Evidence(rule, Status.NOT_ENOUGH, f"not enough evidence: {what} not recorded", source)


def combine(found: list[Evidence]) -> tuple[Status, str]:
    """A requirement's status from its rules' evidence, with the reason.

    No rule: not assessed. No rule with evidence: not enough evidence. All satisfied and none
    lacking: satisfied. All not satisfied: not satisfied. Anything else: partly."""
    if not found:
        return Status.NOT_ASSESSED, "plantwarden has no evidence for this requirement"
    judged = [e for e in found if e.status is not Status.NOT_ENOUGH]
    if not judged:
        return Status.NOT_ENOUGH, "; ".join(dict.fromkeys(e.summary for e in found))
    statuses = {e.status for e in judged}
    lacking = len(judged) < len(found)
    if statuses == {Status.SATISFIED}:
        return (
            (Status.PARTLY, "satisfied where evidence exists; some evidence missing")
            if lacking
            else (
                Status.SATISFIED,
                "every rule satisfied",
            )
        )
    if statuses == {Status.NOT_SATISFIED}:
        return Status.NOT_SATISFIED, "; ".join(dict.fromkeys(e.summary for e in judged))
    worst = sorted(judged, key=lambda e: RANK[e.status])[0]
    return Status.PARTLY, worst.summary
