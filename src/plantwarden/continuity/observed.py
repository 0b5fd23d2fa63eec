"""Declared dependencies held against observed traffic.

* Traffic between two declared assets (matched by IP address) that the model does not relate
  in either direction, at any depth, is suggested as a missing dependency: the client is
  suggested to require the server, with the traffic as evidence.
* A declared requirement between two assets with addresses (directly, or from an asset to a
  redundancy group's member assets) that no analysed capture shows in either direction is
  reported as "declared, not observed in the analysed captures" when both assets were seen in
  those captures, and as "not covered" when one of them never appeared in them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from plantwarden.continuity.graph import DependencyGraph
from plantwarden.continuity.observed_edges import IP, Edge, as_ip, coverage, edges_of, hosts_of
from plantwarden.site.model import SiteModel

NOT_OBSERVED = "declared, not observed in the analysed captures"
NOT_COVERED = "not covered: an asset was not seen in the analysed captures"


@dataclass
class ObservedReport:
    missing: list[dict[str, Any]] = field(default_factory=list)
    not_observed: list[dict[str, Any]] = field(default_factory=list)
    not_covered: list[dict[str, Any]] = field(default_factory=list)
    confirmed: list[dict[str, Any]] = field(default_factory=list)
    captures: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "captures": self.captures,
            "missing_dependencies": self.missing,
            "declared_not_observed": self.not_observed,
            "not_covered": self.not_covered,
            "confirmed": self.confirmed,
        }


def asset_by_ip(model: SiteModel) -> dict[IP, str]:
    return {ip: a.name for a in model.assets for ip in a.ips}


def _related(graph: DependencyGraph, a: str, b: str, cache: dict[str, set[str]]) -> bool:
    for x, y in ((a, b), (b, a)):
        if x not in cache:
            cache[x] = graph.closure(x)
        if y in cache[x]:
            return True
    return False


def asset_edges(model: SiteModel, edges: list[Edge]) -> dict[tuple[str, str], list[Edge]]:
    """Observed edges between two different declared assets, keyed (client asset, server asset)."""
    owner = asset_by_ip(model)
    found: dict[tuple[str, str], list[Edge]] = {}
    for e in edges:
        c, s = as_ip(e.client), as_ip(e.server)
        a, b = owner.get(c) if c else None, owner.get(s) if s else None
        if a is not None and b is not None and a != b:
            found.setdefault((a, b), []).append(e)
    return found


def missing_dependencies(
    graph: DependencyGraph, pairs: dict[tuple[str, str], list[Edge]]
) -> list[dict[str, Any]]:
    cache: dict[str, set[str]] = {}
    out = []
    for (client, server), seen in sorted(pairs.items()):
        if not _related(graph, client, server, cache):
            evidence = [e.evidence() for e in sorted(seen, key=lambda e: -e.packets)]
            out.append({"dependent": client, "requires": server, "evidence": evidence})
    return out


def declared_asset_pairs(model: SiteModel, graph: DependencyGraph) -> list[tuple[str, str, str]]:
    """(dependent asset, required asset, via) for direct edges and asset -> group -> member asset."""
    with_ips = {a.name for a in model.assets if a.ips}
    pairs: list[tuple[str, str, str]] = []
    for dependent in sorted(with_ips):
        for requirement, _ in graph.requires.get(dependent, ()):
            if requirement in with_ips:
                pairs.append((dependent, requirement, ""))
            elif requirement in graph.groups:
                members = [m for m, _ in graph.requires.get(requirement, ()) if m in with_ips]
                pairs += [(dependent, m, requirement) for m in members if m != dependent]
    return pairs


def observed_report(model: SiteModel, graph: DependencyGraph, docs: list[dict[str, Any]]) -> ObservedReport:
    edges = edges_of(docs)
    pairs = asset_edges(model, edges)
    seen_ips = {ip for ip in (as_ip(h) for h in hosts_of(docs)) if ip is not None}
    report = ObservedReport(missing=missing_dependencies(graph, pairs), captures=coverage(docs))
    for dependent, requirement, via in declared_asset_pairs(model, graph):
        entry: dict[str, Any] = {"dependent": dependent, "requires": requirement, "via": via or None}
        talks = pairs.get((dependent, requirement), []) + pairs.get((requirement, dependent), [])
        if talks:
            report.confirmed.append({**entry, "packets": sum(e.packets for e in talks)})
        elif all(_ips(model, n) & seen_ips for n in (dependent, requirement)):
            report.not_observed.append({**entry, "status": NOT_OBSERVED})
        else:
            report.not_covered.append({**entry, "status": NOT_COVERED})
    return report


def _ips(model: SiteModel, name: str) -> set[IP]:
    asset = model.asset(name)
    return set(asset.ips) if asset is not None else set()
