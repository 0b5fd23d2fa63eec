"""``plantwarden analyze``: JSON contract, stdin, exit codes, the store."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import SHARED_CAPTURES, truth_for

MODBUS = SHARED_CAPTURES / "modbus-iti-modbus_test_data_part1.pcap"


def run(*args: str, stdin: bytes | None = None, db: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    extra = ["--db", str(db)] if db is not None else ["--no-store"]
    return subprocess.run(
        [sys.executable, "-m", "plantwarden", "analyze", *args, *extra],
        input=stdin,
        capture_output=True,
        check=False,
    )


def test_json_document_has_schema_and_per_capture_sections() -> None:
    r = run(str(MODBUS), "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["schema"] == "plantwarden.analyze/1"
    (cap,) = doc["captures"]
    truth = truth_for(MODBUS)
    assert cap["packets"] == truth["packets"] and cap["bytes"] == sum(
        p["bytes"] for p in truth["protocol_hierarchy"] if p["path"] == "eth"
    )
    for key in (
        "skipped",
        "hosts",
        "protocols",
        "conversations",
        "anomalies",
        "identities",
        "points",
        "edges",
    ):
        assert key in cap


def test_stdin_gives_the_same_document_as_the_file() -> None:
    by_file = json.loads(run(str(MODBUS), "--json").stdout)["captures"][0]
    by_pipe = json.loads(run("-", "--json", stdin=MODBUS.read_bytes()).stdout)["captures"][0]
    for key in ("packets", "bytes", "hosts", "protocols", "conversations"):
        assert by_pipe[key] == by_file[key]


def test_a_file_that_is_not_a_capture_exits_2_with_one_line(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("this is not a capture\n" * 20)
    r = run(str(text))
    assert r.returncode == 2
    lines = r.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "notes.txt" in lines[0] and "Traceback" not in lines[0]


def test_a_truncated_capture_is_analysed_up_to_the_damage(tmp_path: Path) -> None:
    cut = tmp_path / "cut.pcap"
    data = MODBUS.read_bytes()
    cut.write_bytes(data[: len(data) // 2 + 7])
    r = run(str(cut), "--json")
    assert r.returncode == 0
    cap = json.loads(r.stdout)["captures"][0]
    assert 0 < cap["packets"] < truth_for(MODBUS)["packets"]
    assert cap["skipped"] and cap["skipped"][0]["first_frame"] == cap["packets"] + 1


def test_results_are_stored_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    from plantwarden.settings import sqlite_url
    from plantwarden.store.imports import list_captures

    db = tmp_path / "pw.db"
    assert run(str(MODBUS), db=db).returncode == 0
    first = list_captures(sqlite_url(db))
    assert run(str(MODBUS), db=db).returncode == 0
    assert len(first) == 1 and len(list_captures(sqlite_url(db))) == 1


def test_the_whole_document_is_stored_for_inventory_and_reports(tmp_path: Path) -> None:
    from plantwarden.settings import sqlite_url
    from plantwarden.store.imports import capture_documents

    db = tmp_path / "pw.db"
    s7 = SHARED_CAPTURES / "s7comm-gymgit-snap7_s300_everything.pcapng"
    assert run(str(MODBUS), str(s7), db=db).returncode == 0
    docs = capture_documents(sqlite_url(db))
    assert sorted(d["name"] for d in docs) == sorted([MODBUS.name, s7.name])
    s7doc = next(d for d in docs if d["name"] == s7.name)
    assert any(i["proto"] == "s7comm" for i in s7doc["identities"])


def test_json_gains_assets_and_asset_edges_across_captures() -> None:
    s7 = SHARED_CAPTURES / "s7comm-iti-downloading_block_db1.pcap"
    doc = json.loads(run(str(s7), "--json").stdout)
    roles = {a["id"]: {r["role"] for r in a["roles"]} for a in doc["assets"]}
    ips = {a["id"]: {i["address"] for i in a["ips"]} for a in doc["assets"]}
    plc = next(aid for aid, r in roles.items() if "plc" in r)
    assert "192.168.1.40" in ips[plc]
    assert any(e["server"] == plc and e["proto"].startswith("s7comm") for e in doc["edges"])


def test_live_capture_on_loopback_stops_after_count_and_reports(tmp_path: Path) -> None:
    import os
    import shutil
    import socket
    import threading
    import time

    import pytest

    if os.geteuid() != 0 or shutil.which("tcpdump") is None:
        pytest.skip("live capture needs root and tcpdump")
    port = 40000 + os.getpid() % 20000

    def send() -> None:
        time.sleep(2.0)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:  # test traffic on loopback only
            for _ in range(10):
                s.sendto(b"plantwarden-live-test", ("127.0.0.1", port))
                time.sleep(0.1)

    threading.Thread(target=send, daemon=True).start()
    r = run("--live", "lo", "--bpf", f"udp port {port}", "--count", "4", "--for", "30s", "--json")
    assert r.returncode == 0, r.stderr
    cap = json.loads(r.stdout)["captures"][0]
    assert cap["name"] == "live:lo" and cap["packets"] == 4 and cap["sha256_of"] == "analysis"
    assert cap["hosts"]["ipv4"] == ["127.0.0.1"]


def test_live_and_files_together_is_a_usage_error() -> None:
    r = run("--live", "lo", str(MODBUS))
    assert r.returncode == 2 and b"--live" in r.stderr


def test_stdin_results_are_stored_once(tmp_path: Path) -> None:
    from plantwarden.settings import sqlite_url
    from plantwarden.store.imports import list_captures

    db = tmp_path / "pw.db"
    for _ in range(2):
        assert run("-", stdin=MODBUS.read_bytes(), db=db).returncode == 0
    (only,) = list_captures(sqlite_url(db))
    assert only.packets == truth_for(MODBUS)["packets"]


def test_detect_puts_alerts_in_the_analysis_document(tmp_path: Path) -> None:
    import shutil

    import pytest

    if shutil.which("tshark") is None:
        pytest.skip("tshark gives the independent frame numbers")
    s7 = SHARED_CAPTURES / "s7comm-iti-downloading_block_db1.pcap"
    r = run(str(s7), "--detect", "--json", db=tmp_path / "pw.db")
    assert r.returncode == 0, r.stderr
    alerts = json.loads(r.stdout)["alerts"]
    (download,) = [a for a in alerts if a["rule"] == "program-download"]
    theirs = subprocess.run(
        [
            "tshark",
            "-n",
            "-r",
            str(s7),
            "-Y",
            "s7comm.param.func == 0x1a && s7comm.header.rosctr == 1",
            "-T",
            "fields",
            "-e",
            "frame.number",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert download["evidence"] == [{"capture": s7.name, "frames": [int(f) for f in theirs]}]
    assert (download["src"], download["dst"]) == ("192.168.1.10", "192.168.1.40")
    assert "T0843" in {t["id"] for t in download["techniques"]}  # Program Download
    for key in (
        "id",
        "rule",
        "title",
        "severity",
        "techniques",
        "src",
        "dst",
        "assets",
        "first_ts",
        "last_ts",
        "count",
        "evidence",
        "response",
    ):
        assert key in download
