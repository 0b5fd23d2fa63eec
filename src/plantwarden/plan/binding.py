"""Why an item cannot be in a window by its deadline: CP-SAT's infeasible core, in words.

For each item the plan places after its deadline, a feasibility model asks: can it be in a
window by its deadline while every item the plan has on time stays on time? For an item left
in no window the question is any window within the horizon. Each constraint is switched by an
assumption literal: a window too short, a line the window keeps running, a vendor hold, a
redundancy group in a window, an upgrade order, a window's crew hours, a person's pin or move,
another item keeping its deadline. When the model is infeasible,
``sufficient_assumptions_for_infeasibility`` names a set of switches that cannot all hold;
dropping each in turn and solving again (a deletion filter) leaves a minimal set: the binding
constraints. Only items connected to the late one (a group, an upgrade order, or every item
when crews are limited) can bind; the nearest 20, 80 or 400 enter its model. A core found on part of
them holds for all (fewer constraints were already infeasible); a part that is feasible
proves nothing, and that item keeps its plain reasons.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import date
from typing import Any

from plantwarden.plan.problem import Problem, restrictions
from plantwarden.plan.solve_cpsat import HOURS, cp_model

SIZES = (20, 80, 400)  # items in one explanation model: the nearest connected ones, growing
MAX_TRIALS = 40  # solves of the deletion filter per item
SHOWN = 5  # phrases in one reason


@dataclass(frozen=True, slots=True)
class Switch:
    lit: Any  # the CP-SAT assumption literal
    phrase: str
    slot: str | None


def late(problem: Problem, placement: dict[str, str | None]) -> list[int]:
    """Items in no window by their deadline (or in none at all), that a person did not place."""
    start = {s.id: s.start.date() for s in problem.slots}
    out = []
    for i, item in enumerate(problem.items):
        if not item.patchable or item.id in problem.excluded or item.id in problem.pins:
            continue
        at = placement.get(item.id)
        if at is None or (item.deadline is not None and start[at] > item.deadline):
            out.append(i)
    return out


def binding(problem: Problem, placement: dict[str, str | None], budget: float = 30.0) -> dict[str, str]:
    """A sentence per late item naming the constraints that keep it from its deadline."""
    began = time.perf_counter()
    live, near = _neighbours(problem)
    out: dict[str, str] = {}
    for i in late(problem, placement):
        item = problem.items[i]
        by = item.deadline if placement.get(item.id) is not None else None  # deferred: why no window at all
        targets = [j for j, s in enumerate(problem.slots) if by is None or s.start.date() <= by]
        what = f"by its deadline {by.isoformat()}" if by else "within the horizon"
        if not targets:
            out[item.id] = f"CP-SAT: no window starts {what}"
            continue
        left = budget - (time.perf_counter() - began)
        if left <= 0:
            break
        core = _grown(problem, placement, i, targets, live, near, left)
        if core is None:
            continue
        if not core:
            out[item.id] = f"CP-SAT: it fits {what} only if other work waits longer (the optimum's trade-off)"
        else:
            out[item.id] = f"CP-SAT: it cannot be in a window {what} because {_words(core)}"
    return out


def _neighbours(problem: Problem) -> tuple[list[int], dict[int, set[int]]]:
    """The items that can be placed, and per item those sharing a group or an order with it."""
    live = [i for i, it in enumerate(problem.items) if it.patchable and it.id not in problem.excluded]
    near: dict[int, set[int]] = defaultdict(set)
    by_asset: dict[str, list[int]] = defaultdict(list)
    for i in live:
        if problem.items[i].downtime > 0:
            by_asset[problem.items[i].asset].append(i)
    for g in problem.groups:
        members = [i for a in g.members for i in by_asset.get(a, [])]
        for i in members:
            near[i].update(k for k in members if k != i)
    index = {problem.items[i].id: i for i in live}
    for first, then in problem.order:
        if first in index and then in index:
            near[index[first]].add(index[then])
            near[index[then]].add(index[first])
    return live, near


def _around(
    problem: Problem, live: list[int], near: dict[int, set[int]], start: int, size: int
) -> tuple[list[int], bool]:
    """The items connected to ``start``, nearest first, at most ``size``; True when that is all
    of them (a crew limit connects every item)."""
    seen, queue = {start}, deque([start])
    while queue and len(seen) < size:
        for k in sorted(near[queue.popleft()]):
            if k not in seen and len(seen) < size:
                seen.add(k)
                queue.append(k)
    if problem.crew_hours is not None:
        rest = [i for i in live if i not in seen]
        seen.update(rest[: max(size - len(seen), 0)])
        return sorted(seen), len(seen) == len(live)
    return sorted(seen), all(near[k] <= seen for k in seen)


def _grown(
    problem: Problem,
    placement: dict[str, str | None],
    i: int,
    targets: list[int],
    live: list[int],
    near: dict[int, set[int]],
    time_limit: float,
) -> list[Switch] | None:
    """The core on the nearest items, growing the set while it stays feasible but partial."""
    began = time.perf_counter()
    for size in SIZES:
        members, complete = _around(problem, live, near, i, size)
        left = time_limit - (time.perf_counter() - began)
        core = _core(problem, placement, i, targets, members, left) if left > 0 else None
        if core is None or core or complete:
            return core
    return None  # feasible on the largest part: the full model may still be infeasible


def _core(
    problem: Problem,
    placement: dict[str, str | None],
    target: int,
    targets: list[int],
    members: list[int],
    time_limit: float,
) -> list[Switch] | None:
    """A minimal set of switches that cannot all hold ([]: feasible; None: unknown)."""
    cp = cp_model()
    m = cp.CpModel()
    switches: list[Switch] = []

    def switch(phrase: str, slot: str | None) -> Any:
        lit = m.new_bool_var(f"s{len(switches)}")
        switches.append(Switch(lit, phrase, slot))
        return lit

    x = _placements(problem, m, switch, target, targets, members)
    _people_and_deadlines(problem, placement, m, switch, x, target, members)
    _shared(problem, m, switch, x, members)
    solver = cp.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.cp_model_presolve = False  # small models: presolve costs more than it saves
    solver.parameters.max_time_in_seconds = max(time_limit, 0.1)
    m.add_assumptions([s.lit for s in switches])
    status = solver.solve(m)
    if status in (cp.OPTIMAL, cp.FEASIBLE):
        return []
    if status != cp.INFEASIBLE:
        return None
    by_index = {s.lit.index: s for s in switches}
    core = [by_index[k] for k in solver.sufficient_assumptions_for_infeasibility() if k in by_index]
    # deletion filter: keep only what is needed (one switch is minimal already: without any,
    # the model is feasible, every other item may stay out of the windows)
    for s in list(core)[:MAX_TRIALS] if len(core) > 1 else []:
        trial = [c for c in core if c is not s]
        m.clear_assumptions()
        m.add_assumptions([c.lit for c in trial])
        if solver.solve(m) == cp.INFEASIBLE:
            core = trial
    order = {id(s): n for n, s in enumerate(switches)}  # words in the model's order, not the solver's
    return sorted(core, key=lambda s: order[id(s)]) or None


def _placements(
    problem: Problem, m: Any, switch: Any, target: int, targets: list[int], members: list[int]
) -> dict[tuple[int, int], Any]:
    """x[k, j] for the connected items. The late item's restrictions in each window are switches;
    another item's vendor hold is one too, its too-short windows and running lines stay hard."""
    x: dict[tuple[int, int], Any] = {}
    for k in members:
        item = problem.items[k]
        hold = None
        slots = targets if k == target else range(len(problem.slots))
        for j in slots:
            slot = problem.slots[j]
            found = restrictions(item, slot)
            if k != target and any(kind != "hold" for kind, _ in found):
                continue
            x[k, j] = m.new_bool_var(f"x{k}_{j}")
            for kind, phrase in found:
                if kind == "hold":
                    hold = hold if hold is not None else switch(phrase, None)
                    lit = hold
                else:
                    lit = switch(phrase, slot.id)
                m.add(x[k, j] == 0).only_enforce_if(lit)
        mine = [x[k, j] for j in slots if (k, j) in x]
        if k == target:
            m.add_exactly_one(mine)
        else:
            m.add_at_most_one(mine)
    return x


