"""Saying long lists short on the pages: services with their ports as ranges, exposure paths
merged per route (what ``plantwarden segmentation`` prints the same way)."""

from __future__ import annotations

from typing import Any

from plantwarden.continuity.segmentation import port_ranges


def services_text(services: list[str]) -> str:
    """``s7comm, tcp 21-23, 80``: named services, then each transport's ports as ranges (a
    scan of 30 ports is one short line)."""
    named = [s for s in services if "/" not in s]
    ports: dict[str, list[int]] = {}
    for s in services:
        transport, _, port = s.partition("/")
        if port.isdigit():
            ports.setdefault(transport, []).append(int(port))
    ranged = [f"{t} {port_ranges(p).replace(',', ', ')}" for t, p in sorted(ports.items())]
    return ", ".join(named + ranged)


def exposure_routes(paths: list[dict[str, Any]]) -> list[dict[str, str]]:
    """One entry per (kind, hops), its services merged: a scan over 30 ports is one line."""
    merged: dict[tuple[str, str], list[str]] = {}
    for p in paths:
        hops = " → ".join(f"{h['address']} ({h['zone']})" for h in p["hops"])
        listed = p["services"] if isinstance(p["services"], list) else [p["services"]]
        found = merged.setdefault((p["kind"], hops), [])
        found.extend(str(x) for x in listed if str(x) not in found)
    return [{"kind": k, "hops": h, "services": services_text(s)} for (k, h), s in merged.items()]
