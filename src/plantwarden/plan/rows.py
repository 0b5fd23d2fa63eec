"""The schedule's constraints as plain rows, shared by both solvers (CBC in solve.py, CP-SAT in
solve_cpsat.py), so the two build exactly the same model from the same candidate pairs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from plantwarden.plan.problem import Group, Problem


@dataclass(frozen=True, slots=True)
class GroupRow:
    """At most ``group.tolerated`` of ``items`` go into slot ``slot``."""

    group: Group
    slot: int
    items: list[int]


@dataclass(frozen=True, slots=True)
class OrderRow:
    """Item ``then`` goes into ``slot`` only if ``first`` is in one of ``firsts`` (that slot or earlier)."""

    first: int
    then: int
    slot: int
    firsts: list[int]


def group_rows(problem: Problem, cand: dict[int, list[int]]) -> list[GroupRow]:
    by_asset: dict[str, list[int]] = defaultdict(list)
    for i, item in enumerate(problem.items):
        if item.downtime > 0:
            by_asset[item.asset].append(i)
    out = []
    for g in problem.groups:
        members = [i for a in g.members for i in by_asset.get(a, [])]
        if len(members) <= g.tolerated:
            continue
        inside: dict[int, list[int]] = defaultdict(list)
        for i in members:
            for j in cand.get(i, []):
                inside[j].append(i)
        out += [GroupRow(g, j, here) for j, here in inside.items() if len(here) > g.tolerated]
    return out


def order_rows(problem: Problem, cand: dict[int, list[int]]) -> list[OrderRow]:
    index = {item.id: i for i, item in enumerate(problem.items)}
    out = []
    for first, then in problem.order:
        f, t = index[first], index[then]
        if f not in cand or t not in cand:
            continue  # an excluded item constrains nothing
        out += [OrderRow(f, t, j, [k for k in cand[f] if k <= j]) for j in cand[t]]
    return out


def crew_rows(problem: Problem, cand: dict[int, list[int]]) -> dict[int, list[int]]:
    """Per slot the items that may go into it (only with a crew limit: empty without one)."""
    if problem.crew_hours is None:
        return {}
    by_slot: dict[int, list[int]] = defaultdict(list)
    for i, js in cand.items():
        for j in js:
            by_slot[j].append(i)
    return dict(by_slot)
