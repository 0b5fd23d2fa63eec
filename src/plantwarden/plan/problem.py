"""The scheduling problem as plain data, its checks, and why an item cannot go into a window."""

from __future__ import annotations

from dataclasses import dataclass, field

from plantwarden.errors import UsageError
from plantwarden.plan.items import Item
from plantwarden.plan.slots import Slot


@dataclass(frozen=True, slots=True)
class Group:
    name: str
    k: int
    members: tuple[str, ...]  # asset names

    @property
    def tolerated(self) -> int:
        """How many members may be down at once."""
        return len(self.members) - self.k


@dataclass
class Problem:
    items: list[Item]
    slots: list[Slot]
    groups: list[Group] = field(default_factory=list)
    order: list[tuple[str, str]] = field(default_factory=list)  # (first, then) item ids
    crew_hours: float | None = None
    pins: dict[str, str] = field(default_factory=dict)  # item id -> slot id (fixed there)
    not_before: dict[str, str] = field(default_factory=dict)  # item id -> slot id (moved: that one or later)
    excluded: set[str] = field(default_factory=set)
    horizon_days: int = 180


def ineligible(item: Item, slot: Slot) -> str | None:
    """Why ``item`` cannot go into ``slot`` on its own (None: it can)."""
    if not item.patchable:
        return f"{item.id} has no installable fix ({item.action})"
    if slot.hours + 1e-9 < item.duration:
        return f"{slot.id} lasts {slot.hours:g} h and {item.id} takes {item.duration:g} h"
    if item.line_stop and item.downtime > 0:
        running = [n for n in item.lines if n not in slot.lines]
        if running:
            return f"{item.id} stops line {', '.join(running)}, which {slot.id} keeps running"
    if item.available is not None and slot.start.date() < item.available:
        state = item.qualification.value.replace("_", " ")
        return f"{item.vendor} version for {item.id} is {state} until {item.available.isoformat()}"
    return None


def restrictions(item: Item, slot: Slot) -> list[tuple[str, str]]:
    """Every reason ``item`` cannot go into ``slot`` on its own, as (kind, words without the
    window's name): ``short``, ``line`` or ``hold`` (the CP-SAT explanation switches each)."""
    out = []
    if slot.hours + 1e-9 < item.duration:
        out.append(("short", f"{item.id} takes {item.duration:g} h, longer than the window"))
    if item.line_stop and item.downtime > 0:
        running = [n for n in item.lines if n not in slot.lines]
        if running:
            out.append(("line", f"{item.id} stops line {', '.join(running)}, which the window keeps running"))
    if item.available is not None and slot.start.date() < item.available:
        state = item.qualification.value.replace("_", " ")
        out.append(
            ("hold", f"{item.vendor} version for {item.id} is {state} until {item.available.isoformat()}")
        )
    return out


def check(problem: Problem) -> None:
    """Bad input as one line naming the item (UsageError, exit 2)."""
    ids = {i.id for i in problem.items}
    longest = max(problem.slots, key=lambda s: s.hours, default=None)
    for item in problem.items:
        if item.patchable and item.id not in problem.excluded:
            if longest is None:
                raise UsageError(f"{item.id}: no maintenance window within {problem.horizon_days} days")
            if item.duration > longest.hours + 1e-9:
                raise UsageError(
                    f"{item.id} takes {item.duration:g} h but the longest window ({longest.id}) "
                    f"lasts {longest.hours:g} h: no window can hold it"
                )
    for first, then in problem.order:
        for name in (first, then):
            if name not in ids:
                raise UsageError(f"remediation.order names {name!r}, which has no remediation item")
    cycle = _cycle(problem.order)
    if cycle:
        raise UsageError(f"{cycle[0]}: cyclic upgrade order {' -> '.join(cycle)}")
    slot_ids = {s.id for s in problem.slots}
    for kind, table in (("pin", problem.pins), ("move", problem.not_before)):
        for item_id, slot_id in table.items():
            if item_id not in ids:
                raise UsageError(f"{kind} {item_id}: no remediation item for that asset")
            if slot_id not in slot_ids:
                raise UsageError(f"{kind} {item_id}: no window {slot_id!r} within the horizon")


def _cycle(order: list[tuple[str, str]]) -> list[str] | None:
    import networkx as nx

    graph: nx.DiGraph[str] = nx.DiGraph(order)
    try:
        edges = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return None
    return [a for a, _ in edges] + [edges[0][0]]
