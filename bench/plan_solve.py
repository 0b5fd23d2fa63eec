"""The remediation plan at scale: 10,000 items, 1,000 redundancy groups, 100 windows over a year.

Goal (issue 23): solved to a proven optimum or within 1 % of it in under 60 s. The instance is
random but seeded: 1,000 groups of 10 assets (8 of 10 must stay up), 5 lines, each window lets
2 of them stop, a quarter of the assets stop their line when updated, a tenth of the vendors'
versions are held for 30-120 days, 200 declared upgrade orders, 5 % of items longer than the
short windows. Printed: build and solve time, status, optimality gap, objective; beside it a
named peer in the same run, the greedy earliest-window heuristic (heaviest risk first, each
into the earliest window it fits that keeps its groups and order), its objective and how much
worse it is than the solver's. When OR-Tools is installed (plantwarden[cpsat]), CP-SAT solves
the same model in the same run as a second row: its time (limit --cpsat-limit), status, gap
against its own bound, and its objective against CBC's.

    PYTHONPATH=src .venv/bin/python bench/plan_solve.py [--items 10000] [--seed 7] [--cpsat-limit 60]
"""

from __future__ import annotations

import argparse
import random
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from plantwarden.errors import PlantwardenError
from plantwarden.plan.items import Item
from plantwarden.plan.problem import Group, Problem, check, ineligible
from plantwarden.plan.slots import Slot
from plantwarden.plan.solve import cost, solve, unscheduled_cost
from plantwarden.site.model_remediation import Qualification

TODAY = date(2027, 1, 1)
LINES = [f"line-{n}" for n in range(5)]


def instance(n_items: int, n_groups: int, n_windows: int, seed: int) -> Problem:
    rng = random.Random(seed)
    start = datetime(2027, 1, 1, tzinfo=UTC)
    slots = []
    for k in range(n_windows):
        at = start + timedelta(days=365 * k / n_windows, hours=22)
        hours = rng.choice([4, 4, 6, 8, 12])
        lines = tuple(sorted(rng.sample(LINES, 2)))
        slots.append(
            Slot(
                f"w{k}@{at.date()}",
                f"w{k}",
                at,
                at + timedelta(hours=hours),
                lines,
                (at - start).total_seconds() / 86400,
            )
        )
    items = []
    for n in range(n_items):
        decision, days, weight = rng.choice(
            [("act", 14, 8.0), ("attend", 60, 4.0), ("track", 180, 2.0), ("track", None, 1.0)]
        )
        held = rng.random() < 0.1
        stop = rng.random() < 0.25
        items.append(
            Item(
                f"a{n}",
                f"a{n}",
                "update firmware",
                "vulnerability",
                decision,
                TODAY + timedelta(days=days) if days else None,
                weight * rng.choice([1, 1, 2]),
                rng.choice([1.0, 2.0, 3.0]) if rng.random() > 0.05 else 7.0,
                1.0,
                stop,
                (rng.choice(LINES),) if stop else (),
                1000.0,
                "vendor",
                Qualification.HELD if held else Qualification.QUALIFIED,
                TODAY + timedelta(days=rng.randint(30, 120)) if held else None,
            )
        )
    size = n_items // n_groups
    groups = [
        Group(f"g{g}", size - 2, tuple(f"a{n}" for n in range(g * size, (g + 1) * size)))
        for g in range(n_groups)
    ]
    order = []
    for _ in range(200):
        a, b = rng.sample(range(n_items), 2)
        order.append((f"a{min(a, b)}", f"a{max(a, b)}"))  # low -> high: never a cycle
    return Problem(items, slots, groups, order, horizon_days=365)


def greedy(problem: Problem) -> tuple[float, dict[str, str | None]]:
    """Heaviest first, each into the earliest window it fits that keeps its groups and order."""
    groups_of = defaultdict(list)
    for g in problem.groups:
        for a in g.members:
            groups_of[a].append(g)
    used: dict[tuple[str, int], int] = defaultdict(int)
    place: dict[str, int | None] = {}
    firsts = defaultdict(list)
    for f, t in problem.order:
        firsts[t].append(f)
    pending = sorted(range(len(problem.items)), key=lambda i: -problem.items[i].weight)
    total = 0.0
    for _ in range(2):  # a follower whose first is not placed yet waits for the second pass
        later = []
        for i in pending:
            item = problem.items[i]
            if any(f not in place for f in firsts[item.id]):
                later.append(i)
                continue
            lo = max([place[f] for f in firsts[item.id] if place[f] is not None] or [0])
            if any(place[f] is None for f in firsts[item.id]):
                place[item.id] = None
                continue
            spot = next(
                (
                    j
                    for j in range(lo, len(problem.slots))
                    if ineligible(item, problem.slots[j]) is None
                    and all(used[g.name, j] < g.tolerated for g in groups_of[item.asset])
                ),
                None,
            )
            place[item.id] = spot
            if spot is not None:
                for g in groups_of[item.asset]:
                    used[g.name, spot] += 1
        pending = later
    for i in pending:
        place[problem.items[i].id] = None
    for i, item in enumerate(problem.items):
        j = place[item.id]
        total += cost(problem, i, j) if j is not None else unscheduled_cost(problem, i)
    return total, {k: (problem.slots[v].id if v is not None else None) for k, v in place.items()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=10_000)
    ap.add_argument("--groups", type=int, default=1_000)
    ap.add_argument("--windows", type=int, default=100)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--cpsat-limit", type=float, default=60.0, help="CP-SAT's time limit, seconds")
    args = ap.parse_args()
    began = time.perf_counter()
    problem = instance(args.items, args.groups, args.windows, args.seed)
    check(problem)
    built = time.perf_counter() - began
    solution = solve(problem, time_limit=60.0, gap=0.01)
    placed = sum(1 for v in solution.placement.values() if v is not None)
    gap = "unknown" if solution.gap is None else f"{solution.gap:.3%}"
    print(
        f"instance: {args.items} items, {args.groups} groups, {args.windows} windows ({built:.1f} s to build)"
    )
    print(
        f"solver  {solution.solver}: {solution.status}, gap {gap}, objective {solution.objective:,.0f}, "
        f"{placed} placed, {solution.seconds:.1f} s"
    )
    cpsat_row(problem, solution.objective, args.cpsat_limit)
    g0 = time.perf_counter()
    g_obj, g_place = greedy(problem)
    g_placed = sum(1 for v in g_place.values() if v is not None)
    worse = (g_obj - solution.objective) / solution.objective
    print(
        f"peer    greedy earliest-window: objective {g_obj:,.0f}, {g_placed} placed, "
        f"{time.perf_counter() - g0:.1f} s: {worse:+.2%} against the solver"
    )


def cpsat_row(problem: Problem, cbc_objective: float, limit: float) -> None:
    try:
        from plantwarden.plan.solve_cpsat import solve_cpsat

        solution = solve_cpsat(problem, time_limit=limit, gap=0.01)
    except PlantwardenError as exc:  # the extra is not installed: say so, keep the other rows
        print(f"solver  CP-SAT: not run ({exc.message})")
        return
    placed = sum(1 for v in solution.placement.values() if v is not None)
    gap = "unknown" if solution.gap is None else f"{solution.gap:.3%}"
    worse = (solution.objective - cbc_objective) / cbc_objective
    print(
        f"solver  {solution.solver}: {solution.status}, gap {gap}, objective {solution.objective:,.0f} "
        f"({worse:+.3%} against CBC), {placed} placed, {solution.seconds:.1f} s (limit {limit:g} s)"
    )


if __name__ == "__main__":
    main()
