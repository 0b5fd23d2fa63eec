"""`plantwarden demo` end to end on the dairy plant: every scripted incident of
examples/dairy/incidents.yaml is detected with its assets and evidence inside its time window,
the printer's loss of view is priced, the HTML report holds the map, the chart and every alert,
and a second run changes nothing in the store.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from plantwarden.capture.source import open_capture
from plantwarden.cli.app import app
from plantwarden.continuity.graph import build_graph
from plantwarden.continuity.impact import impact
from plantwarden.detect.store_alerts import list_alerts
from plantwarden.detect.store_baselines import baseline_history
from plantwarden.report.run import DemoPaths, run_demo
from plantwarden.site.use import read_site
from plantwarden.store.status import store_status

DAIRY = Path(__file__).resolve().parents[2] / "examples" / "dairy"
INCIDENTS = yaml.safe_load((DAIRY / "incidents.yaml").read_text())["incidents"]
SITE = read_site(DAIRY / "site.yaml")[0]
#: The expected detection kinds of incidents.yaml -> the rules that detect them (docs/detection.md).
RULES = {
    "remote_access": {"remote-access-to-ot", "external-remote-access"},
    "program_download": {"program-download"},
    "new_talker_write": {"write-from-new-host"},
    "scan": {"port-scan"},
    "loss_of_view": {"device-silent", "polling-stopped"},
    "plc_stop": {"mode-change"},
}
VOID = {"meta", "br", "hr", "img", "input", "link", "col", "wbr", "source"}


class Demo:
    def __init__(self, tmp: Path) -> None:
        self.db_url = f"sqlite:///{tmp / 'demo.db'}"
        self.out = tmp / "out"
        result = CliRunner().invoke(app, ["demo", "--db", self.db_url, "--out", str(self.out)])
        self.output, self.exit_code = result.output, result.exit_code
        self.alerts = [a.to_json() for a in list_alerts(self.db_url, None, None)]
        self.counts_first = self.counts()
        self.second = run_demo(DemoPaths(DAIRY), self.db_url)
        self.counts_second = self.counts()
        self.html = (self.out / "demo-report.html").read_text(encoding="utf-8")

    def counts(self) -> tuple[int, int, int, int]:
        status = store_status(self.db_url)
        alerts = len(list_alerts(self.db_url, None, None))
        return (
            status.captures,
            status.site_versions,
            alerts,
            len(baseline_history(self.db_url, SITE.site.name)),
        )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    return Demo(tmp_path_factory.mktemp("demo"))


def frame_times(frames: set[int]) -> dict[int, float]:
    times = {}
    with open_capture(str(DAIRY / "captures" / "incidents.pcap")) as source:
        for frame in source.frames():
            if frame.number in frames:
                times[frame.number] = frame.ts_ns / 1e9
    return times


def party(alert: dict[str, Any], address: str) -> dict[str, Any]:
    return next(a for a in alert["assets"] if a["address"] == address)


def matches(alert: dict[str, Any], incident: dict[str, Any], dst: dict[str, Any]) -> bool:
    return (
        alert["rule"] in RULES[incident["expected_detection"]]
        and alert["src"] == incident["src"]["ip"]
        and alert["dst"] == dst["ip"]
    )


def test_the_demo_command_prints_the_answer_first(demo: Demo) -> None:
    assert demo.exit_code == 0, demo.output
    text = demo.output
    assert text.index("does this keep production safe and running?") < text.index("Alerts, worst first")
    for section in (
        "Production at risk",
        "Assets by zone and role",
        "Top single points of failure",
        "Segmentation violations",
        "Legacy share per zone",
        "demo-report.html",
    ):
        assert section in text
    assert "plantwarden impact --fail lblprt-1 lblprt-2" in text
    # the incident opened from the PLC STOP alert, the top of its playbook (tests/incidents)
    assert "Incident INC-1: Controller operating mode change: ews-01 -> plc-proc" in text
    assert text.index("safety gate first (ehs-officer decides)") < text.index("isolate-target")


@pytest.mark.parametrize("incident", INCIDENTS, ids=[i["id"] for i in INCIDENTS])
def test_every_incident_is_detected_with_its_assets(demo: Demo, incident: dict[str, Any]) -> None:
    window = (incident["start_epoch"], incident["end_epoch"])
    for dst in incident["dst"]:
        found = [a for a in demo.alerts if matches(a, incident, dst)]
        assert found, f"{incident['id']}: no {RULES[incident['expected_detection']]} alert to {dst['asset']}"
        alert = found[0]
        frames = {f for e in alert["evidence"] for f in e["frames"]}
        times = frame_times(frames)
        assert any(window[0] <= t <= window[1] for t in times.values()), (incident["id"], times, window)
        for side in (incident["src"], dst):
            entry = party(alert, side["ip"])
            declared = SITE.asset(side["asset"]) is not None
            assert entry.get("name") == (side["asset"] if declared else None)


def test_loss_of_view_on_the_label_printer_prices_the_packaging_line(demo: Demo) -> None:
    incident = next(i for i in INCIDENTS if i["expected_detection"] == "loss_of_view")
    alert = next(a for a in demo.alerts if matches(a, incident, incident["dst"][0]))
    packaging = next(x for x in alert["impact"]["lines"] if x["line"] == "packaging")
    both = impact(build_graph(SITE), ["lblprt-1", "lblprt-2"])
    expected = next(s for s in both.stops if s.line == "packaging")
    assert packaging["cost_per_hour"] == SITE.line("packaging").downtime_cost_per_hour  # type: ignore[union-attr]
    assert packaging["buffer_minutes"] == expected.after_minutes > 0
    assert packaging["path"][:2] == ["lblprt-1", "label-printers"]
    assert alert["impact"]["stops"] is False
    assert alert["impact"]["covered"] == [{"group": "label-printers", "k": 1, "n": 2, "down": 1, "spare": 0}]


def test_the_what_if_of_both_printers_prices_packaging(demo: Demo) -> None:
    result = CliRunner().invoke(
        app, ["impact", "--fail", "lblprt-1", "--fail", "lblprt-2", "--json", "--db", demo.db_url]
    )
    assert result.exit_code == 0, result.output
    assert '"line": "packaging"' in result.output
    assert '"cost_per_hour": 6500' in result.output


def test_every_alert_names_its_assets_by_the_site_model(demo: Demo) -> None:
    for alert in demo.alerts:
        for entry in alert["assets"]:
            asset = SITE.asset_for_ip(entry["address"]) if re.fullmatch(r"[\d.]+", entry["address"]) else None
            if asset is not None:
                assert entry["name"] == asset.name


def test_a_second_run_changes_nothing_in_the_store(demo: Demo) -> None:
    assert demo.counts_first == demo.counts_second
    assert demo.counts_first[0] == 2
    assert len(demo.second.alerts) == demo.counts_first[2]


class Checker(HTMLParser):
    """Tags must nest and close; nothing may be fetched from elsewhere."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value and not value.startswith("#"):
                self.external.append(f"{tag} {name}={value}")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value and not value.startswith("#"):
                self.external.append(f"{tag} {name}={value}")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def test_the_report_is_self_contained_html_with_map_chart_and_every_alert(demo: Demo) -> None:
    checker = Checker()
    checker.feed(demo.html)
    assert demo.html.startswith("<!DOCTYPE html>")
    assert checker.errors == [] and checker.stack == []
    assert checker.external == []
    assert "<link" not in demo.html and "@import" not in demo.html and "url(http" not in demo.html
    svgs = re.findall(r"<svg.*?</svg>", demo.html, re.S)
    roots = [ET.fromstring(s) for s in svgs]
    classes = {r.get("class") for r in roots}
    assert {"map", "chart"} <= classes
    ns = "{http://www.w3.org/2000/svg}"
    the_map = next(r for r in roots if r.get("class") == "map")
    assert len(the_map.findall(f"{ns}g[@class='zone']")) == len(SITE.zones)
    assert the_map.findall(f"{ns}path[@class='violation']")
    chart = next(r for r in roots if r.get("class") == "chart")
    assert {g.get("data-line") for g in chart.findall(f"{ns}g")} == {x.name for x in SITE.lines}
    rows = re.findall(
        r"<tr>(.*?)</tr>", demo.html.split('class="alerts sortable"')[1].split("</table>")[0], re.S
    )
    assert len(rows) - 1 == len(demo.alerts)
    for alert in demo.alerts:
        frames = ", ".join(map(str, alert["evidence"][0]["frames"][:6]))
        assert any(alert["rule"] in r and frames in r for r in rows), alert["rule"]


