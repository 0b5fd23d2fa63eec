"""The production-at-risk headline tells a stopped line from a line at risk, and every list of
alerts in the summary and the report is worst first (detect.order).

Impacts come from the dairy site's continuity engine (detect.impact), the alerts are shaped
as ``Alert.to_json`` writes them.
"""

from __future__ import annotations

import re
from typing import Any

from plantwarden.cli.demo_summary import TOP_ALERTS, shown_alerts
from plantwarden.detect.impact import impact_fn
from plantwarden.detect.order import worst_first_docs
from plantwarden.report.facts import DemoFacts, failure, line_risks
from plantwarden.report.html import alerts_table
from plantwarden.report.text import production_lines, verdict
from plantwarden.site.use import read_site
from tests.conftest import ROOT

SITE = read_site(ROOT / "examples" / "dairy" / "site.yaml")[0]
PRICE = impact_fn(SITE)


def alert(
    rule: str, severity: str, src: str, dst: str, ts: float, details: list[str] | None = None
) -> dict[str, Any]:
    return {
        "id": f"{rule}-{dst}-{ts}",
        "rule": rule,
        "title": rule,
        "severity": severity,
        "src": src,
        "dst": dst,
        "assets": [{"address": src}, {"address": dst}],
        "first_ts": ts,
        "last_ts": ts + 1,
        "count": 1,
        "evidence": [{"capture": "x.pcap", "frames": [int(ts)]}],
        "details": details or [],
        "impact": PRICE([dst]),
    }


def facts(alerts: list[dict[str, Any]]) -> DemoFacts:
    return DemoFacts(
        "Molkerei", "EUR", [], [], [], alerts, line_risks(SITE, alerts), [], [], {}, [], "Europe/Berlin"
    )


def test_a_scan_target_is_at_risk_not_failed() -> None:
    scan = alert("port-scan", "critical", "qa-ws-01", "plc-recv", 100.0)
    assert scan["impact"]["stops"]  # plc-recv alone stops reception-processing
    assert failure(scan) is None
    f = facts([scan])
    assert {x.state for x in f.lines if x.alerts} == {"exposed"}
    said = production_lines(f)
    assert said[0] == "No line is stopped: no alert shows the failure of an asset a line needs."
    assert said[1].startswith("At risk, not stopped: alerts touch assets whose failure would stop ")
    assert "could stop at once" not in " ".join(verdict(f))


def test_a_plc_put_in_stop_stops_its_lines_and_says_why() -> None:
    stop = alert(
        "mode-change", "critical", "ews-01", "plc-proc", 200.0, ["s7comm PLC Stop P_PROGRAM (1:0x29)"]
    )
    run = alert("mode-change", "critical", "ews-01", "plc-recv", 210.0, ["s7comm PLC Start (1:0x28)"])
    f = facts([stop, run])
    by_line = {x.line: x for x in f.lines}
    assert by_line["reception-processing"].state == "stopped"
    assert by_line["reception-processing"].failed == ["plc-proc was put in STOP (mode-change)"]
    assert failure(run) is None  # a start command fails nothing
    first = production_lines(f)[0]
    assert first.startswith("Stopped by an observed failure: reception-processing now, ")
    assert first.endswith(": plc-proc was put in STOP (mode-change).")


def test_a_silent_printer_covered_by_its_twin_is_on_redundancy() -> None:
    silent = alert("device-silent", "high", "prt-srv-01", "lblprt-1", 300.0)
    f = facts([silent])
    (packaging,) = [x for x in f.lines if x.alerts]
    assert (packaging.line, packaging.state, packaging.failed) == ("packaging", "covered", [])
    assert packaging.degraded == ["lblprt-1 stopped answering (device-silent)"]
    said = production_lines(f)
    assert said[0].startswith("No line is stopped")
    assert said[1] == (
        "On redundancy: packaging (6,500 EUR/h), the next failure stops it: "
        "lblprt-1 stopped answering (device-silent)."
    )


def mixed() -> list[dict[str, Any]]:
    # same severity: the 6,500 EUR/h one is older than the 30,000 EUR/h one
    return [
        alert("port-scan", "critical", "qa-ws-01", "labeller-01", 10.0),
        alert("port-scan", "critical", "qa-ws-01", "plc-recv", 20.0),
        alert("new-asset", "low", "rag-01", "rag-01", 5.0),
        alert("outside-conduit", "critical", "qa-ws-01", "plc-proc", 30.0),
        alert("device-silent", "high", "prt-srv-01", "lblprt-1", 1.0),
    ]


def test_the_report_table_is_worst_first_and_sortable() -> None:
    html = alerts_table(facts(mixed()))
    assert 'class="alerts sortable"' in html
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)[1:]
    order = [re.search(r"&rarr; ([\w-]+)", r).group(1) for r in rows]  # type: ignore[union-attr]
    assert order == [str(a["dst"]) for a in worst_first_docs(mixed())]
    assert order[:2] == ["plc-proc", "plc-recv"]  # 30,000 EUR/h, newest first; then 6,500
    assert order[2] == "labeller-01"
    ranks = [int(re.search(r'<td data-sort="(\d+)">', r).group(1)) for r in rows]  # type: ignore[union-attr]
    assert ranks == [1, 2, 3, 4, 5]
    assert "CET" in rows[0] or "CEST" in rows[0]  # the site's timezone, with the date


def test_the_summary_shows_the_worst_of_each_rule_worst_first() -> None:
    many = mixed() + [
        alert("port-scan", "critical", "qa-ws-01", f"10.10.40.{i}", 40.0 + i) for i in range(20)
    ]
    shown = shown_alerts(worst_first_docs(many))
    assert len(shown) == TOP_ALERTS
    assert list(shown) == worst_first_docs(shown)
    assert {a["rule"] for a in shown} == {a["rule"] for a in many}
