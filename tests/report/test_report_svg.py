"""The report's pictures from hand-made facts: zone boxes do not overlap and hold their assets,
violating edges are red, bars scale with each line's cost, and the page escapes what it shows."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from plantwarden.report.facts import AssetFact, DemoFacts, EdgeFact, LineRisk
from plantwarden.report.html import render
from plantwarden.report.svg_bars import cost_chart
from plantwarden.report.svg_map import VIOLATION, layout, network_map, positions

NS = "{http://www.w3.org/2000/svg}"


def facts() -> DemoFacts:
    assets = [AssetFact(f"plc-{i}", "control", "plc", [f"10.0.2.{i}"], True, True) for i in range(8)]
    assets += [
        AssetFact("scada", "operations", "scada_server", ["10.0.3.1"], True, True, "high"),
        AssetFact("pc<1>", "enterprise", "it_workstation", ["10.0.4.1"], False, True, "critical"),
    ]
    edges = [
        EdgeFact("scada", "plc-0", ["s7comm"], 40, False),
        EdgeFact("pc<1>", "plc-1", ["tcp/102"], 2, True),
    ]
    lines = [LineRisk("a", 9000.0, "stopped", 0.0, 2), LineRisk("b", 3000.0, "covered", 35.0, 1)]
    alert = {
        "rule": "port-scan",
        "title": "Port scan",
        "severity": "critical",
        "src": "10.0.4.1",
        "dst": "10.0.2.1",
        "assets": [{"address": "10.0.4.1"}, {"address": "10.0.2.1", "name": "plc-1"}],
        "first_ts": 0.0,
        "count": 1,
        "evidence": [{"capture": "x.pcap", "frames": [7]}],
        "details": ["<b>"],
    }
    zones = [("enterprise", "enterprise"), ("operations", "operations"), ("control", "control")]
    return DemoFacts("site", "EUR", zones, assets, edges, [alert], lines, [], [], {})


def test_zone_boxes_do_not_overlap_and_hold_their_assets() -> None:
    f = facts()
    boxes, height = layout(f)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = a.x + a.w <= b.x or b.x + b.w <= a.x or a.y + a.h <= b.y or b.y + b.h <= a.y
            assert apart, (a, b)
    where = positions(f, boxes)
    for box in boxes:
        for asset in f.zone_assets(box.name):
            x, y = where[asset.name]
            assert box.x < x < box.x + box.w and box.y < y < box.y + box.h <= height
    assert [b.name for b in boxes] == ["enterprise", "operations", "control"]


def test_the_map_draws_violations_red_and_escapes_names() -> None:
    root = ET.fromstring(network_map(facts()))
    violations = root.findall(f"{NS}path[@class='violation']")
    assert len(violations) == 1 and violations[0].get("stroke") == VIOLATION
    assert len(root.findall(f"{NS}path[@class='edge']")) == 1
    assert "pc<1>" in [t.text for t in root.iter(f"{NS}text")]


def test_bars_scale_with_the_cost_per_hour() -> None:
    root = ET.fromstring(cost_chart(facts().lines, "EUR"))
    widths = {}
    for g in root.findall(f"{NS}g"):
        rect = g.find(f"{NS}rect")
        assert rect is not None
        widths[g.get("data-line")] = float(rect.get("width", "0"))
    assert abs(widths["a"] / widths["b"] - 3.0) < 0.01


def test_the_page_escapes_alert_text() -> None:
    page = render(facts())
    assert "&lt;b&gt;" in page and "<b>" not in page.split("<body>")[1]
