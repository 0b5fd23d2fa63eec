"""The plan of one site model: items, windows, the solved schedule, reasons, controls, summaries."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from plantwarden.plan.items import Item, build_items
from plantwarden.plan.problem import Group, Problem, check
from plantwarden.plan.slots import slots_of
from plantwarden.plan.solve import Solution

DEFAULT_HORIZON_DAYS = 180
SOLVERS = ("cbc", "cpsat")  # CBC through PuLP (the default); OR-Tools CP-SAT (plantwarden[cpsat])


@dataclass(frozen=True, slots=True)
class Pin:
    item: str
    kind: str  # pin | move | exclude
    window: str | None
    by: str
    why: str


def problem_of(model: Any, items: list[Item], today: date, horizon_days: int, pins: Iterable[Pin]) -> Problem:
    from plantwarden.site.model import SiteModel

    assert isinstance(model, SiteModel)
    slots = slots_of(model, today, horizon_days)
    groups = [Group(g.name, g.k, g.members) for g in model.redundancy_groups]
    order = [(o.first, o.then) for o in model.remediation.order]
    problem = Problem(
        items, slots, groups, order, model.remediation.crew_hours_per_window, horizon_days=horizon_days
    )
    ids, slot_ids = {i.id for i in items}, {s.id for s in slots}
    for p in pins:  # a pin whose item was fixed since, or whose window has passed, no longer applies
        if p.item not in ids or (p.kind != "exclude" and p.window not in slot_ids):
            continue
        if p.kind == "exclude":
            problem.excluded.add(p.item)
        elif p.window is not None:
            (problem.pins if p.kind == "pin" else problem.not_before)[p.item] = p.window
    check(problem)
    return problem


def check_solver(solver: str) -> None:
    """An unknown solver, or CP-SAT without OR-Tools installed: one line, exit 2."""
    from plantwarden.errors import UsageError

    if solver not in SOLVERS:
        raise UsageError(f"--solver {solver}: expected one of {', '.join(SOLVERS)}")
    if solver == "cpsat":
        from plantwarden.plan.solve_cpsat import cp_model

        cp_model()


def solve_with(problem: Problem, solver: str, time_limit: float) -> Solution:
    if solver == "cpsat":
        from plantwarden.plan.solve_cpsat import solve_cpsat

        return solve_cpsat(problem, time_limit=time_limit)
    from plantwarden.plan.solve import solve

    return solve(problem, time_limit=time_limit)


def fingerprint(model: Any, vulns: list[dict[str, Any]], pins: list[Pin], today: date, horizon: int) -> str:
    """SHA-256 of what the plan was computed from (site model, open vulnerabilities, pins, day, horizon)."""
    body = {
        "model": model.model_dump(mode="json"),
        "vulns": sorted((v["asset"], v["cve"], v["decision"], v.get("status")) for v in vulns),
        "pins": sorted((p.item, p.kind, p.window or "") for p in pins),
        "today": today.isoformat(),
        "horizon": horizon,
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def make_plan(
    model: Any,
    vulns: list[dict[str, Any]],
    today: date,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    pins: list[Pin] | None = None,
    time_limit: float = 60.0,
    solver: str = "cbc",
) -> dict[str, Any]:
    """The whole plan as a JSON-ready dict (docs/plan.md). With ``solver="cpsat"`` each late or
    deferred item's why also names its binding constraints (plan.binding)."""
    from plantwarden.continuity.graph import build_graph
    from plantwarden.continuity.raci import Resolver
    from plantwarden.plan.controls import Control, choose, owner_of
    from plantwarden.plan.explain import reasons
    from plantwarden.plan.summary import by_line, by_window

    pins = pins or []
    check_solver(solver)
    items = build_items(model, vulns, today, horizon_days)
    problem = problem_of(model, items, today, horizon_days, pins)
    solution = solve_with(problem, solver, time_limit)
    why = reasons(problem, solution.placement)
    if solver == "cpsat":
        from plantwarden.plan.binding import binding

        for item_id, words in binding(problem, solution.placement).items():
            why[item_id] = f"{why[item_id]}. {words}"
    slots = {s.id: s for s in problem.slots}
    end = datetime.combine(today + timedelta(days=horizon_days), time(), tzinfo=model.tz)
    resolver = Resolver(model, build_graph(model))
    controls = []
    for item in items:
        at = solution.placement[item.id]
        fixed = slots[at].start if at is not None else None
        late = item.deadline is not None and (fixed is None or fixed.date() > item.deadline)
        if item.id in problem.excluded or not (late or not item.patchable or at is None):
            continue
        kind, action, evidence = choose(model, item.asset)
        owner = owner_of(model, resolver, item.asset)
        expires, expires_with = (
            (fixed, at) if fixed is not None and at is not None else (end, "horizon end (review)")
        )
        controls.append(Control(item.id, kind, action, evidence, owner, expires, expires_with))
    pinned = {p.item: p for p in pins}
    return {
        "site": model.site.name,
        "currency": model.site.currency,
        "today": today.isoformat(),
        "horizon_days": horizon_days,
        "fingerprint": fingerprint(model, vulns, pins, today, horizon_days),
        "solver": solution.solver,
        "status": solution.status,
        "objective": round(solution.objective, 3),
        "gap": solution.gap,
        "seconds": round(solution.seconds, 3),
        "items": [
            {
                **i.as_dict(),
                "window": solution.placement[i.id],
                "why": why[i.id],
                "pinned": _pin_dict(pinned.get(i.id)),
            }
            for i in items
        ],
        "windows": by_window(problem, solution.placement, model),
        "lines": by_line(model, items, solution.placement, problem.excluded),
        "controls": [c.as_dict() for c in controls],
    }


def _pin_dict(p: Pin | None) -> dict[str, Any] | None:
    return None if p is None else {"kind": p.kind, "window": p.window, "by": p.by, "why": p.why}
