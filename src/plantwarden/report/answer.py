"""The production answer of one stored site, first on its console page: which lines are at
risk and what that costs per hour, the worst open alerts, the single points of failure.

The same engines as the CLI: the open alerts of the store (``detect.store_alerts``) named
and priced through the site model (``detect.queue.SiteView``), ordered worst first
(``detect.order``); each line's state from them (``report.facts.line_risks``, as the demo
and the report show it); single points of failure from the dependency graph
(``continuity.spof``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from plantwarden.continuity.spof import Single
from plantwarden.report.facts import STATE_RANK, LineRisk

TOP = 5


@dataclass
class SiteAnswer:
    site: str
    currency: str
    has_model: bool
    lines: list[LineRisk] = field(default_factory=list)  # worst state first, then cost
    open_alerts: int = 0
    worst: list[dict[str, Any]] = field(default_factory=list)  # alert documents, worst first
    spof: list[Single] = field(default_factory=list)

    @property
    def at_risk_per_hour(self) -> float:
        """The cost per hour of the lines an open alert stops or exposes."""
        return sum(x.cost_per_hour for x in self.lines if x.state in ("stopped", "exposed"))

    def as_dict(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "currency": self.currency,
            "has_model": self.has_model,
            "at_risk_per_hour": self.at_risk_per_hour,
            "lines": [
                {
                    "line": x.line,
                    "state": x.state,
                    "cost_per_hour": x.cost_per_hour,
                    "buffer_minutes": x.buffer_minutes,
                    "alerts": x.alerts,
                    "failed": x.failed,
                    "degraded": x.degraded,
                }
                for x in self.lines
            ],
            "open_alerts": self.open_alerts,
            "worst_alerts": self.worst,
            "spof": [s.as_dict() for s in self.spof],
        }


def site_answer(db_url: str, site_id: int, site_name: str, top: int = TOP) -> SiteAnswer:
    """The answer for the stored site (without a site model: its alerts only, unpriced)."""
    from plantwarden.continuity.source import stored_model
    from plantwarden.detect.order import worst_first
    from plantwarden.detect.queue import SiteView
    from plantwarden.detect.store_alerts import list_alerts

    model = stored_model(db_url, site_id)
    view = SiteView(model)
    opened = [view.named(a) for a in list_alerts(db_url, site=site_id) if a.state != "closed"]
    docs = [a.to_json() for a in worst_first(opened)]
    if model is None:
        return SiteAnswer(site_name, "", False, open_alerts=len(docs), worst=docs[:top])
    from plantwarden.continuity.graph import build_graph
    from plantwarden.continuity.spof import singles
    from plantwarden.report.facts import line_risks

    lines = sorted(line_risks(model, docs), key=lambda x: (-STATE_RANK[x.state], -x.cost_per_hour, x.line))
    ranked = [s for s in singles(build_graph(model)) if s.cost_per_hour > 0][:top]
    return SiteAnswer(site_name, str(model.site.currency), True, lines, len(docs), docs[:top], ranked)
