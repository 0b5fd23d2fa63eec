"""Remediation items: one per asset, from its open vulnerabilities and its end of support.

An asset's open vulnerabilities (status not remediated or in progress) become one item: one
visit updates the asset past all of them. The most urgent SSVC deployer decision sets the
deadline (act: Immediate; attend: Out-of-Cycle; track: Scheduled or Defer) and every CVE adds
to the item's risk weight (a KEV one counts double). An asset whose support ends within the
horizon without a fix in view becomes a "replace" item. Without a published vendor fix the
item is "mitigate only": no window can fix it, a compensating control holds until replaced.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from plantwarden.continuity.graph import DependencyGraph
from plantwarden.plan.defaults import effort_of
from plantwarden.site.model import Asset, SiteModel
from plantwarden.site.model_remediation import Qualification

# SSVC deployer decision (docs/vulns.md) -> plan category, days to the deadline, risk weight
DECISIONS: dict[str, tuple[str, int | None, float]] = {
    "Immediate": ("act", 14, 8.0),
    "Out-of-Cycle": ("attend", 60, 4.0),
    "Scheduled": ("track", 180, 2.0),
    "Defer": ("track", None, 1.0),
}
LIFECYCLE_WEIGHT = 2.0
KEV_FACTOR = 2.0


@dataclass(frozen=True, slots=True)
class Item:
    id: str  # the asset's name: one item per asset
    asset: str
    action: str
    kind: str  # "vulnerability" | "lifecycle"
    decision: str  # act | attend | track
    deadline: date | None
    weight: float
    duration: float  # hours of work
    downtime: float  # hours the asset is down
    line_stop: bool
    lines: tuple[str, ...] = ()  # lines the asset stops (continuity graph)
    per_hour: float = 0.0  # money per hour of those lines
    vendor: str | None = None
    qualification: Qualification = Qualification.NOT_APPLICABLE
    available: date | None = None  # first day the target version may be installed
    patchable: bool = True  # False: mitigate only (no vendor fix, or held without a date)
    cves: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "asset": self.asset,
            "action": self.action,
            "kind": self.kind,
            "decision": self.decision,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "weight": self.weight,
            "duration_hours": self.duration,
            "downtime_hours": self.downtime,
            "line_stop": self.line_stop,
            "lines": list(self.lines),
            "per_hour": self.per_hour,
            "vendor": self.vendor,
            "qualification": self.qualification.value,
            "available": self.available.isoformat() if self.available else None,
            "patchable": self.patchable,
            "cves": list(self.cves),
        }


def build_items(
    model: SiteModel, vulns: Iterable[dict[str, Any]], today: date, horizon_days: int
) -> list[Item]:
    """Items for ``vulns`` (the dicts of ``vulns.service.site_vulns``) and end-of-support assets."""
    from plantwarden.continuity.graph import build_graph
    from plantwarden.continuity.lifecycle import support_of

    graph = build_graph(model)
    per_asset: dict[str, list[dict[str, Any]]] = {}
    for v in vulns:
        if v.get("status") in ("not_remediated", "in_progress"):
            per_asset.setdefault(v["asset"], []).append(v)
    items = [_from_vulns(model, graph, name, vs, today) for name, vs in sorted(per_asset.items())]
    end = today + timedelta(days=horizon_days)
    for asset in model.assets:
        support = support_of(asset)
        if asset.name not in per_asset and support.end is not None and support.end <= end:
            items.append(_lifecycle(model, graph, asset, support.end, support.source, today))
    return [i for i in items if i is not None]


def _from_vulns(
    model: SiteModel, graph: DependencyGraph, name: str, vs: list[dict[str, Any]], today: date
) -> Item | None:
    asset = model.asset(name)
    if asset is None:
        return None  # observed but not declared: nothing to schedule against
    ranked = sorted(vs, key=lambda v: list(DECISIONS).index(v["decision"]))
    decision, days, _ = DECISIONS[ranked[0]["decision"]]
    weight = sum(DECISIONS[v["decision"]][2] * (KEV_FACTOR if v.get("kev") else 1.0) for v in vs)
    fixes = [str(v["evidence"]["fix"]) for v in ranked if (v.get("evidence") or {}).get("fix")]
    what = _what(asset)
    action = f"update {what}: {fixes[0][:120]}" if fixes else f"mitigate only ({what}: no vendor fix)"
    deadline = today + timedelta(days=days) if days is not None else None
    cves = tuple(sorted({v["cve"] for v in vs}))
    return _item(model, graph, asset, action, "vulnerability", decision, deadline, weight, bool(fixes), cves)


def _lifecycle(
    model: SiteModel, graph: DependencyGraph, asset: Asset, end: date, source: str, today: date
) -> Item:
    action = f"replace or upgrade {_what(asset)}: support ends {end.isoformat()} ({source})"
    deadline = max(end, today)
    return _item(model, graph, asset, action, "lifecycle", "attend", deadline, LIFECYCLE_WEIGHT, True, ())


def _what(asset: Asset) -> str:
    if asset.firmware:
        return f"firmware {asset.firmware}"
    if asset.os:
        return f"{asset.os} {asset.os_version or ''}".strip()
    return asset.product or asset.role.value


def _item(
    model: SiteModel,
    graph: DependencyGraph,
    asset: Asset,
    action: str,
    kind: str,
    decision: str,
    deadline: date | None,
    weight: float,
    patchable: bool,
    cves: tuple[str, ...],
) -> Item:
    from plantwarden.plan.context import lines_stopped, qualification_of

    duration, downtime, stop = effort_of(asset, model.remediation)
    lines, per_hour = lines_stopped(graph, asset.name)
    state, available, ok = qualification_of(model, asset)
    return Item(
        asset.name,
        asset.name,
        action,
        kind,
        decision,
        deadline,
        weight,
        duration,
        downtime,
        stop,
        lines,
        per_hour,
        asset.vendor,
        state,
        available,
        patchable and ok,
        cves,
    )
