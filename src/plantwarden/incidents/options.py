"""A playbook option: what it does, what stops (lines, after which buffer, cost per hour), who
carries the load, who approves, and the marks that make it need an override."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CUTS_SAFETY = "cuts-safety"
STOPS_LINE = "stops-line"


@dataclass(frozen=True, slots=True)
class Stop:
    """A line the option stops: after how many minutes (its buffers), at what cost per hour,
    whether it is running now (not inside a maintenance window), and its owner (Accountable)."""

    line: str
    after_minutes: float
    cost_per_hour: float
    running: bool
    owners: tuple[str, ...]
    window: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "after_minutes": self.after_minutes,
            "cost_per_hour": self.cost_per_hour,
            "running": self.running,
            "window": self.window,
            "owners": list(self.owners),
        }


@dataclass(frozen=True, slots=True)
class Mark:
    mark: str  # CUTS_SAFETY or STOPS_LINE
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"mark": self.mark, "text": self.text}


@dataclass(frozen=True, slots=True)
class Option:
    id: str
    step: str
    title: str
    text: str = ""
    acts_on: str | None = None
    device: str | None = None
    stops: tuple[Stop, ...] = ()
    partners: tuple[str, ...] = ()
    approvers: tuple[str, ...] = ()
    marks: tuple[Mark, ...] = ()
    available: bool = True

    @property
    def cost_per_hour(self) -> float:
        return sum(s.cost_per_hour for s in self.stops)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "step": self.step,
            "title": self.title,
            "text": self.text,
            "acts_on": self.acts_on,
            "device": self.device,
            "cost_per_hour": self.cost_per_hour,
            "stops": [s.as_dict() for s in self.stops],
            "partners": list(self.partners),
            "approvers": list(self.approvers),
            "marks": [m.as_dict() for m in self.marks],
            "available": self.available,
        }


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    phase: str
    title: str
    text: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    options: tuple[Option, ...] = ()
    required: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "phase": self.phase,
            "title": self.title,
            "text": list(self.text),
            "owners": list(self.owners),
            "required": self.required,
            "options": [o.as_dict() for o in self.options],
            **self.extra,
        }
