"""The requirement graph of a site: self-dependencies, repeated edges and cycles."""

from __future__ import annotations

from collections.abc import Iterator

from plantwarden.site.model import SiteModel
from plantwarden.site.yamlnodes import Loc

Edge = tuple[str, str, Loc]
Graph = dict[str, list[tuple[str, Loc]]]


def edges_with_locs(m: SiteModel) -> list[Edge]:
    """``(dependent, requirement, loc)`` for requires lists, dependencies and group members."""
    edges: list[Edge] = []
    for section in ("services", "lines"):
        for i, x in enumerate(getattr(m, section)):
            edges += [(x.name, r, (section, i, "requires", j)) for j, r in enumerate(x.requires)]
    for i, d in enumerate(m.dependencies):
        edges.append((d.dependent, d.requires, ("dependencies", i, "requires")))
    for i, g in enumerate(m.redundancy_groups):
        edges += [(g.name, x, ("redundancy_groups", i, "members", j)) for j, x in enumerate(g.members)]
    return edges


def dependency_problems(m: SiteModel) -> Iterator[tuple[Loc, str]]:
    edges = edges_with_locs(m)
    groups = {g.name for g in m.redundancy_groups}
    for i, d in enumerate(m.dependencies):
        if d.dependent in groups:
            text = f"{d.dependent!r} is a redundancy group (expected an asset, service or line as dependent)"
            yield ("dependencies", i, "dependent"), text
    seen: dict[tuple[str, str], Loc] = {}
    for dependent, required, loc in edges:
        if dependent == required:
            yield loc, f"{dependent!r} depends on itself (expected another asset, service, line or group)"
        elif (dependent, required) in seen:
            first = _path(seen[(dependent, required)])
            yield loc, f"{dependent!r} already requires {required!r} (at {first}); declare it once"
        seen.setdefault((dependent, required), loc)
    yield from _cycles(edges)


def _path(loc: Loc) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p) for i, p in enumerate(loc))


def _cycles(edges: list[Edge]) -> Iterator[tuple[Loc, str]]:
    """One problem per back edge found by depth-first search (self-edges are reported elsewhere)."""
    graph: Graph = {}
    for dependent, required, loc in edges:
        if dependent != required:
            graph.setdefault(dependent, []).append((required, loc))
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    for start in sorted(graph):
        if start not in state:
            yield from _visit(start, graph, state, [start])


def _visit(node: str, graph: Graph, state: dict[str, int], path: list[str]) -> Iterator[tuple[Loc, str]]:
    state[node] = 1
    for nxt, loc in graph.get(node, []):
        if state.get(nxt) == 1:
            cycle = [*path[path.index(nxt) :], nxt]
            yield loc, "dependency cycle: " + " -> ".join(cycle) + " (expected requirements without loops)"
        elif nxt not in state:
            yield from _visit(nxt, graph, state, [*path, nxt])
    state[node] = 2
