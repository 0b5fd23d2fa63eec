"""The observed network as the rules see it: the segmentation audit of the stored captures
against the site model, computed once per state."""

from __future__ import annotations

from typing import Any

from plantwarden.compliance.state import State
from plantwarden.continuity.observed_edges import Edge, as_ip, edges_of, hosts_of
from plantwarden.continuity.segmentation import audit, vendor_points
from plantwarden.continuity.zoning import Zoning, is_unicast


def facts(state: State) -> dict[str, Any]:
    """``audit`` (violations, flat networks, exposure paths), ``edges``, ``zoning`` and the
    zones with observed hosts (``seen_zones``)."""
    if "network" not in state.memo:
        site = state.site
        assert site is not None
        docs = state.docs
        zoning = Zoning(site.model.zones, vendor_points(site.model))
        edges = [
            e
            for e in edges_of(docs)
            if all((ip := as_ip(a)) is not None and is_unicast(ip) for a in (e.client, e.server))
        ]
        seen = {z for h in hosts_of(docs) if (z := zoning.zone_of(h)) is not None}
        state.memo["network"] = {
            "audit": audit(site.model, docs),
            "edges": edges,
            "zoning": zoning,
            "seen_zones": seen,
        }
    found: dict[str, Any] = state.memo["network"]
    return found


def zone_edges(state: State, zone: str) -> list[Edge]:
    """Observed edges with one end in ``zone``."""
    f = facts(state)
    zoning: Zoning = f["zoning"]
    return [e for e in f["edges"] if zone in (zoning.zone_of(e.client), zoning.zone_of(e.server))]


def newest(state: State) -> float | None:
    return state.newest_capture()
