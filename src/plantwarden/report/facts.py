"""What the demo summary and the HTML report show, gathered once from the site model, the
analysis documents and the alerts: assets by zone and role, the observed map, lines at risk,
single points of failure, segmentation violations and the legacy share per zone.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from plantwarden.continuity import lifecycle, segmentation
from plantwarden.continuity.graph import build_graph
from plantwarden.continuity.observed_edges import Edge, as_ip, edges_of, hosts_of
from plantwarden.continuity.spof import Single, singles
from plantwarden.continuity.zoning import is_unicast
from plantwarden.detect.model import Alert
from plantwarden.inventory.build import make_inventory
from plantwarden.site.model import SiteModel

TOP_SPOF = 5


@dataclass
class AssetFact:
    name: str
    zone: str
    role: str
    ips: list[str]
    declared: bool
    observed: bool
    severity: str | None = None  # the highest severity of the alerts naming it


@dataclass
class EdgeFact:
    client: str
    server: str
    services: list[str]
    packets: int
    violation: bool


@dataclass
class LineRisk:
    """What the alerts mean for one line. ``state``: "stopped", an alert shows the failure of
    an asset the line cannot run without (it went silent, was put in STOP, was restarted);
    "exposed", an alert touches such an asset but shows no failure (a scan's target, a write,
    a new talker); "covered", the asset's redundancy group still holds; "safe", no alert."""

    line: str
    cost_per_hour: float
    state: str
    buffer_minutes: float | None
    alerts: int
    failed: list[str] = field(default_factory=list)  # "plc-proc was put in STOP (mode-change)"
    degraded: list[str] = field(default_factory=list)  # failures redundancy still covers


@dataclass
class DemoFacts:
    site: str
    currency: str
    zones: list[tuple[str, str]]  # name, level
    assets: list[AssetFact]
    edges: list[EdgeFact]
    alerts: list[dict[str, Any]]
    lines: list[LineRisk]
    spof: list[Single]
    violations: list[dict[str, Any]]
    legacy: dict[str, dict[str, Any]]
    captures: list[str] = field(default_factory=list)
    timezone: str | None = None  # the site's IANA timezone: times are shown in it
    vulns: dict[str, Any] = field(default_factory=dict)  # plantwarden.vulns.service.site_vulns; {}: none
    plan: dict[str, Any] | None = None  # the latest stored plan run (plan.store.latest_run); None: none

    def zone_assets(self, zone: str) -> list[AssetFact]:
        return [a for a in self.assets if a.zone == zone]


SEVERITY_RANK = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}


def _severities(alerts: list[dict[str, Any]]) -> dict[str, str]:
    worst: dict[str, str] = {}
    for a in alerts:
        for entry in a["assets"]:
            key = entry.get("name") or entry["address"]
            if SEVERITY_RANK[a["severity"]] > SEVERITY_RANK.get(worst.get(key, "info"), 0):
                worst[key] = a["severity"]
    return worst


def _unmanaged(site: SiteModel, docs: list[dict[str, Any]]) -> list[AssetFact]:
    """Observed devices with an address in a declared zone that the site model does not declare."""
    report = make_inventory(docs, site)
    found = []
    for device in report.inventory.devices():
        ips = sorted(ip for ip in device.ips if (x := as_ip(ip)) is not None and is_unicast(x))
        if device.declared is not None or not ips or site.zone_for_ip(ips[0]) is None:
            continue
        role = device.roles[0].role if device.roles else "unknown"
        zone = site.zone_for_ip(ips[0])
        assert zone is not None
        found.append(AssetFact(ips[0], zone.name, role, ips, False, True))
    return found


def _assets(site: SiteModel, docs: list[dict[str, Any]], alerts: list[dict[str, Any]]) -> list[AssetFact]:
    seen = hosts_of(docs)
    facts = [
        AssetFact(
            a.name, a.zone, a.role.value, [str(i) for i in a.ips], True, any(str(i) in seen for i in a.ips)
        )
        for a in site.assets
    ]
    facts += _unmanaged(site, docs)
    worst = _severities(alerts)
    for f in facts:
        f.severity = worst.get(f.name)
    return facts


