"""Single points of failure on a 30-asset model with a hand-computed order (data/spof30.yaml)."""

from __future__ import annotations

from plantwarden.continuity.spof import pair_candidates, pairs, singles
from tests.continuity.helpers import site

# Reasoned out in the comment at the top of data/spof30.yaml.
EXPECTED = [
    "core-sw",
    "hmi-1",
    "plc-1",
    "hist-1",
    "dc-1",
    "plc-2",
    "mes-1",
    "erp-1",
    "plc-3",
    "printer-1",
    "drive-1",
    "drive-2",
    "drive-3",
    "scada-a",
    "scada-b",
    *(f"ws-{i:02d}" for i in range(1, 16)),
]


def test_ranking_equals_the_hand_computed_order() -> None:
    _, graph = site("spof30")
    ranked = singles(graph)
    assert len(ranked) == 30
    assert [s.name for s in ranked] == EXPECTED


def test_each_single_stops_the_hand_computed_lines() -> None:
    _, graph = site("spof30")
    by_name = {s.name: s for s in singles(graph)}
    assert by_name["core-sw"].lines == {"big": 0.0, "mid": 0.0, "small": 60.0}
    assert by_name["dc-1"].lines == {"big": 600.0}
    assert by_name["erp-1"].lines == {"mid": 600.0, "small": 660.0}
    assert by_name["erp-1"].cost_per_hour == 4000
    assert by_name["scada-a"].lines == {}


def test_pairs_are_the_redundant_halves_only() -> None:
    _, graph = site("spof30")
    found = [(p.first, p.second, p.lines) for p in pairs(graph)]
    assert found == [
        ("scada-a", "scada-b", {"big": 0.0}),
        ("drive-1", "drive-2", {"mid": 0.0, "small": 60.0}),
        ("drive-1", "drive-3", {"mid": 0.0, "small": 60.0}),
        ("drive-2", "drive-3", {"mid": 0.0, "small": 60.0}),
    ]


def test_pairs_are_only_tried_among_nodes_reaching_a_common_group() -> None:
    _, graph = site("spof30")
    tried = pair_candidates(graph)
    assert ("dc-1", "scada-a") in tried  # dc-1 reaches the scada group: tried, then found not new
    assert all(not name.startswith("ws-") for pair in tried for name in pair)
    assert ("core-sw", "plc-1") not in tried  # no group between them: failures only add up


def test_dairy_pairs_include_the_redundant_scada_servers() -> None:
    _, graph = site("dairy")
    found = {(p.first, p.second): p for p in pairs(graph)}
    assert set(found) == {("scada-a", "scada-b"), ("plc-fill-a", "plc-fill-b"), ("lblprt-1", "lblprt-2")}
    assert found[("lblprt-1", "lblprt-2")].lines == {"packaging": 35.0}
