"""Single points of failure: what each asset or service alone stops, and pairs that stop more.

Singles are ranked by the production they stop: cost per hour (descending), then the number of
lines, then how soon the first line stops, then the sum of the minutes until each line stops
(less buffer ranks higher), then the name. A pair is reported when its joint
failure stops a line that neither member stops alone. Only pairs that can do that are tried:
without a redundancy group, failures only add up (each node goes down at the earliest of the
two single-failure times), so a pair matters only when both members reach one common group.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from plantwarden.continuity.graph import DependencyGraph
from plantwarden.continuity.impact import check_acyclic, fail_times

FAILABLE = ("asset", "service")


@dataclass(frozen=True, slots=True)
class Single:
    """What one asset or service stops on its own."""

    name: str
    kind: str
    cost_per_hour: float
    lines: dict[str, float]  # line -> minutes until it stops

    @property
    def first_stop(self) -> float | None:
        return min(self.lines.values()) if self.lines else None

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "kind": self.kind,
            "cost_per_hour": self.cost_per_hour,
            "first_stop_minutes": self.first_stop,
            "lines": [{"line": k, "after_minutes": v} for k, v in self.lines.items()],
        }


@dataclass(frozen=True, slots=True)
class Pair:
    """Two nodes whose joint failure stops lines that neither stops alone."""

    first: str
    second: str
    lines: dict[str, float]  # only the lines neither stops alone
    cost_per_hour: float

    def as_dict(self) -> dict[str, object]:
        return {
            "members": [self.first, self.second],
            "cost_per_hour": self.cost_per_hour,
            "lines": [{"line": k, "after_minutes": v} for k, v in self.lines.items()],
        }


def stopped_lines(graph: DependencyGraph, failed: list[str]) -> dict[str, float]:
    """Lines that stop, with their stop time in minutes, ordered by time then name."""
    down, _ = fail_times(graph, failed)
    found = [(t, n) for n, t in down.items() if n in graph.cost_per_hour]
    return {n: t for t, n in sorted(found)}


def single(graph: DependencyGraph, name: str) -> Single:
    lines = stopped_lines(graph, [name])
    cost = sum(graph.cost_per_hour[x] for x in lines)
    return Single(name, graph.kinds[name], cost, lines)


def rank_key(s: Single) -> tuple[float, int, float, float, str]:
    """Cost per hour, lines, first stop, then the sum of minutes until each line stops (less is worse)."""
    first = s.first_stop if s.first_stop is not None else float("inf")
    return (-s.cost_per_hour, -len(s.lines), first, sum(s.lines.values()), s.name)


def singles(graph: DependencyGraph) -> list[Single]:
    """Every asset and service, ranked by the production it alone stops."""
    check_acyclic(graph)
    return sorted((single(graph, n) for n in graph.names(*FAILABLE)), key=rank_key)


def pair_candidates(graph: DependencyGraph) -> set[tuple[str, str]]:
    """Pairs of failable nodes on some line's closure that both reach one common group."""
    on_lines: set[str] = set()
    for line in graph.cost_per_hour:
        on_lines |= graph.closure(line)
    failable = {n for n in on_lines if graph.kinds.get(n) in FAILABLE}
    pairs: set[tuple[str, str]] = set()
    for group in graph.groups:
        if group not in on_lines:
            continue
        reaching = sorted(graph.closure(group) & failable)
        pairs.update(combinations(reaching, 2))
    return pairs


def pairs(graph: DependencyGraph, alone: list[Single] | None = None) -> list[Pair]:
    """Pairs whose joint failure stops a line neither stops alone, costliest first."""
    check_acyclic(graph)
    by_name = {s.name: s for s in (alone if alone is not None else singles(graph))}
    found = []
    for a, b in sorted(pair_candidates(graph)):
        joint = stopped_lines(graph, [a, b])
        new = {x: t for x, t in joint.items() if x not in by_name[a].lines and x not in by_name[b].lines}
        if new:
            found.append(Pair(a, b, new, sum(graph.cost_per_hour[x] for x in new)))
    return sorted(
        found, key=lambda p: (-p.cost_per_hour, -len(p.lines), min(p.lines.values()), p.first, p.second)
    )
