"""The inventory's records: where each fact came from, how sure it is, and the assets."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Confidence(StrEnum):
    HIGH = "high"  # the device said it about itself (identity answer, ARP, LLDP)
    MEDIUM = "medium"  # inferred from behaviour (role), or told by a third party (DNS)
    LOW = "low"  # a weak hint (MAC OUI, a banner's OS guess)


CONFIDENCE_RANK = {Confidence.HIGH: 3, Confidence.MEDIUM: 2, Confidence.LOW: 1}


@dataclass(frozen=True, slots=True, order=True)
class Source:
    """Where one observation comes from: protocol (or method), capture, frame, time."""

    proto: str
    capture: str
    frame: int | None = None
    ts: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"proto": self.proto, "capture": self.capture, "frame": self.frame, "ts": self.ts}

    def key(self) -> tuple[str, str, int, float]:
        """A total order (frame and time may be unknown)."""
        return (self.proto, self.capture, -1 if self.frame is None else self.frame, self.ts or 0.0)


@dataclass(frozen=True, slots=True)
class Claim:
    """One value of one field of one address, from one source."""

    address: str
    field: str
    value: str
    confidence: Confidence
    source: Source


@dataclass(slots=True)
class Value:
    """One value of an asset's field with every source that gave it."""

    value: str
    confidence: Confidence
    sources: set[Source] = field(default_factory=set)

    def first_ts(self) -> float | None:
        times = [s.ts for s in self.sources if s.ts is not None]
        return min(times) if times else None

    def last_ts(self) -> float | None:
        times = [s.ts for s in self.sources if s.ts is not None]
        return max(times) if times else None


@dataclass(slots=True)
class Seen:
    """An address of an asset: when, and how it was tied to the asset."""

    first_ts: float | None = None
    last_ts: float | None = None
    sources: set[Source] = field(default_factory=set)

    def hit(self, ts: float | None) -> None:
        if ts is None:
            return
        self.first_ts = ts if self.first_ts is None else min(self.first_ts, ts)
        self.last_ts = ts if self.last_ts is None else max(self.last_ts, ts)


@dataclass(frozen=True, slots=True)
class RoleGuess:
    role: str
    confidence: Confidence
    reasons: tuple[str, ...]


@dataclass(slots=True)
class Asset:
    """One device (or a group address) as the captures show it."""

    id: str
    kind: str  # "device", "router" or "group"
    macs: dict[str, Seen] = field(default_factory=dict)
    ips: dict[str, Seen] = field(default_factory=dict)
    fields: dict[str, dict[str, Value]] = field(default_factory=dict)  # field -> normalised -> value
    roles: list[RoleGuess] = field(default_factory=list)
    applications: list[dict[str, str]] = field(default_factory=list)
    captures: set[str] = field(default_factory=set)
    behind: set[str] = field(default_factory=set)  # a router: addresses it forwards for
    via: str | None = None  # an address reached through a router: the router's asset id
    notes: list[str] = field(default_factory=list)
    name: str = ""
    zone: str | None = None
    declared: str | None = None

    def addresses(self) -> list[str]:
        return sorted(self.macs) + sorted(self.ips)

    def add(self, claim: Claim) -> None:
        values = self.fields.setdefault(claim.field, {})
        key = normalise(claim.value)
        v = values.get(key)
        if v is None:
            v = values[key] = Value(claim.value, claim.confidence)
        elif CONFIDENCE_RANK[claim.confidence] > CONFIDENCE_RANK[v.confidence]:
            v.confidence = claim.confidence
        v.sources.add(claim.source)

    def best(self, name: str) -> Value | None:
        """The value most sources agree on at the highest confidence (None if never seen)."""
        values = self.fields.get(name)
        if not values:
            return None
        return max(values.values(), key=lambda v: (CONFIDENCE_RANK[v.confidence], len(v.sources), v.value))

    def value(self, name: str) -> str | None:
        v = self.best(name)
        return None if v is None else v.value

    @property
    def role(self) -> RoleGuess | None:
        return self.roles[0] if self.roles else None

    def time_span(self) -> tuple[float | None, float | None]:
        seen = [*self.macs.values(), *self.ips.values()]
        firsts = [s.first_ts for s in seen if s.first_ts is not None]
        lasts = [s.last_ts for s in seen if s.last_ts is not None]
        return (min(firsts) if firsts else None, max(lasts) if lasts else None)


def normalise(value: str) -> str:
    """Values that differ only in case or spacing are the same value."""
    return " ".join(value.split()).casefold()
