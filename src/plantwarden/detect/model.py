"""What detection produces: findings (one detection) and alerts (findings merged).

A :class:`Finding` is one detection by one rule at one frame. Findings of the same rule
between the same source and destination within :data:`MERGE_WINDOW_S` of the alert's last
detection merge into one :class:`Alert` with a count, a first and last time and the frames
as evidence (a new conversation merges whatever the gap: :data:`ONCE_PER_PAIR`). The
evidence keeps the first frames, and the first frame of each later occurrence burst (a
finding after :data:`BURST_GAP_S` of quiet), so that each time the behaviour recurred can be
found. The alert JSON shape is documented in docs/detection.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

MERGE_WINDOW_S = 3600.0
MAX_EVIDENCE_FRAMES = 200
#: A finding this long after the alert's last one starts a new occurrence burst (the rules'
#: own bursts, detect.rules.base.Bursts, end after the same quiet).
BURST_GAP_S = 5.0
#: First frames of later bursts kept per capture (all of them are counted).
MAX_BURST_FRAMES = 100
#: Rules whose alert takes every later finding of its pair, however late: a new conversation
#: is news once; when it recurs, that is the same alert again (count, bursts), not a new one.
ONCE_PER_PAIR = frozenset({"new-conversation"})


def merge_window_s(rule: str, window_s: float = MERGE_WINDOW_S) -> float:
    """How long after an alert's last finding a finding of ``rule`` still merges into it."""
    return math.inf if rule in ONCE_PER_PAIR else window_s


class Severity(IntEnum):
    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r} (expected one of {names})") from None


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """A named rule: what it means, how bad it is, which ATT&CK for ICS techniques it maps to."""

    name: str
    title: str
    severity: Severity
    techniques: tuple[str, ...]
    response: str
    needs_baseline: bool = False


@dataclass(slots=True)
class Finding:
    rule: RuleInfo
    src: str
    dst: str
    capture: str
    frame: int
    ts: float
    detail: str
    severity: Severity | None = None  # None: the rule's own, raised by the site model
    learn: dict[str, Any] | None = None  # what ``alert learn`` adds to the baseline (detect.edit)
    grant: dict[str, Any] | None = None  # the access grant the finding broke (plantwarden.access)


@dataclass(slots=True)
class FindingSeries:
    """Findings of one rule, pair and capture, one per frame (``frames[i]`` at ``ts[i]``, in
    time order, its detail ``detail(i)``), with the rule's own severity and nothing to learn:
    the polling rule reports the stops of a pair in one series. Merged as the findings one by
    one would be (:meth:`plantwarden.detect.alerts.AlertBook.add_series`)."""

    rule: RuleInfo
    src: str
    dst: str
    capture: str
    ts: list[float]
    frames: list[int]
    detail: Callable[[int], str]

    def finding(self, i: int) -> Finding:
        s = self
        return Finding(s.rule, s.src, s.dst, s.capture, s.frames[i], s.ts[i], s.detail(i))


@dataclass(slots=True)
class Evidence:
    """An alert's frames in one capture: the first ones (up to :data:`MAX_EVIDENCE_FRAMES`),
    and the first frame of each later occurrence burst (up to :data:`MAX_BURST_FRAMES`;
    ``burst_count`` counts them all)."""

    capture: str
    frames: list[int] = field(default_factory=list)
    bursts: list[int] = field(default_factory=list)
    burst_count: int = 0

    def add(self, frame: int) -> None:
        if len(self.frames) < MAX_EVIDENCE_FRAMES and frame not in self.frames[-8:]:
            self.frames.append(frame)

    def burst(self, frame: int) -> None:
        self.burst_count += 1
        if len(self.bursts) < MAX_BURST_FRAMES:
            self.bursts.append(frame)

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"capture": self.capture, "frames": self.frames}
        if self.burst_count:
            doc["bursts"] = self.bursts
            doc["burst_count"] = self.burst_count
        return doc

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Evidence:
        return cls(
            doc["capture"], list(doc["frames"]), list(doc.get("bursts", [])), int(doc.get("burst_count", 0))
        )


