"""What stops, when, and at what cost, if some assets or services fail (what-if).

The rule (docs/continuity.md):

* A failed node is down at minute 0.
* A buffer on an edge delays the propagation across that edge: a dependent that needs a
  requirement with ``buffer_minutes = b`` goes down ``b`` minutes after the requirement.
  Along a path the delays add up; a node goes down at the earliest time any of its
  requirements' paths brings it down (the shortest path, in minutes, from a failure).
* A redundancy group with ``k`` of ``n`` is down once fewer than ``k`` members are up, i.e. at
  the time of its ``(n - k + 1)``-th member failure.
* A line that goes down after ``t`` minutes costs ``downtime_cost_per_hour`` per hour of standstill;
  over an outage of ``D`` minutes (failed nodes restored at ``D``) it costs
  ``cost_per_hour * max(0, D - t) / 60``.

The computation is Dijkstra's algorithm over the reverse adjacency, with groups counting
their failed members; it visits only what the failures can reach.
"""

from __future__ import annotations

import difflib
import heapq
from dataclasses import dataclass

from plantwarden.continuity.graph import DependencyGraph
from plantwarden.errors import InputError, NotFoundError


@dataclass(frozen=True, slots=True)
class Step:
    """One node on the path of a failure: when it goes down and the buffer that delayed it."""

    name: str
    kind: str
    at_minutes: float
    buffer_minutes: float
    note: str = ""  # for a group: how many are needed and which members are down


@dataclass(frozen=True, slots=True)
class LineStop:
    """A line that stops: after how long, what it costs, and the path that stops it."""

    line: str
    after_minutes: float
    cost_per_hour: float
    path: tuple[Step, ...]
    cost: float | None  # over the outage, when one was given

    def as_dict(self) -> dict[str, object]:
        return {
            "line": self.line,
            "after_minutes": self.after_minutes,
            "cost_per_hour": self.cost_per_hour,
            "cost": self.cost,
            "path": [
                {
                    "name": s.name,
                    "kind": s.kind,
                    "at_minutes": s.at_minutes,
                    "buffer_minutes": s.buffer_minutes,
                    "note": s.note or None,
                }
                for s in self.path
            ],
        }


@dataclass(frozen=True, slots=True)
class Impact:
    """The result of one what-if question."""

    failed: tuple[str, ...]
    down: dict[str, float]  # every node that goes down, with its time in minutes
    stops: tuple[LineStop, ...]
    outage_minutes: float | None

    @property
    def cost_per_hour(self) -> float:
        return sum(s.cost_per_hour for s in self.stops)

    @property
    def cost(self) -> float | None:
        if self.outage_minutes is None:
            return None
        return sum(s.cost or 0.0 for s in self.stops)

    def as_dict(self) -> dict[str, object]:
        return {
            "failed": list(self.failed),
            "outage_minutes": self.outage_minutes,
            "cost_per_hour": self.cost_per_hour,
            "cost": self.cost,
            "lines": [s.as_dict() for s in self.stops],
            "down": dict(sorted(self.down.items(), key=lambda kv: (kv[1], kv[0]))),
        }


def check_names(graph: DependencyGraph, names: list[str]) -> None:
    """Raise :class:`NotFoundError` for the first name the model does not define."""
    for name in names:
        if name not in graph.kinds:
            near = difflib.get_close_matches(name, list(graph.kinds), n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(repr(n) for n in near)}?" if near else ""
            raise NotFoundError(f"{name!r} is not an asset, service, line or group of the site model{hint}")


def check_acyclic(graph: DependencyGraph) -> None:
    """Raise :class:`InputError` naming the first cycle (impact is undefined on a cyclic model)."""
    if graph.cycles:
        text = "; ".join(" -> ".join(c) for c in graph.cycles)
        raise InputError(
            f"the site model has a dependency cycle: {text} (expected requirements without loops)"
        )


def fail_times(graph: DependencyGraph, failed: list[str]) -> tuple[dict[str, float], dict[str, str]]:
    """Down time (minutes) of every node the failures reach, and the node that brought each down."""
    down: dict[str, float] = {}
    best: dict[str, float] = dict.fromkeys(failed, 0.0)
    cause: dict[str, str] = {}
    counts: dict[str, int] = {}
    heap = [(0.0, name) for name in dict.fromkeys(failed)]
    while heap:
        t, node = heapq.heappop(heap)
        if node in down:
            continue
        down[node] = t
        for dependent, buffer in graph.dependents.get(node, ()):
            if dependent in down:
                continue
            group = graph.groups.get(dependent)
            if group is not None:
                counts[dependent] = counts.get(dependent, 0) + 1
                if counts[dependent] <= group.tolerated:
                    continue
            arrival = t + buffer
            if arrival < best.get(dependent, float("inf")):
                best[dependent], cause[dependent] = arrival, node
                heapq.heappush(heap, (arrival, dependent))
    return down, cause


def path_to(
    graph: DependencyGraph, node: str, down: dict[str, float], cause: dict[str, str]
) -> tuple[Step, ...]:
    """The chain of failures that brought ``node`` down, from the failed node to it."""
    steps: list[Step] = []
    current: str | None = node
    while current is not None:
        previous = cause.get(current)
        buffer = down[current] - down[previous] if previous is not None else 0.0
        kind = graph.kinds.get(current, "unknown")
        steps.append(Step(current, kind, down[current], buffer, _group_note(graph, current, down)))
        current = previous
    return tuple(reversed(steps))


def _group_note(graph: DependencyGraph, name: str, down: dict[str, float]) -> str:
    group = graph.groups.get(name)
    if group is None:
        return ""
    at = down[name]
    members = [m for m, _ in graph.requires.get(name, ()) if down.get(m, float("inf")) <= at]
    return f"{group.k} of {group.n} needed, down: {', '.join(members)}"


def impact(graph: DependencyGraph, failed: list[str], outage_minutes: float | None = None) -> Impact:
    """Which lines stop when ``failed`` fail, after how long and at what cost."""
    check_names(graph, failed)
    check_acyclic(graph)
    down, cause = fail_times(graph, failed)
    stops = []
    for name, t in down.items():
        if name in graph.cost_per_hour:
            rate = graph.cost_per_hour[name]
            cost = None if outage_minutes is None else rate * max(0.0, outage_minutes - t) / 60.0
            stops.append(LineStop(name, t, rate, path_to(graph, name, down, cause), cost))
    stops.sort(key=lambda s: (s.after_minutes, -s.cost_per_hour, s.line))
    return Impact(tuple(dict.fromkeys(failed)), down, tuple(stops), outage_minutes)
