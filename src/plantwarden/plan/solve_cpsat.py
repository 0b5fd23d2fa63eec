"""The same schedule solved by OR-Tools CP-SAT (the optional extra ``plantwarden[cpsat]``).

The variables, objective and constraints are those of solve.py, built from the same candidate
pairs and rows (rows.py). CP-SAT takes integer coefficients only: the costs are scaled by
:data:`SCALE` and rounded (a thousandth of a risk-weighted day), the crew hours counted in
thousandths of an hour. The objective reported is the placement's cost in the unscaled units,
so it compares with CBC's directly.
"""

from __future__ import annotations

import math
import time
from types import ModuleType

from plantwarden.errors import UsageError
from plantwarden.plan.problem import Problem
from plantwarden.plan.rows import crew_rows, group_rows, order_rows
from plantwarden.plan.solve import Solution, candidates, cost, unscheduled_cost

SCALE = 1000  # objective units per cost unit (risk-weighted days)
HOURS = 1000  # crew capacity in thousandths of an hour
MISSING = "--solver cpsat needs OR-Tools, the optional extra: pip install 'plantwarden[cpsat]'"


def cp_model() -> ModuleType:
    """OR-Tools' CP-SAT module, or the one-line error saying how to install it (exit 2)."""
    try:
        from ortools.sat.python import cp_model as module
    except ImportError as exc:
        raise UsageError(MISSING) from exc
    return module


def version() -> str:
    from importlib.metadata import version as installed

    return f"CP-SAT (OR-Tools {installed('ortools')})"


def solve_cpsat(problem: Problem, time_limit: float = 60.0, gap: float = 0.005, workers: int = 0) -> Solution:
    """Minimise risk-weighted waiting with CP-SAT; ``workers`` 0 lets it use every core."""
    cp = cp_model()
    began = time.perf_counter()
    cand = candidates(problem)
    m = cp.CpModel()
    x = {(i, j): m.new_bool_var(f"x_{i}_{j}") for i, js in cand.items() for j in js}
    u = {i: m.new_bool_var(f"u_{i}") for i in cand}
    terms = [round(cost(problem, i, j) * SCALE) * v for (i, j), v in x.items()]
    terms += [round(unscheduled_cost(problem, i) * SCALE) * v for i, v in u.items()]
    m.minimize(sum(terms))
    for i, js in cand.items():
        m.add_exactly_one([x[i, j] for j in js] + [u[i]])
        if problem.items[i].id in problem.pins:
            m.add(u[i] == 0)
    for g in group_rows(problem, cand):
        if g.group.tolerated == 1:
            m.add_at_most_one([x[i, g.slot] for i in g.items])
        else:
            m.add(sum(x[i, g.slot] for i in g.items) <= g.group.tolerated)
    for o in order_rows(problem, cand):
        if o.firsts:
            m.add_bool_or([x[o.first, k] for k in o.firsts]).only_enforce_if(x[o.then, o.slot])
        else:
            m.add(x[o.then, o.slot] == 0)
    capacity = math.floor((problem.crew_hours or 0.0) * HOURS + 1e-6)
    for j, members in crew_rows(problem, cand).items():
        m.add(sum(round(problem.items[i].duration * HOURS) * x[i, j] for i in members) <= capacity)
    solver = cp.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.relative_gap_limit = gap
    solver.parameters.num_workers = workers
    status = solver.solve(m)
    placement: dict[str, str | None] = {item.id: None for item in problem.items}
    if status not in (cp.OPTIMAL, cp.FEASIBLE):
        name = solver.status_name(status).lower()
        return Solution(placement, name, 0.0, None, time.perf_counter() - began, version())
    total = 0.0
    for i, js in cand.items():
        at = next((j for j in js if solver.boolean_value(x[i, j])), None)
        total += cost(problem, i, at) if at is not None else unscheduled_cost(problem, i)
        if at is not None:
            placement[problem.items[i].id] = problem.slots[at].id
    slack = (solver.objective_value - solver.best_objective_bound) / SCALE
    proven = status == cp.OPTIMAL and slack <= 0
    bound = total if proven else total - max(slack, 0.0)
    name = "optimal" if status == cp.OPTIMAL else "feasible"
    return Solution(placement, name, total, bound, time.perf_counter() - began, version())
