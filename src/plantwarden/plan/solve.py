"""The schedule as a mixed-integer programme, solved by CBC through PuLP.

x[i, s] = 1 when item i goes into slot s (only pairs the item fits on its own), u[i] = 1 when it
stays unscheduled. Minimise risk-weighted waiting: weight x (days to the slot + twice the days
past the deadline), and an unscheduled item costs weight x 4 horizons (worse than any slot).
Constraints: one slot or none per item; per slot at most n - k members of a redundancy group
down; ``then`` no earlier than ``first``; work hours per slot within the crew's; pins fixed.
The constraint rows are shared with the CP-SAT model (rows.py, solve_cpsat.py).
"""

from __future__ import annotations

import re
import tempfile
import time
import warnings
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pulp

from plantwarden.plan.problem import Problem, ineligible
from plantwarden.plan.rows import crew_rows, group_rows, order_rows

LATE_FACTOR = 2.0
UNSCHEDULED_HORIZONS = 4.0
# The relaxation is nearly integral; CBC's feasibility pump took 20 of 22 s (bench/plan_solve.py)
CBC_OPTIONS = ["feas off"]


@dataclass(frozen=True, slots=True)
class Solution:
    placement: dict[str, str | None]  # item id -> slot id
    status: str
    objective: float
    bound: float | None
    seconds: float
    solver: str

    @property
    def gap(self) -> float | None:
        """Relative optimality gap (0 when proven optimal), None when unknown."""
        if self.bound is None:
            return None
        return abs(self.objective - self.bound) / max(abs(self.objective), 1e-9)


def cost(problem: Problem, item_index: int, slot_index: int) -> float:
    item, slot = problem.items[item_index], problem.slots[slot_index]
    late = 0.0
    if item.deadline is not None:
        late = max(0.0, (slot.start.date() - item.deadline).days)
    return item.weight * (slot.day + LATE_FACTOR * late)


def unscheduled_cost(problem: Problem, item_index: int) -> float:
    return problem.items[item_index].weight * UNSCHEDULED_HORIZONS * problem.horizon_days


def candidates(problem: Problem) -> dict[int, list[int]]:
    """Slots each (not excluded) item may go into, after pins and moves, cut to :func:`enough`."""
    index = {s.id: j for j, s in enumerate(problem.slots)}
    limits = enough(problem)
    out: dict[int, list[int]] = {}
    for i, item in enumerate(problem.items):
        if item.id in problem.excluded:
            continue
        if item.id in problem.pins:
            out[i] = [index[problem.pins[item.id]]]
            continue
        start = index.get(problem.not_before.get(item.id, ""), 0)
        fits = [j for j in range(start, len(problem.slots)) if ineligible(item, problem.slots[j]) is None]
        out[i] = fits[: limits[item.id]] if item.id in limits else fits
    return out


def enough(problem: Problem) -> dict[str, int]:
    """How many of its first eligible slots an item needs, where that is provable.

    Without crew capacity, an item that follows no other (remediation.order) is only held back
    by its redundancy groups: in group g the other m - 1 members fill at most (m - 1) / t of the
    item's slots (t members may be down at once). So among its first 1 + sum floor((m-1)/t)
    eligible slots one has room, and moving the item there is cheaper (costs grow with time)
    and breaks nothing (an earlier ``first`` keeps every order). The optimum of the cut model
    is the optimum of the whole one."""
    if problem.crew_hours is not None:
        return {}
    followers = {then for _, then in problem.order}
    down: dict[str, int] = defaultdict(int)
    for i in problem.items:
        if i.downtime > 0 and i.id not in problem.excluded:
            down[i.asset] += 1
    members = {g.name: sum(down.get(a, 0) for a in g.members) for g in problem.groups}
    groups_of: dict[str, list[int]] = defaultdict(list)
    for g in problem.groups:
        if g.tolerated > 0:
            for a in g.members:
                groups_of[a].append((members[g.name] - 1) // g.tolerated if members[g.name] else 0)
    out = {}
    for item in problem.items:
        if item.id not in followers:
            extra = groups_of.get(item.asset, []) if item.downtime > 0 else []
            out[item.id] = 1 + sum(extra)
    return out


def solve(problem: Problem, time_limit: float = 60.0, gap: float = 0.005) -> Solution:
    began = time.perf_counter()
    cand = candidates(problem)
    prob = pulp.LpProblem("plan", pulp.LpMinimize)
    x = {(i, j): prob.add_variable(f"x_{i}_{j}", cat="Binary") for i, js in cand.items() for j in js}
    u = {i: prob.add_variable(f"u_{i}", cat="Binary") for i in cand}
    prob += pulp.lpSum(cost(problem, i, j) * v for (i, j), v in x.items()) + pulp.lpSum(
        unscheduled_cost(problem, i) * v for i, v in u.items()
    )
    for i, js in cand.items():
        prob += pulp.lpSum(x[i, j] for j in js) + u[i] == 1
        if problem.items[i].id in problem.pins:
            prob += u[i] == 0
    for g in group_rows(problem, cand):
        prob += (
            pulp.lpSum(x[i, g.slot] for i in g.items) <= g.group.tolerated,
            f"group_{g.group.name}_{g.slot}",
        )
    for o in order_rows(problem, cand):
        prob += x[o.then, o.slot] <= pulp.lpSum(x[o.first, k] for k in o.firsts)
    for j, members in crew_rows(problem, cand).items():
        prob += pulp.lpSum(problem.items[i].duration * x[i, j] for i in members) <= (
            problem.crew_hours or 0.0
        )
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "cbc.log"
        with warnings.catch_warnings():  # PuLP 3.3 warns that 4.0 unbundles CBC; 3.x is pinned
            warnings.simplefilter("ignore", DeprecationWarning)
            solver = pulp.PULP_CBC_CMD(
                msg=False, timeLimit=time_limit, gapRel=gap, logPath=str(log), options=CBC_OPTIONS
            )
        prob.solve(solver)
        text = log.read_text(errors="replace") if log.exists() else ""
    placement: dict[str, str | None] = {item.id: None for item in problem.items}
    for (i, j), v in x.items():
        if (v.varValue or 0) > 0.5:
            placement[problem.items[i].id] = problem.slots[j].id
    objective = float(pulp.value(prob.objective) or 0.0)
    status = _status(prob, text)
    bound = _bound(text, objective, status)
    name = f"CBC {_cbc_version(text)} via PuLP {pulp.__version__}"
    return Solution(placement, status, objective, bound, time.perf_counter() - began, name)


def _status(prob: pulp.LpProblem, log: str) -> str:
    if "Optimal solution found" in log or (prob.status == 1 and "Result - " not in log):
        return "optimal"
    if prob.status == 1:
        return "feasible"
    return str(pulp.LpStatus.get(prob.status, "unknown")).lower()


def _bound(log: str, objective: float, status: str) -> float | None:
    if status == "optimal" and "Gap:" not in log:
        return objective
    found = re.search(r"Lower bound:\s*(-?[\d.eE+-]+)", log)
    return float(found.group(1)) if found else (objective if status == "optimal" else None)


def _cbc_version(log: str) -> str:
    found = re.search(r"Version:\s*(\S+)", log)
    return found.group(1) if found else "(bundled)"
