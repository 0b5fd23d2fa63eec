"""Paths from enterprise, public and vendor addresses into control and safety zones.

Three kinds, from observed edges only:

* ``direct``: a source opens a connection to a host in a control or safety zone;
* ``via_host``: a source reaches a host H (not itself a source or in such a zone), and H opens a
  connection into a control or safety zone - one pivot, such as a dual-homed or jump host;
* ``remote_access``: a remote-access tool (rdp, vnc, ssh, teamviewer, anydesk) into a control or
  safety zone, or used from a source.
"""

from __future__ import annotations

from typing import Any

from plantwarden.continuity.observed_edges import Edge
from plantwarden.continuity.zoning import Zoning

REMOTE_TOOLS = frozenset({"rdp", "vnc", "ssh", "teamviewer", "anydesk"})


def _end(zoning: Zoning, address: str) -> dict[str, Any]:
    found: dict[str, Any] = {"address": address, "zone": zoning.label(address)}
    if address in zoning.vendor_points:
        found["vendor"] = zoning.vendor_points[address]
    return found


def _path(kind: str, zoning: Zoning, hops: list[str], edges: list[Edge]) -> dict[str, Any]:
    return {
        "kind": kind,
        "hops": [_end(zoning, h) for h in hops],
        "services": [e.service for e in edges],
        "packets": sum(e.packets for e in edges),
        "first_ts": min((e.first_ts for e in edges if e.first_ts is not None), default=None),
        "last_ts": max((e.last_ts for e in edges if e.last_ts is not None), default=None),
    }


def direct_paths(zoning: Zoning, edges: list[Edge]) -> list[dict[str, Any]]:
    return [
        _path("direct", zoning, [e.client, e.server], [e])
        for e in edges
        if e.client != e.server and zoning.is_source(e.client) and zoning.is_target(e.server)
    ]


def pivot_paths(zoning: Zoning, edges: list[Edge]) -> list[dict[str, Any]]:
    """source -> H -> control/safety, one entry per (source, H, target) with the edges used."""
    into: dict[str, list[Edge]] = {}
    out_of: dict[str, list[Edge]] = {}
    for e in edges:
        if e.client == e.server:
            continue
        if zoning.is_source(e.client):
            into.setdefault(e.server, []).append(e)
        if zoning.is_target(e.server):
            out_of.setdefault(e.client, []).append(e)
    found = []
    for host in sorted(set(into) & set(out_of)):
        if zoning.is_source(host) or zoning.is_target(host):
            continue
        for first in into[host]:
            for second in out_of[host]:
                found.append(_path("via_host", zoning, [first.client, host, second.server], [first, second]))
    return found


def remote_paths(zoning: Zoning, edges: list[Edge]) -> list[dict[str, Any]]:
    return [
        _path("remote_access", zoning, [e.client, e.server], [e])
        for e in edges
        if e.proto in REMOTE_TOOLS and (zoning.is_target(e.server) or zoning.is_source(e.client))
    ]


def exposure_paths(zoning: Zoning, edges: list[Edge]) -> list[dict[str, Any]]:
    return direct_paths(zoning, edges) + pivot_paths(zoning, edges) + remote_paths(zoning, edges)
