"""Zones suggested from traffic, for a site without a model.

Each host gets a role from what it does: it serves an industrial protocol (control), serves
BACnet (building), is a client of industrial protocols (operations), or only speaks office
protocols (enterprise). Hosts are grouped by /24 (IPv4) or /64 (IPv6); a group's zone takes the
first role present in the order control, building, operations, enterprise, and a group with no
known role is ``unknown`` (suggested as operations). Broadcast and multicast addresses are
no hosts (site.groups: without zones, x.y.z.255 is a /24's broadcast).
"""

from __future__ import annotations

from ipaddress import IPv4Network, IPv6Network
from typing import Any

from plantwarden.continuity.observed_edges import Edge, as_ip
from plantwarden.continuity.zoning import Zoning, subnet_of
from plantwarden.site.groups import is_group_address
from plantwarden.site.model import Zone

ICS = frozenset({"modbus", "s7comm", "s7comm-plus", "enip", "cip", "dnp3", "iec104", "opcua"})
BUILDING = frozenset({"bacnet", "bvlc", "bacapp"})
OFFICE_PORTS = frozenset({53, 80, 88, 135, 389, 443, 445, 636, 1433, 3389, 5938, 7070})
ORDER = ("control", "building", "operations", "enterprise")


def host_roles(edges: list[Edge]) -> dict[str, set[str]]:
    roles: dict[str, set[str]] = {}
    for e in edges:
        client, server = roles.setdefault(e.client, set()), roles.setdefault(e.server, set())
        if e.proto in ICS:
            server.add("control")
            client.add("operations")
        elif e.proto in BUILDING:
            server.add("building")
            client.add("operations")
        elif e.port in OFFICE_PORTS:
            server.add("enterprise")
            client.add("enterprise")
    return roles


def host_role(roles: set[str]) -> str:
    return next((r for r in ORDER if r in roles), "unknown")


def _name(net: IPv4Network | IPv6Network) -> str:
    text = str(net.network_address).replace(".", "-").replace(":", "-").strip("-")
    return f"net-{text}-{net.prefixlen}"[:64]


def suggest_zones(edges: list[Edge]) -> tuple[Zone, ...]:
    """One zone per /24 (or /64) with observed hosts, its level from the roles of its hosts."""
    groups: dict[IPv4Network | IPv6Network, dict[str, list[str]]] = {}
    for host, roles in host_roles(edges).items():
        ip = as_ip(host)
        if ip is not None and not ip.is_global and not is_group_address(host):
            groups.setdefault(subnet_of(ip), {}).setdefault(host_role(roles), []).append(host)
    zones = []
    for net in sorted(groups, key=lambda n: (n.version, n)):
        by_role = groups[net]
        level = next((r for r in ORDER if r in by_role), "operations")
        text = "; ".join(f"{r}: {', '.join(sorted(h))}" for r, h in sorted(by_role.items()))
        zones.append(
            Zone(name=_name(net), level=level, sl_t=0, cidrs=(net,), description=f"suggested ({text})")
        )
    return tuple(zones)


def suggested_conduits(zoning: Zoning, edges: list[Edge]) -> list[dict[str, Any]]:
    """One conduit per (client zone, server zone) with traffic, allowing the services seen."""
    found: dict[tuple[str, str], set[str]] = {}
    for e in edges:
        a, b = zoning.label(e.client), zoning.label(e.server)
        if a != b:
            found.setdefault((a, b), set()).add(e.service)
    return [{"from": a, "to": b, "allow": sorted(s)} for (a, b), s in sorted(found.items())]