def _people_and_deadlines(
    problem: Problem,
    placement: dict[str, str | None],
    m: Any,
    switch: Any,
    x: dict[tuple[int, int], Any],
    target: int,
    members: list[int],
) -> None:
    slot_of = {s.id: j for j, s in enumerate(problem.slots)}
    slots = _slots(x)
    for k in members:
        item = problem.items[k]
        mine = slots[k]
        moved = problem.not_before.get(item.id)
        if moved is not None:
            lit = switch(f"a person moved {item.id} to {moved} or later", None)
            for j in mine:
                if j < slot_of[moved]:
                    m.add(x[k, j] == 0).only_enforce_if(lit)
        if k == target:
            continue
        pinned = problem.pins.get(item.id)
        if pinned is not None and (k, slot_of[pinned]) in x:
            m.add(x[k, slot_of[pinned]] == 1).only_enforce_if(
                switch(f"{item.id} is pinned to {pinned}", None)
            )
        at = placement.get(item.id)
        if at is None or pinned is not None:
            continue
        by: date | None = item.deadline
        if by is not None and problem.slots[slot_of[at]].start.date() > by:
            continue  # late in the plan too: nothing to keep
        allowed = [x[k, j] for j in mine if by is None or problem.slots[j].start.date() <= by]
        phrase = f"{item.id} keeps its deadline {by.isoformat()}" if by else f"{item.id} keeps its window"
        m.add(sum(allowed) == 1).only_enforce_if(switch(phrase, None))


