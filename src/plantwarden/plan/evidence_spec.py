"""What each compensating control is checked against, fixed when the plan runs and stored with
the control (``check`` in the plan run's JSON), so that every later check is reproducible:

* ``since``: when the control started; only captures analysed after it count;
* ``sessions_after``: the newest stored remote session then (later sessions have larger ids);
* tighten-conduit: the conduit, its two zones and the allow list, the flows across it observed
  in the captures stored when the plan ran (client, server, transport, port, protocol);
* alert-new-peer: the asset's peers in the newest stored baseline (else in the captures then).

A control that the previous plan run had too (same item, kind and action) keeps that run's
spec: re-planning does not restart it or widen its allow list.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from plantwarden.continuity.observed_edges import Edge, edge_from_row
from plantwarden.continuity.zoning import Zoning
from plantwarden.plan.evidence_data import StoredCapture, captures, last_session_id
from plantwarden.site.model import SiteModel


def control_key(c: dict[str, Any]) -> tuple[str, str, str]:
    return (str(c["item"]), str(c["kind"]), str(c["action"]))


def flow(e: Edge) -> dict[str, Any]:
    return {
        "client": e.client,
        "server": e.server,
        "transport": e.transport,
        "port": e.port,
        "proto": e.proto,
    }


def edges(stored: list[StoredCapture]) -> list[tuple[StoredCapture, Edge]]:
    return [(c, e) for c in stored for row in c.edges if (e := edge_from_row(row)) is not None]


def crosses(zoning: Zoning, e: Edge, zones: tuple[str, str]) -> bool:
    """True when the edge goes between the conduit's two zones (either way)."""
    a, b = zoning.zone_of(e.client), zoning.zone_of(e.server)
    return a != b and {a, b} == set(zones)


def asset_ips(model: SiteModel, asset: str) -> set[str]:
    declared = model.asset(asset)
    return {str(ip) for ip in declared.ips} if declared is not None else set()


def _conduit_spec(model: SiteModel, asset: str, stored: list[StoredCapture]) -> dict[str, Any]:
    from plantwarden.plan.controls import conduit_of

    c = conduit_of(model, asset)
    if c is None:
        return {"conduit": None, "zones": [], "allow": []}
    zones = (c.from_zone, c.to_zone)
    zoning = Zoning(model.zones)
    allow = {tuple(flow(e).values()): flow(e) for _, e in edges(stored) if crosses(zoning, e, zones)}
    return {"conduit": c.name, "zones": list(zones), "allow": [allow[k] for k in sorted(allow, key=str)]}


def _peer_spec(
    model: SiteModel, asset: str, stored: list[StoredCapture], baseline: Any | None
) -> dict[str, Any]:
    ips = asset_ips(model, asset)
    peers: set[str] = set()
    if baseline is not None:
        for conv in baseline.conversations:
            if conv.client in ips:
                peers.add(conv.server)
            if conv.server in ips:
                peers.add(conv.client)
        source = f"baseline v{baseline.version}"
    else:
        for _, e in edges(stored):
            if e.client in ips:
                peers.add(e.server)
            if e.server in ips:
                peers.add(e.client)
        source = f"the {len(stored)} captures stored when the plan ran (no baseline stored)"
    return {"peers": sorted(peers - ips), "peers_from": source}


def attach_checks(
    db_url: str,
    site_id: int,
    model: SiteModel,
    body: dict[str, Any],
    previous: dict[str, Any] | None,
    now: datetime,
) -> None:
    """Give every control of ``body`` its ``check`` spec (in place)."""
    carried = {control_key(c): c["check"] for c in (previous or {}).get("controls", []) if c.get("check")}
    fresh = [c for c in body["controls"] if control_key(c) not in carried]
    kinds = {c["kind"] for c in fresh}
    needs = kinds & {"tighten-conduit", "alert-new-peer"}
    stored = captures(db_url, site_id, until=now, sections=("edges",)) if needs else []
    baseline = None
    if "alert-new-peer" in kinds:
        from plantwarden.detect.store_baselines import load_baseline

        baseline = load_baseline(db_url, site_id)
    mark = last_session_id(db_url, site_id) if fresh else 0
    for c in body["controls"]:
        if control_key(c) in carried:
            c["check"] = carried[control_key(c)]
            continue
        spec: dict[str, Any] = {"since": now.isoformat(), "sessions_after": mark}
        if c["kind"] == "tighten-conduit":
            spec.update(_conduit_spec(model, c["item"], stored))
        elif c["kind"] == "alert-new-peer":
            spec.update(_peer_spec(model, c["item"], stored, baseline))
        c["check"] = spec
