"""Segmentation audit: observed traffic against the declared zones and conduits.

For every observed edge between two different zones the conduits decide (see
:mod:`plantwarden.continuity.conduits`); what they do not allow is a violation, with the edge as
evidence and the conduit that would have to allow it. Also: flat networks (a /24 holding
observed hosts of a control or safety zone and of an enterprise zone), exposure paths
(:mod:`plantwarden.continuity.exposure`) and the zone x zone matrix of services seen. A site
without a model gets zones suggested from the traffic (:mod:`plantwarden.continuity.suggest`).

Violations are also grouped per (client, client zone, server zone, service) with their counts,
servers and server ports collapsed into ranges: a scan of 1,000 ports is one group, not 1,000
lines. A flow no decoder named counts under its transport (``tcp``), with its ports.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from plantwarden.continuity.conduits import judge
from plantwarden.continuity.exposure import exposure_paths
from plantwarden.continuity.observed_edges import Edge, as_ip, coverage, edges_of, hosts_of
from plantwarden.continuity.suggest import suggest_zones, suggested_conduits
from plantwarden.continuity.zoning import CRITICAL, UNTRUSTED, Zoning, is_unicast, subnet_of
from plantwarden.site.model import SiteModel


def _unicast_edges(edges: list[Edge]) -> list[Edge]:
    return [
        e for e in edges if all((ip := as_ip(a)) is not None and is_unicast(ip) for a in (e.client, e.server))
    ]


def violation(model: SiteModel, zoning: Zoning, edge: Edge) -> dict[str, Any] | None:
    a, b = zoning.zone_of(edge.client), zoning.zone_of(edge.server)
    if a == b and a is not None:
        return None
    found: dict[str, Any] = {
        "client_zone": zoning.label(edge.client),
        "server_zone": zoning.label(edge.server),
        "service": edge.service,
        "evidence": edge.evidence(),
    }
    if a is None or b is None:
        outside = edge.client if a is None else edge.server
        return {**found, "reason": f"{outside} is outside every declared zone", "needed": None}
    verdict = judge(model.conduits, edge, a, b)
    if verdict.allowed_by is not None:
        return None
    needed = {"conduit": verdict.conduit, "from": a, "to": b, "allow": verdict.allow}
    return {**found, "reason": verdict.reason, "needed": needed}


def port_ranges(ports: Iterable[int]) -> str:
    """``21-23,80,102``: sorted ports, runs collapsed into ranges (0, no port, left out)."""
    runs: list[list[int]] = []
    for p in sorted({p for p in ports if p}):
        if runs and p == runs[-1][1] + 1:
            runs[-1][1] = p
        else:
            runs.append([p, p])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def violation_groups(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Violations per (client, client zone, server zone, service), most flows first."""
    groups: dict[tuple[str, str, str, str], list[dict[str, Any]]] = {}
    for v in violations:
        e = v["evidence"]
        service = e["proto"] or e["transport"]
        groups.setdefault((e["client"], v["client_zone"], v["server_zone"], service), []).append(v)
    out = []
    for (client, a, b, service), found in groups.items():
        ev = [v["evidence"] for v in found]
        firsts = [x["first_ts"] for x in ev if x["first_ts"] is not None]
        lasts = [x["last_ts"] for x in ev if x["last_ts"] is not None]
        reasons = sorted({v["reason"] for v in found})
        out.append(
            {
                "client": client,
                "client_zone": a,
                "server_zone": b,
                "service": service,
                "transport": sorted({x["transport"] for x in ev}),
                "ports": port_ranges(x["port"] for x in ev),
                "port_count": len({x["port"] for x in ev if x["port"]}),
                "servers": sorted({x["server"] for x in ev}),
                "violations": len(found),
                "flows": sum(x["flows"] for x in ev),
                "packets": sum(x["packets"] for x in ev),
                "first_ts": min(firsts, default=None),
                "last_ts": max(lasts, default=None),
                "reasons": reasons,
            }
        )
    return sorted(
        out, key=lambda g: (-g["flows"], g["client"], g["client_zone"], g["server_zone"], g["service"])
    )


def matrix(zoning: Zoning, edges: list[Edge]) -> dict[str, dict[str, dict[str, int]]]:
    """client zone -> server zone -> service -> packets."""
    table: dict[str, dict[str, dict[str, int]]] = {}
    for e in edges:
        cell = table.setdefault(zoning.label(e.client), {}).setdefault(zoning.label(e.server), {})
        cell[e.service] = cell.get(e.service, 0) + e.packets
    return {
        a: {b: dict(sorted(c.items())) for b, c in sorted(row.items())} for a, row in sorted(table.items())
    }


def flat_networks(zoning: Zoning, hosts: set[str]) -> list[dict[str, Any]]:
    """Subnets (/24, /64) holding observed hosts of control or safety zones and of enterprise zones."""
    by_net: dict[str, dict[str, list[str]]] = {}
    for address in sorted(hosts):
        ip = as_ip(address)
        kind = zoning.class_of(address)
        if ip is not None and is_unicast(ip) and kind in CRITICAL | UNTRUSTED:
            zone = zoning.label(address)
            by_net.setdefault(str(subnet_of(ip)), {}).setdefault(zone, []).append(address)
    found = []
    for net, zones in sorted(by_net.items()):
        kinds = {zoning.class_of(hosts_[0]) for hosts_ in zones.values()}
        if kinds & CRITICAL and kinds & UNTRUSTED:
            found.append({"subnet": net, "zones": zones})
    return found


def vendor_points(model: SiteModel) -> dict[str, str]:
    points: dict[str, str] = {}
    for v in model.vendors:
        asset = model.asset(v.via) if v.via is not None and v.remote_access != "none" else None
        for ip in asset.ips if asset is not None else ():
            points[str(ip)] = f"{v.company} ({v.remote_access})"
    return points


def audit(model: SiteModel | None, docs: list[dict[str, Any]]) -> dict[str, Any]:
    """The whole audit; with no model, zones are suggested and no violations are judged."""
    edges = _unicast_edges(edges_of(docs))
    hosts = hosts_of(docs)
    body: dict[str, Any] = {"captures": coverage(docs), "model": model is not None}
    if model is None:
        zones = suggest_zones(edges)
        zoning = Zoning(zones)
        body["suggested_zones"] = [_zone_dict(z) for z in zones]
        body["suggested_conduits"] = suggested_conduits(zoning, edges)
        body["violations"] = []
    else:
        zoning = Zoning(model.zones, vendor_points(model))
        edges = [e for e in edges if not zoning.directed_broadcast(e.server)]
        found = (violation(model, zoning, e) for e in edges)
        body["violations"] = [v for v in found if v is not None]
    body["violation_groups"] = violation_groups(body["violations"])
    body["flat_networks"] = flat_networks(zoning, hosts)
    body["exposure_paths"] = exposure_paths(zoning, edges)
    body["matrix"] = matrix(zoning, edges)
    return body


def _zone_dict(zone: Any) -> dict[str, Any]:
    return {
        "name": zone.name,
        "level": zone.level,
        "cidrs": [str(c) for c in zone.cidrs],
        "description": zone.description,
    }