def _shared(problem: Problem, m: Any, switch: Any, x: dict[tuple[int, int], Any], members: list[int]) -> None:
    """Groups per window, upgrade orders, crew hours per window: each a switch."""
    inside, slots = set(members), _slots(x)
    for g in problem.groups:
        those = [k for k in members if problem.items[k].asset in g.members and problem.items[k].downtime > 0]
        if len(those) <= g.tolerated:
            continue
        phrase = f"group {g.name} keeps {g.k} of {len(g.members)} up"
        for j, slot in enumerate(problem.slots):
            here = [x[k, j] for k in those if (k, j) in x]
            if len(here) > g.tolerated:
                m.add(sum(here) <= g.tolerated).only_enforce_if(switch(phrase, slot.id))
    index = {problem.items[k].id: k for k in members}
    for first, then in problem.order:
        if index.get(first) not in inside or index.get(then) not in inside:
            continue
        f, t = index[first], index[then]
        lit = switch(f"{first} must be updated before {then} (remediation.order)", None)
        for j in slots[t]:
            var = x[t, j]
            firsts = [x[f, k] for k in range(j + 1) if (f, k) in x]
            if firsts:
                m.add_bool_or(firsts).only_enforce_if([var, lit])
            else:
                m.add(var == 0).only_enforce_if(lit)
    if problem.crew_hours is not None:
        capacity = int(problem.crew_hours * HOURS + 1e-6)
        for j, slot in enumerate(problem.slots):
            here = [(k, x[k, j]) for k in members if (k, j) in x]
            if here:
                total = sum(round(problem.items[k].duration * HOURS) * v for k, v in here)
                lit = switch(f"the crew's {problem.crew_hours:g} h per window", slot.id)
                m.add(total <= capacity).only_enforce_if(lit)


def _slots(x: dict[tuple[int, int], Any]) -> dict[int, list[int]]:
    """Per item the slots it has a variable for."""
    out: dict[int, list[int]] = defaultdict(list)
    for i, j in x:
        out[i].append(j)
    return out


def _words(core: list[Switch]) -> str:
    """The switches grouped by phrase, each with its windows (three named at most)."""
    slots: dict[str, list[str]] = {}
    for s in core:
        slots.setdefault(s.phrase, [])
        if s.slot is not None and s.slot not in slots[s.phrase]:
            slots[s.phrase].append(s.slot)
    parts = []
    for phrase, where in slots.items():
        if where:
            more = f" and {len(where) - 3} more" if len(where) > 3 else ""
            phrase += f" (in {', '.join(where[:3])}{more})"
        parts.append(phrase)
    more = f"; and {len(parts) - SHOWN} more" if len(parts) > SHOWN else ""
    return "; ".join(parts[:SHOWN]) + more
