"""What matching knows of an asset: each identity field's values with where each came from.

Observed values carry their protocol, capture and frame; declared values say "site model".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FIELDS = ("vendor", "product", "model", "order_number", "firmware", "software", "hardware")


@dataclass(frozen=True, slots=True)
class Fact:
    value: str
    source: str  # "declared (site model)", "s7comm cell.pcap#87", "oui"
    confidence: str = "high"

    def as_dict(self) -> dict[str, Any]:
        return {"value": self.value, "source": self.source, "confidence": self.confidence}


@dataclass(slots=True)
class AssetFacts:
    key: str  # the asset's name (declared) or inventory id
    facts: dict[str, list[Fact]] = field(default_factory=dict)
    zone: str | None = None
    declared: str | None = None

    def add(self, name: str, value: str | None, source: str, confidence: str = "high") -> None:
        if value and value.strip():
            found = self.facts.setdefault(name, [])
            if all(f.value != value.strip() for f in found):
                found.append(Fact(value.strip(), source, confidence))

    def values(self, name: str) -> list[Fact]:
        return self.facts.get(name, [])


def facts_of(key: str, **fields: str | None) -> AssetFacts:
    """An asset from plain fields (tests, declared assets): every value "declared"."""
    out = AssetFacts(key)
    for name, value in fields.items():
        out.add(name, value, "declared")
    return out