def _name_of(site: SiteModel, address: str) -> str:
    asset = site.asset_for_ip(address) if as_ip(address) is not None else None
    return asset.name if asset is not None else address


def _edges(site: SiteModel, edges: list[Edge], violations: list[dict[str, Any]]) -> list[EdgeFact]:
    bad = {(v["evidence"]["client"], v["evidence"]["server"]) for v in violations}
    merged: dict[tuple[str, str], EdgeFact] = {}
    for e in edges:
        a, b = as_ip(e.client), as_ip(e.server)
        if a is None or b is None or not (is_unicast(a) and is_unicast(b)):
            continue
        key = (_name_of(site, e.client), _name_of(site, e.server))
        fact = merged.setdefault(key, EdgeFact(key[0], key[1], [], 0, False))
        if e.service not in fact.services:
            fact.services.append(e.service)
        fact.packets += e.packets
        fact.violation = fact.violation or (e.client, e.server) in bad
    return sorted(merged.values(), key=lambda f: (f.client, f.server))


#: Rules whose alert is the failure of its target, not only a threat to it.
FAILURE_RULES = {"device-silent": "stopped answering", "device-restart": "was restarted or shut down"}
STATE_RANK = {"safe": 0, "covered": 1, "exposed": 2, "stopped": 3}


def failure(alert: dict[str, Any]) -> str | None:
    """How the alert's target failed ("was put in STOP"), or None when the alert is a threat
    only: a scan, a write or a new talker leave their target running."""
    said = FAILURE_RULES.get(str(alert.get("rule")))
    if said is not None:
        return said
    details = " ".join(str(d) for d in alert.get("details") or []).lower()
    if alert.get("rule") == "mode-change" and "stop" in details:
        return "was put in STOP"
    return None


def line_risks(site: SiteModel, alerts: list[dict[str, Any]]) -> list[LineRisk]:
    """Each line of the site and what the alerts (JSON documents) mean for it."""
    risks = {x.name: LineRisk(x.name, x.downtime_cost_per_hour, "safe", None, 0) for x in site.lines}
    for a in alerts:
        impact = a.get("impact") or {}
        how = failure(a)
        state = "covered" if not impact.get("stops") else "stopped" if how else "exposed"
        for line in impact.get("lines", []):
            risk = risks[line["line"]]
            risk.alerts += 1
            if how is not None:
                said = f"{', '.join(impact.get('assets') or [a['dst']])} {how} ({a['rule']})"
                failures = risk.failed if state == "stopped" else risk.degraded
                if said not in failures:
                    failures.append(said)
            if STATE_RANK[state] > STATE_RANK[risk.state]:
                risk.state, risk.buffer_minutes = state, line["buffer_minutes"]
            elif state == risk.state and (
                risk.buffer_minutes is None or line["buffer_minutes"] < risk.buffer_minutes
            ):
                risk.buffer_minutes = line["buffer_minutes"]
    return list(risks.values())


def gather(
    site: SiteModel, docs: list[dict[str, Any]], alerts: list[Alert], at: date | None = None
) -> DemoFacts:
    """Everything the summary and the report show."""
    graph = build_graph(site)
    alert_docs = [a.to_json() for a in alerts]
    audit = segmentation.audit(site, docs)
    ranked = [s for s in singles(graph) if s.cost_per_hour > 0][:TOP_SPOF]
    legacy = lifecycle.report(site, graph, at or date.today())["zones"]
    return DemoFacts(
        site=site.site.name,
        currency=str(site.site.currency),
        zones=[(z.name, str(z.level)) for z in site.zones],
        assets=_assets(site, docs, alert_docs),
        edges=_edges(site, edges_of(docs), audit["violations"]),
        alerts=alert_docs,
        lines=line_risks(site, alert_docs),
        spof=ranked,
        violations=audit["violations"],
        legacy=legacy,
        captures=[str(d.get("name")) for d in docs],
        timezone=str(site.site.timezone),
    )


def role_counts(assets: list[AssetFact]) -> Counter[str]:
    return Counter(a.role for a in assets)
