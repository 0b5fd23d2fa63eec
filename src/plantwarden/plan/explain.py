"""Why each item landed where it did, or why it was deferred: the binding constraint in words."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from plantwarden.plan.items import Item
from plantwarden.plan.problem import Problem, ineligible
from plantwarden.plan.slots import Slot

MAX_REASONS = 2


def reasons(problem: Problem, placement: dict[str, str | None]) -> dict[str, str]:
    """One sentence per item."""
    slot_of = {s.id: k for k, s in enumerate(problem.slots)}
    placed: dict[int, list[str]] = defaultdict(list)
    for item_id, slot_id in placement.items():
        if slot_id is not None:
            placed[slot_of[slot_id]].append(item_id)
    items = {i.id: i for i in problem.items}
    out = {}
    for item in problem.items:
        at = placement.get(item.id)
        if item.id in problem.excluded:
            out[item.id] = "excluded from the plan by a person (see its pin record)"
        elif item.id in problem.pins:
            out[item.id] = f"pinned to {problem.pins[item.id]} by a person"
        else:
            last = slot_of[at] if at is not None else len(problem.slots)
            why = [_why_not(problem, items, placed, placement, item.id, k) for k in range(last)]
            distinct = list(dict.fromkeys(w for w in why))[:MAX_REASONS]
            if at is None:
                head = "deferred past the horizon: " if why else "deferred: no window within the horizon"
                out[item.id] = head + "; ".join(distinct)
            elif not why:
                out[item.id] = f"{at}: the first window it fits"
            else:
                out[item.id] = f"{at}: not earlier because " + "; ".join(distinct)
    return out


def _why_not(
    problem: Problem,
    items: dict[str, Item],
    placed: dict[int, list[str]],
    placement: dict[str, str | None],
    item_id: str,
    k: int,
) -> str:
    item = items[item_id]
    slot = problem.slots[k]
    alone = ineligible(item, slot)
    if alone is not None:
        return alone
    moved = problem.not_before.get(item_id)
    if moved is not None and slot.start < _start(problem, moved):
        return f"a person moved it to {moved} or later"
    for first, then in problem.order:
        if then == item_id and _before(problem, placement.get(first), slot):
            where = placement.get(first) or "no window"
            return f"{first} must be updated first (remediation.order) and is in {where}"
    here = placed.get(k, [])
    for g in problem.groups:
        if item.asset in g.members and item.downtime > 0:
            down = [n for n in here if n != item_id and _asset(items, n) in g.members]
            if len(down) >= g.tolerated:
                n = len(g.members)
                if g.tolerated == 0:
                    return f"group {g.name} needs all {n} members up ({g.k} of {n}): none may be down"
                who = ", ".join(sorted(down))
                verb = "is" if len(down) == 1 else "are"
                return f"group {g.name} keeps {g.k} of {n} up and {who} {verb} down in {slot.id}"
    if problem.crew_hours is not None:
        used = sum(_duration(items, n) for n in here)
        if used + item.duration > problem.crew_hours + 1e-9:
            return f"{slot.id} crew hours are taken ({used:g} of {problem.crew_hours:g} h)"
    return f"{slot.id} would delay heavier-risk work (the optimum trades it off)"


def _start(problem: Problem, slot_id: str) -> datetime:
    return next(s.start for s in problem.slots if s.id == slot_id)


def _before(problem: Problem, first_slot: str | None, slot: Slot) -> bool:
    if first_slot is None:
        return True
    first = next(s for s in problem.slots if s.id == first_slot)
    return first.start > slot.start


def _asset(items: dict[str, Item], item_id: str) -> str:
    return items[item_id].asset


def _duration(items: dict[str, Item], item_id: str) -> float:
    return items[item_id].duration
