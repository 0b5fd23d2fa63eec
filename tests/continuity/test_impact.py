"""The impact rules on models with known answers: k-of-n groups, buffers, paths, cost, names."""

from __future__ import annotations

import pytest

from plantwarden.continuity.impact import impact
from plantwarden.errors import NotFoundError
from tests.continuity.helpers import site


def stops(failed: list[str], outage: float | None = None, name: str = "small") -> dict[str, float]:
    _, graph = site(name)
    return {s.line: s.after_minutes for s in impact(graph, failed, outage).stops}


def test_losing_one_of_a_redundant_pair_stops_nothing() -> None:
    assert stops(["a"]) == {}
    assert stops(["b"]) == {}


def test_losing_both_of_a_redundant_pair_stops_the_line_at_once() -> None:
    assert stops(["a", "b"]) == {"L1": 0.0}


def test_two_of_three_group_survives_one_loss_not_two() -> None:
    assert stops(["e"]) == {}
    assert stops(["e", "g"]) == {"L3": 0.0}


def test_a_buffer_delays_the_stop_by_its_minutes() -> None:
    assert stops(["c"]) == {"L2": 30.0}


def test_buffers_along_a_path_add_up() -> None:
    assert stops(["d"]) == {"L2": 45.0}


def test_the_earliest_path_decides() -> None:
    _, graph = site("small")
    (stop,) = impact(graph, ["j"]).stops
    assert stop.after_minutes == 10.0
    assert [s.name for s in stop.path] == ["j", "i", "L4"]


def test_a_group_goes_down_with_the_member_that_breaks_k() -> None:
    _, graph = site("small")
    (stop,) = impact(graph, ["p"]).stops
    assert stop.after_minutes == 50.0
    assert [s.name for s in stop.path] == ["p", "m2", "printers", "L5"]
    assert stop.path[2].note == "1 of 2 needed, down: m1, m2"


def test_cost_over_an_outage_counts_only_time_past_the_buffer() -> None:
    _, graph = site("small")
    result = impact(graph, ["d"], outage_minutes=120)
    assert result.cost_per_hour == 600
    assert result.cost == pytest.approx(600 * (120 - 45) / 60)
    assert impact(graph, ["d"], outage_minutes=40).cost == 0.0


def test_label_printers_price_the_packaging_line_in_the_dairy() -> None:
    _, graph = site("dairy")
    result = impact(graph, ["lblprt-1", "lblprt-2"], outage_minutes=240)
    (stop,) = result.stops
    assert (stop.line, stop.after_minutes, stop.cost_per_hour) == ("packaging", 35.0, 6500)
    assert [s.name for s in stop.path][1:] == ["label-printers", "labeller-01", "packaging"]
    assert [s.buffer_minutes for s in stop.path][2:] == [30.0, 5.0]
    assert result.cost == pytest.approx(6500 * (240 - 35) / 60)


def test_one_label_printer_alone_stops_nothing_in_the_dairy() -> None:
    assert stops(["lblprt-1"], name="dairy") == {}


def test_the_print_server_stops_packaging_after_fifty_minutes() -> None:
    # prt-srv-01 -> label-printing (0) -> lblprt-1/2 (+15) -> label-printers
    #   -> labeller-01 (+30) -> packaging (+5)
    assert stops(["prt-srv-01"], name="dairy") == {"packaging": 50.0}


def test_a_failed_line_stops_the_lines_that_need_it() -> None:
    # filling needs reception-processing (120 min buffer); packaging needs filling (20 min)
    assert stops(["reception-processing"], name="dairy") == {
        "reception-processing": 0.0,
        "filling": 120.0,
        "packaging": 140.0,
    }


def test_unknown_names_are_refused_with_close_matches() -> None:
    _, graph = site("dairy")
    with pytest.raises(NotFoundError, match=r"'lblprt' is not .*did you mean.*'lblprt-1'"):
        impact(graph, ["lblprt"])
