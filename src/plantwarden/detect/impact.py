"""Production at risk behind an alert: the continuity engine's impact for the alert's asset.

The asset at risk is the one the alert's action targets (its destination: the PLC written to,
the device gone silent), else its source. Its failure is priced with
:func:`plantwarden.continuity.impact.impact` (docs/continuity.md). When it alone stops no line
because a redundancy group covers it, the lines that group protects are still reported, as
``covered`` with how many spares the group has left: the next failure stops them.
"""

from __future__ import annotations

from typing import Any

from plantwarden.continuity.graph import DependencyGraph, build_graph
from plantwarden.continuity.impact import Impact, LineStop, impact
from plantwarden.detect.alerts import ImpactFn
from plantwarden.site.model import SiteModel


def _groups_of(graph: DependencyGraph, names: list[str]) -> list[str]:
    found = [d for n in names for d, _ in graph.dependents.get(n, ()) if d in graph.groups]
    return list(dict.fromkeys(found))


def _cover(graph: DependencyGraph, group: str, names: list[str]) -> dict[str, Any]:
    g = graph.groups[group]
    members = [m for m, _ in graph.requires.get(group, ())]
    down = sum(1 for m in members if m in names)
    return {"group": group, "k": g.k, "n": g.n, "down": down, "spare": max(0, g.tolerated - down)}


def _line(stop: LineStop) -> dict[str, Any]:
    return {
        "line": stop.line,
        "cost_per_hour": stop.cost_per_hour,
        "buffer_minutes": stop.after_minutes,
        "path": [step.name for step in stop.path],
    }


def describe(graph: DependencyGraph, names: list[str], currency: str) -> dict[str, Any] | None:
    """``{assets, currency, cost_per_hour, lines, covered}``; None when no name is in the model."""
    names = [n for n in dict.fromkeys(names) if n in graph.kinds]
    if not names:
        return None
    result: Impact = impact(graph, names)
    covered: list[dict[str, Any]] = []
    if not result.stops:
        groups = [g for g in _groups_of(graph, names) if g not in result.down]
        if groups:
            covered = [_cover(graph, g, names) for g in groups]
            result = impact(graph, names + groups)
    lines = [_line(s) for s in result.stops]
    for line in lines:
        first = line["path"][0]
        if first in graph.groups:
            line["path"] = [m for m, _ in graph.requires.get(first, ()) if m in names] + line["path"]
    return {
        "assets": names,
        "currency": currency,
        "cost_per_hour": result.cost_per_hour,
        "stops": not covered and bool(result.stops),
        "lines": lines,
        "covered": covered,
    }


def impact_fn(model: SiteModel) -> ImpactFn:
    """The :class:`~plantwarden.detect.engine.Detector`'s ``impact`` for a site model."""
    graph = build_graph(model)
    currency = str(model.site.currency)

    def fn(names: list[str]) -> dict[str, Any] | None:
        return describe(graph, names, currency) if not graph.cycles else None

    return fn
