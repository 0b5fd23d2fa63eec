"""Sessions from real stacks (OpenSSH, TigerVNC, python-snap7; tests/data/generate/
access_sessions.py) held against the grants: each scenario gives exactly its finding, with
the evidence frames tshark finds independently."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest

from plantwarden.access.grants import declared
from plantwarden.access.scan import CheckResult, check_captures
from plantwarden.detect.engine import Detector
from plantwarden.detect.stream import detect_captures
from plantwarden.site.model import SiteModel
from plantwarden.site.use import read_site

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "captures"
PCAP = DATA / "access-sessions.pcap"
SITE = DATA / "access-sessions.site.yaml"
needs_tshark = pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed")

#: scenario -> (server address, the one finding expected; None: inside its grant, no alert)
SCENARIOS = {
    "inside": ("10.24.2.41", None, "grant-inside"),
    "vnc": ("10.24.3.20", None, "grant-vnc"),
    "before": ("10.24.2.42", "access-before-window", "grant-before"),
    "after": ("10.24.2.43", "access-after-expiry", "grant-after"),
    "open": ("10.24.2.44", "access-open-after-expiry", "grant-open"),
    "asset": ("10.24.2.45", "access-other-asset", "grant-inside"),
    "download": ("10.24.3.11", "access-change-under-view-only", "grant-download"),
    "bypass": ("10.24.2.41", "access-gateway-bypassed", "grant-inside"),
}
GW, LAPTOP = "10.24.1.10", "10.24.0.66"


def tshark(*args: str) -> list[list[str]]:
    cmd = ["tshark", "-r", str(PCAP), "-T", "fields", "-E", "separator=|", *args]
    lines = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.splitlines()
    return [line.split("|") for line in lines if line]


@cache
def model() -> SiteModel:
    return read_site(SITE)[0]


@cache
def result() -> CheckResult:
    m = model()
    return check_captures([str(PCAP)], m, declared(m))


def syns() -> dict[tuple[str, str], int]:
    """(client, server) -> the frame of the connection's first SYN (tshark)."""
    rows = tshark(
        "-Y", "tcp.flags.syn == 1 && tcp.flags.ack == 0", "-e", "frame.number", "-e", "ip.src", "-e", "ip.dst"
    )
    found: dict[tuple[str, str], int] = {}
    for frame, src, dst in rows:
        found.setdefault((src, dst), int(frame))
    return found


def client_of(name: str) -> str:
    return LAPTOP if name == "bypass" else GW


def test_every_scenario_is_one_session_with_its_grant() -> None:
    by_pair = {(v.session.client, v.session.server): v for v in result().verdicts}
    assert len(result().verdicts) == len(SCENARIOS)
    for name, (server, rule, grant) in SCENARIOS.items():
        verdict = by_pair[(client_of(name), server)]
        assert verdict.grant == grant, name
        assert [f.rule.name for f in verdict.findings] == ([rule] if rule else []), name


@needs_tshark
def test_session_starts_bytes_and_hints_match_tshark() -> None:
    first = syns()
    for v in result().verdicts:
        s = v.session
        assert s.first_frame == first[(s.client, s.server)]
        rows = tshark("-Y", f"tcp.port == {s.client_port} && ip.addr == {s.server}", "-e", "frame.len")
        assert s.packets == len(rows) and s.bytes == sum(int(r[0]) for r in rows)
        if s.proto == "ssh":
            assert s.hints["ssh_banner_server"].startswith("SSH-2.0-OpenSSH_")
            assert s.hints["ssh_banner_client"].startswith("SSH-2.0-OpenSSH_")


@needs_tshark
def test_each_finding_is_one_alert_with_its_evidence_frames() -> None:
    alerts = {a.rule: a for a in result().alerts}
    expected = {rule for _, rule, _ in SCENARIOS.values() if rule}
    assert sorted(alerts) == sorted(expected) and len(result().alerts) == len(expected)
    first = syns()
    for name, (server, rule, grant) in SCENARIOS.items():
        if rule is None or rule in ("access-open-after-expiry", "access-change-under-view-only"):
            continue
        alert = alerts[rule]
        assert [e.frames for e in alert.evidence] == [[first[(client_of(name), server)]]], name
        assert alert.grant is not None and alert.grant["grant"] == grant
        assert (alert.src, alert.dst) == (client_of(name), server)


