"""The requirement graph of a site, built once and shared by every what-if question.

Nodes are the assets, services, lines and redundancy groups of the model (one namespace).
An edge ``dependent -> requirement`` carries a buffer in minutes (the dependent keeps running
that long after the requirement fails); a group's members are edges ``group -> member`` with no
buffer, and the group is down while fewer than ``k`` of its members are up. The reverse
adjacency (``dependents``) is precomputed so that one failure only visits what it can reach.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx

from plantwarden.site.model import SiteModel

Adjacency = dict[str, list[tuple[str, float]]]


@dataclass(frozen=True, slots=True)
class Group:
    """A redundancy group: down once more than ``n - k`` members are down."""

    k: int
    n: int

    @property
    def tolerated(self) -> int:
        """How many members may fail while the group stays up."""
        return self.n - self.k


@dataclass
class DependencyGraph:
    """Kinds, costs, edges (both directions) and groups of one site model."""

    kinds: dict[str, str] = field(default_factory=dict)
    cost_per_hour: dict[str, float] = field(default_factory=dict)
    requires: Adjacency = field(default_factory=dict)
    dependents: Adjacency = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)

    def add_edge(self, dependent: str, requirement: str, buffer_minutes: float) -> None:
        self.requires.setdefault(dependent, []).append((requirement, buffer_minutes))
        self.dependents.setdefault(requirement, []).append((dependent, buffer_minutes))

    def names(self, *kinds: str) -> list[str]:
        """Node names of the given kinds (all when none given), in model order."""
        return [n for n, k in self.kinds.items() if not kinds or k in kinds]

    @cached_property
    def nx(self) -> nx.DiGraph[str]:
        """The graph as NetworkX edges ``dependent -> requirement`` (for closures and cycles)."""
        g: nx.DiGraph[str] = nx.DiGraph()
        g.add_nodes_from(self.kinds)
        g.add_edges_from((d, r) for d, reqs in self.requires.items() for r, _ in reqs)
        return g

    @cached_property
    def cycles(self) -> list[list[str]]:
        """One cycle per strongly connected part that has one, as ``[a, b, ..., a]``."""
        found: list[list[str]] = []
        for part in nx.strongly_connected_components(self.nx):
            if len(part) > 1 or any(self.nx.has_edge(n, n) for n in part):
                edges = nx.find_cycle(self.nx.subgraph(part), source=min(part))
                found.append([edges[0][0], *(e[1] for e in edges)])
        return sorted(found)

    def closure(self, name: str) -> set[str]:
        """Everything ``name`` needs, at any depth (not ``name`` itself)."""
        return set(nx.descendants(self.nx, name))

    def reached_by(self, name: str) -> set[str]:
        """Everything that needs ``name``, at any depth."""
        return set(nx.ancestors(self.nx, name))


def build_graph(model: SiteModel) -> DependencyGraph:
    """The graph of a validated model (names are unique and every reference is defined)."""
    g = DependencyGraph()
    for section, kind in (("assets", "asset"), ("services", "service"), ("lines", "line")):
        for item in getattr(model, section):
            g.kinds[item.name] = kind
    for group in model.redundancy_groups:
        g.kinds[group.name] = "group"
        g.groups[group.name] = Group(k=group.k, n=len(set(group.members)))
        for member in dict.fromkeys(group.members):
            g.add_edge(group.name, member, 0.0)
    g.cost_per_hour = {x.name: x.downtime_cost_per_hour for x in model.lines}
    for dependent, requirement, buffer in model.requirement_edges():
        g.add_edge(dependent, requirement, buffer)
    for name in list(g.dependents) + list(g.requires):
        g.kinds.setdefault(name, "unknown")
    return g
