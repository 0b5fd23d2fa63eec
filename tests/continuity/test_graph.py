"""Dependency cycles are reported, never looped on."""

from __future__ import annotations

import pytest

from plantwarden.continuity.graph import build_graph
from plantwarden.continuity.impact import fail_times, impact
from plantwarden.continuity.spof import singles
from plantwarden.errors import InputError, SiteModelError
from plantwarden.site import SiteModel, load_site
from tests.continuity.helpers import DATA

CYCLIC = {
    "site": {"name": "cyclic", "timezone": "UTC", "currency": "EUR"},
    "zones": [{"name": "z", "level": "control", "sl_t": 2}],
    "assets": [{"name": n, "role": "plc", "zone": "z"} for n in ("a", "b", "c", "d")],
    "lines": [{"name": "L", "downtime_cost_per_hour": 100, "requires": ["a"]}],
    "dependencies": [
        {"dependent": "a", "requires": "b"},
        {"dependent": "b", "requires": "c"},
        {"dependent": "c", "requires": "a"},
        {"dependent": "c", "requires": "d"},
    ],
}


def test_the_loader_reports_the_cycle_with_its_place() -> None:
    with pytest.raises(SiteModelError, match=r"cycle\.yaml:\d+:\d+: .*dependency cycle: a -> b -> c -> a"):
        load_site(DATA / "cycle.yaml")


def test_a_model_built_without_the_loader_names_its_cycle() -> None:
    graph = build_graph(SiteModel.model_validate(CYCLIC))
    assert graph.cycles == [["a", "b", "c", "a"]]
    with pytest.raises(InputError, match=r"dependency cycle: a -> b -> c -> a"):
        impact(graph, ["d"])
    with pytest.raises(InputError, match="dependency cycle"):
        singles(graph)


def test_propagation_through_a_cycle_ends() -> None:
    graph = build_graph(SiteModel.model_validate(CYCLIC))
    down, _ = fail_times(graph, ["d"])
    assert down == {"d": 0.0, "c": 0.0, "b": 0.0, "a": 0.0, "L": 0.0}


def test_an_acyclic_model_has_no_cycles() -> None:
    model = load_site(DATA / "small.yaml")
    assert build_graph(model).cycles == []