@dataclass(slots=True)
class Alert:
    id: str
    rule: str
    title: str
    severity: Severity
    techniques: list[dict[str, Any]]
    src: str
    dst: str
    assets: list[dict[str, Any]]
    first_ts: float
    last_ts: float
    count: int
    evidence: list[Evidence]
    response: str
    details: list[str] = field(default_factory=list)
    state: str = "new"
    impact: dict[str, Any] | None = None
    learn: list[dict[str, Any]] = field(default_factory=list)
    grant: dict[str, Any] | None = None  # the access grant broken (access rules only)

    def add(self, finding: Finding) -> None:
        if finding.grant is not None and self.grant is None:
            self.grant = finding.grant
        if self.count and finding.ts - self.last_ts > BURST_GAP_S:
            self._evidence(finding.capture).burst(finding.frame)
        self.count += 1
        self._span(finding.ts)
        if finding.detail and len(self.details) < 20 and finding.detail not in self.details:
            self.details.append(finding.detail)
        self._evidence(finding.capture).add(finding.frame)
        if finding.learn is not None and finding.learn not in self.learn and len(self.learn) < 50:
            self.learn.append(finding.learn)

    def add_run(self, series: FindingSeries, start: int, stop: int) -> None:
        """``add`` of the series' findings ``start:stop``, in order; a detail is made only while
        fewer than 20 are kept, a frame added only while the evidence has room."""
        if start >= stop:
            return
        ts = series.ts
        self._bursts(series, start, stop)
        self.count += stop - start
        self._span(min(ts[start:stop]))
        self._span(max(ts[start:stop]))
        details = self.details
        for i in range(start, stop):
            if len(details) >= 20:
                break
            detail = series.detail(i)
            if detail and detail not in details:
                details.append(detail)
        ev = self._evidence(series.capture)
        room = MAX_EVIDENCE_FRAMES - len(ev.frames)
        if room <= 0:
            return
        first = series.frames[start : min(stop, start + room)]
        if len(set(first)) == len(first) and set(first).isdisjoint(ev.frames[-8:]):
            ev.frames.extend(first)  # what ``ev.add`` of each does when no frame repeats
            return
        for i in range(start, stop):
            if len(ev.frames) >= MAX_EVIDENCE_FRAMES:
                break
            ev.add(series.frames[i])

    def _bursts(self, series: FindingSeries, start: int, stop: int) -> None:
        """The bursts ``add`` of each of the findings ``start:stop`` would start."""
        ts, last, counted = series.ts, self.last_ts, self.count > 0
        for i in range(start, stop):
            t = ts[i]
            if counted and t - last > BURST_GAP_S:
                self._evidence(series.capture).burst(series.frames[i])
            counted = True
            if t > last:
                last = t

    def _span(self, ts: float) -> None:
        if ts < self.first_ts:
            self.first_ts = ts
        if ts > self.last_ts:
            self.last_ts = ts

    def _evidence(self, capture: str) -> Evidence:
        """The evidence of ``capture`` (the last one, usually), added if new."""
        evidence = self.evidence
        if evidence and evidence[-1].capture == capture:
            return evidence[-1]
        ev = next((e for e in evidence if e.capture == capture), None)
        if ev is None:
            ev = Evidence(capture)
            evidence.append(ev)
        return ev

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "id": self.id,
            "rule": self.rule,
            "title": self.title,
            "severity": self.severity.label,
            "state": self.state,
            "techniques": self.techniques,
            "src": self.src,
            "dst": self.dst,
            "assets": self.assets,
            "first_ts": self.first_ts,
            "last_ts": self.last_ts,
            "count": self.count,
            "evidence": [e.to_json() for e in self.evidence],
            "details": self.details,
            "response": self.response,
            "learn": self.learn,
        }
        if self.impact is not None:
            doc["impact"] = self.impact
        if self.grant is not None:
            doc["grant"] = self.grant
        return doc

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Alert:
        return cls(
            id=doc["id"],
            rule=doc["rule"],
            title=doc["title"],
            severity=Severity.parse(doc["severity"]),
            techniques=list(doc["techniques"]),
            src=doc["src"],
            dst=doc["dst"],
            assets=list(doc["assets"]),
            first_ts=float(doc["first_ts"]),
            last_ts=float(doc["last_ts"]),
            count=int(doc["count"]),
            evidence=[Evidence.from_json(e) for e in doc["evidence"]],
            response=doc["response"],
            details=list(doc.get("details", [])),
            state=doc.get("state", "new"),
            impact=doc.get("impact"),
            learn=list(doc.get("learn", [])),
            grant=doc.get("grant"),
        )
