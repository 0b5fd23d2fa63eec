"""Compensating controls checked on captures analysed after the plan (plantwarden.plan.evidence),
end to end through the CLI on real captures cut by tshark: no data yet, holds, broken with the
flow or write named; kept by re-planning; bad input is one line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from plantwarden.plan import evidence_store
from plantwarden.store.sites import choose_site
from tests.plan.evidence_helpers import (
    ACCESS_CAPTURE,
    MODBUS_CAPTURE,
    PLC_TO_OPC,
    SCADA_TO_PLC,
    SCADA_TO_SRV,
    SRV_TO_PLC,
    ZONES_CAPTURE,
    access_site,
    cut,
    cut_before,
    load,
    run,
    writes_site,
    zones_site,
)


def controls(db: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code, out, err = run(["plan", "controls", "--json", *db], capsys)
    assert code == 0, err
    return dict(json.loads(out))


def only(body: dict[str, Any]) -> dict[str, Any]:
    (found,) = body["controls"]
    return dict(found)


def test_a_tightened_conduit_has_no_data_then_holds_then_breaks_on_a_new_flow(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", store_url]
    load(tmp_path / "site.yaml", zones_site(), db, capsys)
    # when the plan runs, the store holds one capture: SCADA polling the PLC across ops-to-cell
    before = cut(ZONES_CAPTURE, [SCADA_TO_PLC], tmp_path / "before.pcap")
    assert run(["analyze", str(before), *db], capsys)[0] == 0
    code, out, err = run(["plan", "--json", *db], capsys)
    assert code == 0, err
    (control,) = json.loads(out)["controls"]
    assert control["item"] == "plc-01" and control["kind"] == "tighten-conduit"
    # the allow list is fixed at plan time from the flows then observed across the conduit
    spec = control["check"]
    assert spec["conduit"] == "ops-to-cell" and spec["zones"] == ["ops", "cell"]
    assert spec["allow"] == [
        {"client": "127.0.6.5", "server": "127.0.6.9", "transport": "tcp", "port": 502, "proto": "modbus"}
    ]
    # nothing analysed since the plan: no data yet
    first = only(controls(db, capsys))
    assert (
        first["state"] == "no_data"
        and first["captures"] == []
        and "no capture analysed since" in first["summary"]
    )

    # a later capture with the allowed flow and two flows inside one zone: holds, checked by analyze
    quiet = cut(ZONES_CAPTURE, [SCADA_TO_PLC, PLC_TO_OPC, SCADA_TO_SRV], tmp_path / "quiet.pcap")
    code, out, err = run(["analyze", str(quiet), *db], capsys)
    assert code == 0, err
    assert "compensating controls of plan run" in out and "1 holds" in out
    held = only(controls(db, capsys))
    assert held["state"] == "holds" and [c["name"] for c in held["captures"]] == ["quiet.pcap"]
    assert held["evidence"] == [] and "ops-to-cell: no flow outside its 1 allowed flows" in held["summary"]
    code, _, _ = run(["plan", "controls", "--fail-on", "broken", *db], capsys)
    assert code == 0

    # a later capture with another flow across the conduit: broken, naming it
    noisy = cut(ZONES_CAPTURE, [SCADA_TO_PLC, SRV_TO_PLC], tmp_path / "noisy.pcap")
    code, out, _ = run(["analyze", str(noisy), *db], capsys)
    assert "plc-01 broken: tcp 127.0.6.6 -> 127.0.6.9:502 modbus (noisy.pcap)" in out
    broken = only(controls(db, capsys))
    assert broken["state"] == "broken"
    (flow,) = broken["evidence"]
    assert (flow["client"], flow["server"], flow["port"], flow["proto"]) == (
        "127.0.6.6",
        "127.0.6.9",
        502,
        "modbus",
    )
    assert flow["capture"] == "noisy.pcap" and flow["first_ts"] is not None
    assert {c["name"] for c in broken["captures"]} == {"quiet.pcap", "noisy.pcap"}
    code, out, _ = run(["plan", "controls", "--fail-on", "broken", *db], capsys)
    assert code == 1 and "broken" in out

    # re-planning keeps the control's start and allow list: still broken, not restarted
    code, out, err = run(["plan", "--json", *db], capsys)
    assert code == 0, err
    (again,) = json.loads(out)["controls"]
    assert again["check"] == spec
    assert only(controls(db, capsys))["state"] == "broken"
    # each result was stored, per site, with when it ran and over which captures
    site = choose_site(store_url, None)
    assert site.id is not None
    (row,) = evidence_store.stored(store_url, site.id, json.loads(out)["run"])
    assert row["state"] == "broken" and {c["name"] for c in row["captures"]} == {"quiet.pcap", "noisy.pcap"}


@pytest.mark.parametrize(("window", "state"), [(True, "holds"), (False, "broken")])
def test_writes_to_a_plc_hold_inside_a_maintenance_window_and_break_outside(
    window: bool, state: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", str(tmp_path / "w.db")]
    load(tmp_path / "site.yaml", writes_site(window), db, capsys)
    code, out, err = run(["plan", "--json", *db], capsys)
    assert code == 0, err
    (control,) = json.loads(out)["controls"]
    assert control["kind"] == "alert-writes" and control["item"] == "plc-press"
    assert only(controls(db, capsys))["state"] == "no_data"
    # pymodbus writes coils and registers, restarts and forces listen-only mode on 127.0.1.1
    assert run(["analyze", str(MODBUS_CAPTURE), *db], capsys)[0] == 0
    found = only(controls(db, capsys))
    assert found["state"] == state
    if window:
        assert found["evidence"] == [] and "outside a maintenance window" in found["summary"]
        return
    by_code = {(e["src"], e["code"]): e for e in found["evidence"]}
    # FC 5, 6, 15, 16, 22, 23 are writes from 127.0.1.2; FC 90 (UMAS) and FC 8 change the mode
    assert {c for s, c in by_code if s == "127.0.1.2"} >= {"5", "6", "15", "16", "22", "23", "8"}
    assert by_code[("127.0.1.3", "90")]["classes"] == ["mode_change"]
    write = by_code[("127.0.1.2", "16")]
    assert write["dst"] == "127.0.1.1" and write["capture"] == "modbus-pymodbus.pcap"
    assert "2026-11-22T01:03:43" in write["text"]
    assert not any(e["src"] == "127.0.1.2" and e["code"] == "3" for e in found["evidence"])  # reads are fine


def test_no_plan_and_an_unknown_site_are_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", str(tmp_path / "n.db")]
    load(tmp_path / "site.yaml", zones_site(), db, capsys)
    code, out, err = run(["plan", "controls", *db], capsys)
    assert code == 2 and "has no plan yet" in err and "Traceback" not in out + err
    assert len(err.strip().splitlines()) == 1
    code, out, err = run(["plan", "controls", "--site-name", "nowhere", *db], capsys)
    assert code == 2 and "nowhere" in err and "Traceback" not in out + err
    assert len(err.strip().splitlines()) == 1
    code, _, err = run(["plan", "controls", "--fail-on", "bent", *db], capsys)
    assert code == 2 and "--fail-on bent" in err and len(err.strip().splitlines()) == 1


def test_remote_sessions_checked_by_detect_hold_inside_a_grant_and_break_outside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    starts = json.loads((ACCESS_CAPTURE.with_suffix(".json")).read_text())["starts"]
    db = ["--db", str(tmp_path / "a.db")]
    load(tmp_path / "site.yaml", access_site(), db, capsys)
    code, out, err = run(["plan", "--json", *db], capsys)
    assert code == 0, err
    assert {(c["item"], c["kind"]) for c in json.loads(out)["controls"]} == {
        ("eng-pc-1", "remote-access-grant"),
        ("eng-pc-2", "remote-access-grant"),
    }
    # the first scenario alone: the vendor's SSH session to eng-pc-1 inside grant-inside
    inside = cut_before(ACCESS_CAPTURE, starts["vnc"], tmp_path / "inside.pcap")
    code, out, err = run(["detect", str(inside), *db], capsys)
    assert code == 0, err
    assert "compensating controls of plan run" in out and "1 holds, 1 no data yet" in out
    by_item = {c["item"]: c for c in controls(db, capsys)["controls"]}
    assert (
        by_item["eng-pc-1"]["state"] == "holds"
        and "1 remote sessions to eng-pc-1" in by_item["eng-pc-1"]["summary"]
    )
    assert by_item["eng-pc-1"]["captures"][0]["name"] == "inside.pcap"  # the session's capture
    assert by_item["eng-pc-2"]["state"] == "no_data"  # detect stores no capture; no session to it
    # the whole lab: eng-pc-2's session comes before its grant, eng-pc-1 is reached around the gateway
    code, out, err = run(["detect", str(ACCESS_CAPTURE), *db], capsys)
    assert code == 0, err
    by_item = {c["item"]: c for c in controls(db, capsys)["controls"]}
    before = by_item["eng-pc-2"]
    assert before["state"] == "broken"
    (session,) = before["evidence"]
    assert session["findings"] == ["access-before-window"] and session["server"] == "10.24.2.42"
    assert session["capture"] == "access-sessions.pcap" and abs(session["first_ts"] - starts["before"]) < 5
    bypass = by_item["eng-pc-1"]
    assert bypass["state"] == "broken"
    assert [e["findings"] for e in bypass["evidence"]] == [["access-gateway-bypassed"]]
    assert bypass["evidence"][0]["client"] == "10.24.0.66"  # the laptop, not the gateway


def test_a_new_peer_breaks_the_control_and_a_control_past_its_window_expires(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from datetime import datetime, timedelta

    from plantwarden.plan.evidence import check_controls

    # no conduits: ops-srv (a server, no vendor access) gets alert-new-peer
    url = f"sqlite:///{tmp_path / 'p.db'}"
    db = ["--db", url]
    doc = zones_site(conduits=[])
    next(a for a in doc["assets"] if a["name"] == "ops-srv")["end_of_support"] = "2020-01-01"
    doc["assets"] = [a for a in doc["assets"] if a["name"] != "plc-01"]
    doc["lines"] = [{"name": "line-a", "downtime_cost_per_hour": 1000, "requires": ["ops-srv"]}]
    doc["dependencies"] = []
    load(tmp_path / "site.yaml", doc, db, capsys)
    before = cut(ZONES_CAPTURE, [SCADA_TO_SRV], tmp_path / "before.pcap")
    assert run(["analyze", str(before), *db], capsys)[0] == 0
    code, out, err = run(["plan", "--json", *db], capsys)
    assert code == 0, err
    (control,) = json.loads(out)["controls"]
    assert (control["item"], control["kind"]) == ("ops-srv", "alert-new-peer")
    assert (
        control["check"]["peers"] == ["127.0.6.5"] and "no baseline stored" in control["check"]["peers_from"]
    )
    # SCADA again, and OPC UA traffic that does not touch ops-srv: holds
    quiet = cut(ZONES_CAPTURE, [SCADA_TO_SRV, PLC_TO_OPC], tmp_path / "quiet.pcap")
    assert run(["analyze", str(quiet), *db], capsys)[0] == 0
    assert only(controls(db, capsys))["state"] == "holds"
    # ops-srv polls the PLC, a peer it never had: broken
    noisy = cut(ZONES_CAPTURE, [SRV_TO_PLC], tmp_path / "noisy.pcap")
    assert run(["analyze", str(noisy), *db], capsys)[0] == 0
    found = only(controls(db, capsys))
    assert found["state"] == "broken" and [e["peer"] for e in found["evidence"]] == ["127.0.6.9"]
    assert found["summary"].startswith(
        "new peer 127.0.6.9: tcp 127.0.6.6 -> 127.0.6.9:502 modbus (noisy.pcap)"
    )
    # once the window that fixes the item has begun, the control has expired: re-plan
    later = datetime.fromisoformat(control["expires"]) + timedelta(minutes=1)
    gone = only(check_controls(url, None, now=later))
    assert gone["state"] == "expired" and control["expires_with"] in gone["summary"]
