"""End of support: legacy share per zone and per line, and IT/OT lifecycle alignment.

An asset's end of support is its declared ``end_of_support``, else that of its operating system
(:mod:`plantwarden.continuity.eos_table`), else unknown. At a date ``at`` it is legacy when its end
of support is on or before ``at``. A line's assets are those it needs at any depth.

Alignment: an IT component (an asset with an IT role, or any asset with an operating system)
that an OT system (an asset with an OT role) needs at any depth and whose support ends before the
OT system's (or the OT system has no declared end) is reported, as is an OT system whose own
operating system's support ends before the system's declared end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from plantwarden.continuity.eos_table import SOURCE, os_end_of_support
from plantwarden.continuity.graph import DependencyGraph
from plantwarden.site.model import Asset, AssetRole, SiteModel

R = AssetRole
OT_ROLES = frozenset(
    {
        R.PLC,
        R.RTU,
        R.HMI,
        R.SCADA_SERVER,
        R.ENGINEERING_WORKSTATION,
        R.HISTORIAN,
        R.OPC_SERVER,
        R.MES,
        R.SIS,
        R.SAFETY_PLC,
        R.BUILDING_CONTROLLER,
        R.OTHER,
    }
)


@dataclass(frozen=True, slots=True)
class Support:
    asset: str
    end: date | None
    source: str  # "declared", "os: <product>" or "unknown"
    os_end: date | None


def support_of(asset: Asset) -> Support:
    found = os_end_of_support(asset.os, asset.os_version)
    os_end = found[1] if found else None
    if asset.end_of_support is not None:
        return Support(asset.name, asset.end_of_support, "declared", os_end)
    if found is not None:
        return Support(asset.name, found[1], f"os: {found[0]}", os_end)
    return Support(asset.name, None, "unknown", None)


def is_it(asset: Asset) -> bool:
    return asset.role not in OT_ROLES or bool(asset.os)


def share(names: list[str], support: dict[str, Support], at: date) -> dict[str, Any]:
    legacy = sorted(n for n in names if (end := support[n].end) is not None and end <= at)
    unknown = sorted(n for n in names if support[n].end is None)
    return {
        "assets": len(names),
        "legacy": legacy,
        "unknown": unknown,
        "legacy_share": round(len(legacy) / len(names), 4) if names else 0.0,
    }


def alignment(
    model: SiteModel, graph: DependencyGraph, support: dict[str, Support], at: date
) -> list[dict[str, Any]]:
    assets = {a.name: a for a in model.assets}
    found = []
    for ot in (a for a in model.assets if a.role in OT_ROLES):
        ot_end = support[ot.name].end if support[ot.name].source == "declared" else None
        own = support[ot.name].os_end
        if own is not None and ot_end is not None and own < ot_end:
            found.append(_gap(ot.name, ot_end, ot.name, own, "own_os", at))
        for name in sorted(n for n in graph.closure(ot.name) if n in assets and is_it(assets[n])):
            it_end = support[name].end
            if it_end is not None and (ot_end is None or it_end < ot_end):
                found.append(_gap(ot.name, ot_end, name, it_end, "requires", at))
    return sorted(found, key=lambda f: (f["it_end"], f["ot"], f["it"]))


def _gap(ot: str, ot_end: date | None, it: str, it_end: date, kind: str, at: date) -> dict[str, Any]:
    return {
        "kind": kind,
        "ot": ot,
        "ot_end": ot_end.isoformat() if ot_end else None,
        "it": it,
        "it_end": it_end.isoformat(),
        "gap_days": (ot_end - it_end).days if ot_end else None,
        "already_out_of_support": it_end <= at,
    }


def report(model: SiteModel, graph: DependencyGraph, at: date) -> dict[str, Any]:
    support = {a.name: support_of(a) for a in model.assets}
    zones = {
        z.name: share([a.name for a in model.assets if a.zone == z.name], support, at) for z in model.zones
    }
    lines = {
        x.name: share(sorted(n for n in graph.closure(x.name) if n in support), support, at)
        for x in model.lines
    }
    return {
        "at": at.isoformat(),
        "os_table_source": SOURCE,
        "assets": [_support_dict(s, at) for s in support.values()],
        "zones": zones,
        "lines": lines,
        "alignment": alignment(model, graph, support, at),
    }


def _support_dict(s: Support, at: date) -> dict[str, Any]:
    return {
        "asset": s.asset,
        "end_of_support": s.end.isoformat() if s.end else None,
        "source": s.source,
        "legacy": s.end is not None and s.end <= at,
        "days_left": (s.end - at).days if s.end else None,
    }