@needs_tshark
def test_still_open_points_at_the_first_frame_after_the_end() -> None:
    grant = next(g for g in declared(model()) if g.key == "grant-open")
    end = grant.until.timestamp()
    rows = tshark(
        "-Y", "ip.addr == 10.24.2.44 && tcp.port == 22", "-e", "frame.number", "-e", "frame.time_epoch"
    )
    after = [int(f) for f, t in rows if float(t) >= end]
    alert = next(a for a in result().alerts if a.rule == "access-open-after-expiry")
    assert after and alert.evidence[0].frames == [after[0]]
    assert alert.first_ts >= end


@needs_tshark
def test_the_download_under_view_only_cites_the_request_download_frames() -> None:
    rows = tshark("-Y", "s7comm.header.rosctr == 1 && s7comm.param.func == 0x1a", "-e", "frame.number")
    alert = next(a for a in result().alerts if a.rule == "access-change-under-view-only")
    assert alert.evidence[0].frames == [int(r[0]) for r in rows] != []
    assert alert.severity.label == "critical"  # critical rule on a critical PLC
    assert alert.impact is not None and alert.impact["assets"] == ["plc-1"]
    assert {t["id"] for t in alert.techniques} == {"T0843", "T0855"}


def test_the_detection_pass_gives_the_same_access_alerts() -> None:
    run = detect_captures([str(PCAP)], Detector(None, model()))
    mine = sorted(
        (a.rule, a.src, a.dst, [e.frames for e in a.evidence])
        for a in run.alerts
        if a.rule.startswith("access-")
    )
    theirs = sorted((a.rule, a.src, a.dst, [e.frames for e in a.evidence]) for a in result().alerts)
    assert mine == theirs


def test_without_grants_the_access_rules_stay_silent() -> None:
    bare = model().model_copy(update={"access": model().access.model_copy(update={"grants": ()})})
    run = detect_captures([str(PCAP)], Detector(None, bare))
    assert not [a for a in run.alerts if a.rule.startswith("access-")]


def test_a_revoked_grant_covers_only_what_came_before() -> None:
    m = model()
    grants = declared(m)
    inside = next(g for g in grants if g.key == "grant-inside")
    starts = sorted(v.session.first_ts for v in result().verdicts if v.session.server == "10.24.2.41")
    revoked_at = datetime.fromtimestamp((starts[0] + starts[1]) / 2, UTC)  # between the two sessions
    cut = [replace(g, stored_state="revoked", revoked_at=revoked_at) if g is inside else g for g in grants]
    found = check_captures([str(PCAP)], m, cut)
    by_rule = {a.rule: a for a in found.alerts}
    assert "access-after-expiry" in by_rule and by_rule["access-after-expiry"].src == LAPTOP
    first = next(v for v in found.verdicts if v.session.first_ts == starts[0])
    assert first.findings == [] and first.grant == "grant-inside"


def test_the_plants_own_polling_of_a_granted_plc_is_no_finding() -> None:
    """A view-only vendor grant on plc-recv (S7) during the dairy incidents: SCADA and the HMI
    keep polling it from the OT zones, no finding; the office PC's download bypasses the
    vendor's gateway (rag-01) and downloads under view-only; the vendor's SSH session from
    rag-01 is another protocol to another asset."""
    dairy = read_site(ROOT / "examples" / "dairy" / "site.yaml")[0]
    (standing,) = declared(dairy)
    day = datetime(2026, 11, 22, tzinfo=UTC)
    on_plc = replace(standing, key="plc", assets=("plc-recv",), protocols=("s7comm",), start=day)
    incidents = ROOT / "examples" / "dairy" / "captures" / "incidents.pcap"
    found = check_captures([str(incidents)], dairy, [on_plc])
    pairs = sorted(
        (v.session.client, v.session.server, v.grant, [f.rule.name for f in v.findings])
        for v in found.verdicts
    )
    assert pairs == [
        (
            "10.10.10.101",
            "10.10.40.11",
            "plc",
            ["access-gateway-bypassed", *["access-change-under-view-only"] * 3],
        ),
        ("10.10.20.30", "10.10.30.40", "plc", ["access-other-protocol", "access-other-asset"]),
    ]
