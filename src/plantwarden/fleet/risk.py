"""Production at risk per site, worst first: what a provider watching many plants asks first.

Per site, each production line and what puts it at risk, from the per-site services as they
are (nothing is priced differently here):

- open alerts: the line's state from ``report.answer.site_answer`` (stopped / exposed /
  covered / safe, as the site's home page shows it);
- open known-exploited (KEV) or act-now (SSVC Immediate) vulnerabilities: the lines their
  asset's failure stops, from ``vulns.service.site_vulns`` (continuity impact, redundancy
  groups counted);
- single points of failure: the assets and services whose failure alone stops the line
  (``continuity.spof``), the structural risk.

``at_risk_per_hour`` is the money per hour of the lines an open alert stops or exposes or an
open KEV / act-now vulnerability can stop, each line counted once. Single points of failure
are priced apart (``spof_per_hour``): nearly every line has one, so adding them would make
every site's figure its whole production.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from plantwarden.fleet.alerts import SEVERITIES, SiteAlerts, open_alerts_per_site
from plantwarden.fleet.common import OPEN_STATUSES, Skipped, per_site
from plantwarden.fleet.fresh import NONE, Freshness, freshness
from plantwarden.report.facts import STATE_RANK
from plantwarden.store.sites import SiteRef

#: Every single point of failure and every alert of a site (the answer's ``top``).
ALL = 1 << 30
ACT_NOW = "Immediate"


@dataclass
class LineAtRisk:
    line: str
    cost_per_hour: float
    alert_state: str  # stopped | exposed | covered | safe (report.facts.LineRisk)
    alerts: int = 0
    vulns: list[str] = field(default_factory=list)  # "plc-vat CVE-2023-6448" (KEV or act now, open)
    spof: list[str] = field(default_factory=list)  # assets/services whose failure alone stops it

    @property
    def at_risk(self) -> bool:
        return self.alert_state in ("stopped", "exposed") or bool(self.vulns)

    def rank(self) -> tuple[bool, int, bool, float, bool]:
        return (
            self.at_risk,
            STATE_RANK[self.alert_state],
            bool(self.vulns),
            self.cost_per_hour,
            bool(self.spof),
        )

    def reasons(self) -> list[str]:
        said = []
        if self.alert_state != "safe":
            said.append(f"alerts: {self.alert_state} ({self.alerts})")
        if self.vulns:
            said.append(f"known exploited / act now: {', '.join(self.vulns)}")
        if self.spof:
            said.append(f"single points of failure: {', '.join(self.spof)}")
        return said

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "cost_per_hour": self.cost_per_hour,
            "at_risk": self.at_risk,
            "alert_state": self.alert_state,
            "alerts": self.alerts,
            "vulns": self.vulns,
            "spof": self.spof,
            "reasons": self.reasons(),
        }


@dataclass
class SiteRisk:
    site: str
    currency: str
    has_model: bool
    lines: list[LineAtRisk]  # worst first
    alerts: SiteAlerts
    fresh: Freshness = NONE

    def _per_hour(self, chosen: Callable[[LineAtRisk], bool]) -> float:
        return sum(x.cost_per_hour for x in self.lines if chosen(x))

    @property
    def at_risk_per_hour(self) -> float:
        return self._per_hour(lambda x: x.at_risk)

    @property
    def alerts_per_hour(self) -> float:
        return self._per_hour(lambda x: x.alert_state in ("stopped", "exposed"))

    @property
    def vulns_per_hour(self) -> float:
        return self._per_hour(lambda x: bool(x.vulns))

    @property
    def spof_per_hour(self) -> float:
        return self._per_hour(lambda x: bool(x.spof))

    @property
    def worst_line(self) -> LineAtRisk | None:
        return self.lines[0] if self.lines and self.lines[0].at_risk else None

    def sort_key(self) -> tuple[float, ...]:
        sev = self.alerts.by_severity
        return (
            -self.at_risk_per_hour,
            -sev.get("critical", 0),
            -sev.get("high", 0),
            -self.alerts.open,
            -self.spof_per_hour,
        )

    def as_dict(self) -> dict[str, Any]:
        worst = self.worst_line
        return {
            "site": self.site,
            "currency": self.currency,
            "has_model": self.has_model,
            "at_risk_per_hour": self.at_risk_per_hour,
            "alerts_per_hour": self.alerts_per_hour,
            "vulns_per_hour": self.vulns_per_hour,
            "spof_per_hour": self.spof_per_hour,
            "worst_line": worst.as_dict() if worst is not None else None,
            "lines": [x.as_dict() for x in self.lines],
            "open_alerts": self.alerts.open,
            "alerts_by_severity": {s: self.alerts.by_severity.get(s, 0) for s in SEVERITIES},
            "freshness": self.fresh.as_dict(),
        }


def _lines(db_url: str, ref: SiteRef) -> tuple[str, bool, list[LineAtRisk]]:
    from plantwarden.report.answer import site_answer
    from plantwarden.vulns.service import site_vulns

    assert ref.id is not None
    answer = site_answer(db_url, ref.id, ref.name, top=ALL)
    lines = {x.line: LineAtRisk(x.line, x.cost_per_hour, x.state, x.alerts) for x in answer.lines}
    for single in answer.spof:
        for name in single.lines:
            if name in lines:
                lines[name].spof.append(single.name)
    for item in site_vulns(db_url, ref.name)["items"]:
        if item["status"] not in OPEN_STATUSES or not (item["kev"] or item["decision"] == ACT_NOW):
            continue
        for stop in item["production_at_risk"]["lines"]:
            found = lines.get(stop["line"])
            said = f"{item['asset']} {item['cve']}"
            if found is not None and said not in found.vulns:
                found.vulns.append(said)
    ordered = sorted(lines.values(), key=lambda x: x.line)
    ordered.sort(key=LineAtRisk.rank, reverse=True)
    return answer.currency, answer.has_model, ordered


def production_at_risk(db_url: str, sites: list[SiteRef]) -> tuple[list[SiteRisk], list[Skipped]]:
    """One row per site (only ``sites``: the caller chooses which it may show), worst first."""
    alerts = {a.site: a for a in open_alerts_per_site(db_url, sites)}
    fresh = freshness(db_url, [s.id for s in sites if s.id is not None])

    def one(ref: SiteRef) -> SiteRisk:
        assert ref.id is not None
        currency, has_model, lines = _lines(db_url, ref)
        return SiteRisk(ref.name, currency, has_model, lines, alerts[ref.name], fresh[ref.id])

    rows, skipped = per_site(sites, one)
    return sorted(rows, key=lambda r: (*r.sort_key(), r.site)), skipped