def test_the_headline_says_which_line_is_stopped_and_the_scan_targets_are_not_failed(demo: Demo) -> None:
    text = " ".join(demo.output.split())
    # incidents.yaml plc_stop: ews-01 puts plc-proc in STOP, which stops reception-processing now
    assert "Stopped by an observed failure: reception-processing now, " in text
    stopped = text.split("Stopped by an observed failure: ")[1].split(".")[0]
    # ten scanned PLCs and HMIs, none of them named failed: only the one put in STOP
    assert len({a["dst"] for a in demo.alerts if a["rule"] == "port-scan"}) >= 10
    assert stopped.split("): ")[1] == "plc-proc was put in STOP (mode-change)"
    assert "could stop at once" not in text


def test_the_reports_alerts_are_worst_first(demo: Demo) -> None:
    table = demo.html.split('class="alerts sortable"')[1].split("</table>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
    keys = [tuple(float(k) for k in re.findall(r'<td data-sort="([\d.]+)">', r)) for r in rows]
    # (#, severity, first, last, at risk): severity then cost per hour never increase down the table
    ranked = [(k[1], k[4]) for k in keys]
    assert ranked == sorted(ranked, reverse=True)
    assert [int(k[0]) for k in keys] == list(range(1, len(rows) + 1))
    assert "<script>" in demo.html and 'name="generator" content="generated by plantwarden"' in demo.html


def test_the_demo_shows_vulnerabilities_with_production_at_risk(demo: Demo) -> None:
    assert "Vulnerabilities, most urgent first" in demo.output
    line = next(x for x in demo.output.splitlines() if "CVE-2023-20198 (KEV)" in x)
    assert "sw-ctrl-01" in line and "30,000" in line and "ICSA-23-297-01" in line
    shown = CliRunner().invoke(app, ["asset", "plc-fill-a", "--db", demo.db_url])
    assert shown.exit_code == 0 and "CVE-2024-6207 (ICSA-24-284-20, exact" in shown.output


def test_the_demo_report_holds_the_stored_plan_with_its_next_window(demo: Demo) -> None:
    from plantwarden.plan.service import show_plan

    plan = show_plan(demo.db_url, SITE.site.name)
    first = plan["windows"][0]
    assert f"Remediation plan, next window {first['id']}" in demo.output
    assert "<h2>Remediation plan: fixes scheduled into the maintenance windows</h2>" in demo.html
    assert f"Plan run {plan['run']} of" in demo.html  # the run the demo stored, not a fresh one
    table = demo.html.split('class="plan-windows sortable"')[1].split("</table>")[0]
    assert f"<td>{first['id']}</td>" in table and f'data-sort="{first["risk_retired"]}"' in table


def test_the_vendor_ssh_session_is_reported_against_the_demo_grant(demo: Demo) -> None:
    """Incident a (scripted vendor SSH session) against the site's grant siemens-ews-sunday."""
    incident = next(i for i in INCIDENTS if i["id"] == "a-remote-access")
    (alert,) = [a for a in demo.alerts if a["rule"] == "access-before-window"]
    assert (alert["src"], alert["dst"]) == (incident["src"]["ip"], incident["dst"][0]["ip"])
    assert alert["grant"]["grant"] == "siemens-ews-sunday" and alert["grant"]["company"] == "Siemens AG"
    (frame,) = alert["evidence"][0]["frames"]
    at = frame_times({frame})[frame]
    assert abs(at - incident["start_epoch"]) < 1.0  # the session's first packet
    assert at < datetime.fromisoformat(alert["grant"]["start"]).timestamp()
    text = demo.output
    assert "Vendor remote access" in text and "siemens-ews-sunday" in text
    assert text.index("Vendor remote access") > text.index("Alerts, worst first")
    assert "plantwarden access report" in text


def test_demo_names_the_three_weakest_compliance_areas(demo: Demo) -> None:
    assert demo.exit_code == 0, demo.output
    tail = demo.output.split("Compliance, the three weakest areas", 1)[1]
    assert len(re.findall(r"^FR \d ", tail, flags=re.MULTILINE)) == 3


@pytest.mark.parametrize("framework", ["iec62443-3-3", "nist-csf-2.0"])
def test_on_the_demo_plant_every_requirement_has_a_status_and_its_evidence_or_reason(
    demo: Demo, framework: str
) -> None:
    from plantwarden.compliance.evidence import Status
    from plantwarden.compliance.service import assess_site

    run = assess_site(demo.db_url, SITE.site.name, framework)
    judged = {Status.SATISFIED, Status.NOT_SATISFIED, Status.PARTLY}
    for r in run.assessment.results:
        assert r.reason, r.requirement.id
        assert r.evidence if r.status in judged else True, r.requirement.id
    counts = run.assessment.counts()
    assert counts["not satisfied"] + counts["partly"] > 0 and counts["satisfied"] > 0
