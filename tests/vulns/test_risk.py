"""Risk in production terms: the SSVC tables as shipped, exposure from observed conduits,
mission impact from the continuity model, the one-line why, and roll-ups in money."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from plantwarden.continuity.graph import build_graph
from plantwarden.site.loader import load_site
from plantwarden.vulns.exposure import Exposure, exposure_of, exposures
from plantwarden.vulns.risk import mission, rank_one, rollup, stops_of
from plantwarden.vulns.ssvc import DEPLOYER, HUMAN_IMPACT, table
from plantwarden.vulns.store import StoredMatch

DAIRY = Path(__file__).resolve().parents[2] / "examples" / "dairy" / "site.yaml"
NETWORK = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
LOCAL = "CVSS:3.1/AV:L/AC:L/PR:L/UI:R/S:U/C:H/I:H/A:H"


def _match(asset: str, vector: str = NETWORK) -> StoredMatch:
    return StoredMatch(
        asset,
        "ICSA-00-000-00",
        "1",
        "CVE-2000-0001",
        "exact",
        {"cvss": {"score": 9.8, "vector": vector}},
        "b",
        datetime.now(UTC),
        "not_remediated",
        None,
        None,
        None,
    )


def test_ssvc_tables_as_published() -> None:
    # rows read in the CERTCC/SSVC tables themselves
    assert table(DEPLOYER).decide(E="A", EXP="O", A="Y", HI="VH") == "I"
    assert table(DEPLOYER).decide(E="N", EXP="S", A="N", HI="L") == "D"
    assert table(HUMAN_IMPACT).decide(SI="N", MI="MF") == "VH"
    assert table(HUMAN_IMPACT).decide(SI="R", MI="D") == "M"
    assert len(table(DEPLOYER).rows) == 72


def test_mission_impact_from_the_continuity_model() -> None:
    model = load_site(DAIRY)
    graph = build_graph(model)
    switch = stops_of(graph, "sw-ctrl-01")  # the control switch stops every line at once
    assert {n for n, _, _ in switch.lines} == {x.name for x in model.lines}
    assert switch.per_hour == sum(x.downtime_cost_per_hour for x in model.lines)
    assert mission(switch, len(model.lines)) == "MF"
    assert stops_of(graph, "plc-fill-a").lines == ()  # its partner carries the line
    assert mission(stops_of(graph, "plc-fill-a"), 3) == "D"
    assert not stops_of(graph, "not-in-model").in_model


def test_kev_exposure_and_production_make_it_urgent() -> None:
    model = load_site(DAIRY)
    graph = build_graph(model)
    stops = stops_of(graph, "sw-ctrl-01")
    exposed = Exposure("C", "reached from qa-ws-01 (enterprise) over tcp/443", True)
    hot = rank_one(_match("sw-ctrl-01"), True, exposed, stops, False, 3, "control", "30,000 EUR")
    # the published table: active, controlled, automatable, very high -> Out-of-Cycle
    assert hot.decision == "O" and hot.vector == "SSVCv2/E:A/EXP:C/A:Y/HI:VH/DSOI:O/"
    assert hot.why.startswith("known exploited (KEV); reachable: reached from qa-ws-01")
    assert "stops " in hot.why and "30,000 EUR/h" in hot.why
    public = Exposure("O", "reached from the public address 203.0.113.9 over tcp/443", True)
    assert rank_one(_match("sw-ctrl-01"), True, public, stops, False, 3, "control", "").decision == "I"
    cold = rank_one(
        _match("plc-fill-a", LOCAL),
        False,
        Exposure("S", "none", True),
        stops_of(graph, "plc-fill-a"),
        False,
        3,
        "control",
        "0 EUR",
    )
    assert cold.decision == "D" and "stops no line" in cold.why


def test_rollup_is_money_per_line_not_an_average() -> None:
    model = load_site(DAIRY)
    graph = build_graph(model)
    exp = Exposure("S", "x", True)
    items = [
        rank_one(_match("sw-ctrl-01"), True, exp, stops_of(graph, "sw-ctrl-01"), False, 3, "control", ""),
        rank_one(_match("labeller-01"), False, exp, stops_of(graph, "labeller-01"), False, 3, "control", ""),
    ]
    by_line = {g["line"]: g for g in rollup(items, "line")}
    packaging = model.line("packaging")
    assert packaging is not None
    assert by_line["packaging"]["items"] == 2 and by_line["packaging"]["assets"] == 2
    assert by_line["packaging"]["per_hour_at_risk"] == packaging.downtime_cost_per_hour
    zone = rollup(items, "zone")[0]
    assert zone["zone"] == "control" and zone["kev"] == 1
    assert zone["per_hour_at_risk"] == sum(x.downtime_cost_per_hour for x in model.lines)


def test_exposure_from_observed_traffic() -> None:
    model = load_site(DAIRY)
    doc = {"conversations": [], "edges": []}
    table_ = exposures(model, [doc])
    # a DMZ asset is reachable by where it sits even without traffic
    jump = model.asset("jump-01")
    assert jump is not None
    assert exposure_of([str(ip) for ip in jump.ips], table_, True).level == "C"
    sis = model.asset("sis-01")
    assert sis is not None
    assert exposure_of([str(ip) for ip in sis.ips], table_, True).level == "S"


@pytest.mark.parametrize("vector", [NETWORK, LOCAL])
def test_automatable_from_cvss(vector: str) -> None:
    r = rank_one(
        _match("x", vector), False, Exposure("S", "x", True), stops_of(None, "x"), False, 0, None, ""
    )
    assert r.inputs["A"] == ("Y" if vector == NETWORK else "N")
    assert "production impact unknown" in r.why
