"""What the evidence rules look at: the records of each source, and the time they are judged at.

Built from the store by :func:`from_store`, or directly from records (tests, what-ifs). A
source that is absent from ``records`` is "not recorded".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from plantwarden.compliance.sources import WHAT, CaptureRecord, SiteRecord, StoreRef, load_all


@dataclass(frozen=True)
class State:
    records: dict[str, Any]
    now: float
    site_name: str = ""
    zone: str | None = None  # --zone: zone-scoped rules look at this zone only
    statements: list[dict[str, Any]] = field(default_factory=list)
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)  # derived facts, once

    def get(self, source: str) -> Any:
        return self.records.get(source)

    @property
    def site(self) -> SiteRecord | None:
        found = self.get("site")
        return found if isinstance(found, SiteRecord) else None

    @property
    def captures(self) -> list[CaptureRecord]:
        return list(self.get("captures") or [])

    @property
    def docs(self) -> list[dict[str, Any]]:
        return [c.doc for c in self.captures]

    def newest_capture(self) -> float | None:
        times = [c.last_ts for c in self.captures if c.last_ts is not None]
        return max(times, default=None)

    def newest_record(self) -> float:
        """The time of the newest record of any source (what the OSCAL document is dated by)."""
        times = [c.last_ts or c.analysed_at for c in self.captures]
        if self.site is not None:
            times.append(self.site.loaded_at)
        times += [s["created_at"] for s in self.statements]
        return max(times, default=0.0)


def what(source: str) -> str:
    return WHAT.get(source, source)


def from_store(url: str, site_id: int, site_name: str, now: float, zone: str | None = None) -> State:
    from plantwarden.compliance.rules import all_rules
    from plantwarden.compliance.statements import list_statements

    all_rules()  # the rule modules register their sources too (rules_vulns: vulnerabilities)
    records = load_all(StoreRef(url, site_id))
    statements = [s.as_dict() for s in list_statements(url, site_id)]
    return State(records, now, site_name, zone, statements)
