"""Per window: its items, the lines it stops, their production cost, the risk it retires.
Per line: money per hour at risk before the plan and after it (at the horizon's end)."""

from __future__ import annotations

from typing import Any

from plantwarden.plan.items import Item
from plantwarden.plan.problem import Problem


def by_window(problem: Problem, placement: dict[str, str | None], model: Any) -> list[dict[str, Any]]:
    cost = {x.name: x.downtime_cost_per_hour for x in model.lines}
    out = []
    for slot in problem.slots:
        here = [i for i in problem.items if placement.get(i.id) == slot.id]
        if not here:
            continue
        stop_hours: dict[str, float] = {}
        for i in here:
            if i.line_stop and i.downtime > 0:
                for line in i.lines:
                    stop_hours[line] = max(stop_hours.get(line, 0.0), i.downtime)
        out.append(
            {
                **slot.as_dict(),
                "items": [i.id for i in here],
                "lines_stopping": sorted(stop_hours),
                "production_cost": round(sum(cost.get(n, 0.0) * h for n, h in stop_hours.items()), 2),
                "risk_retired": round(sum(i.weight for i in here), 2),
                "cves_retired": sorted({c for i in here for c in i.cves}),
            }
        )
    return out


def by_line(
    model: Any, items: list[Item], placement: dict[str, str | None], excluded: set[str]
) -> list[dict[str, Any]]:
    out = []
    for line in model.lines:
        open_before = [i.id for i in items if line.name in i.lines]
        open_after = [i for i in open_before if placement.get(i) is None or i in excluded]
        out.append(
            {
                "line": line.name,
                "per_hour": line.downtime_cost_per_hour,
                "at_risk_before": line.downtime_cost_per_hour if open_before else 0.0,
                "at_risk_after": line.downtime_cost_per_hour if open_after else 0.0,
                "items_before": open_before,
                "items_after": open_after,
            }
        )
    return out
