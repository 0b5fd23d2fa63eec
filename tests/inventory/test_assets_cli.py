"""``assets`` and ``map`` on screen and as CSV through the real CLI, on the dairy demo plant:
declared versus observed with evidence, filters that name the valid values, tables that never
cut a name, times in the site's timezone."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

DAIRY = ROOT / "examples" / "dairy"
CAPTURES = [str(DAIRY / "captures" / "normal.pcap"), str(DAIRY / "captures" / "incidents.pcap")]
SITE = str(DAIRY / "site.yaml")


def run(tmp: Path, *args: str, columns: int = 200) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "plantwarden", *args, "--db", str(tmp / "pw.db")]
    env = {**os.environ, "COLUMNS": str(columns)}
    return subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=180, env=env)


def one_line_error(r: subprocess.CompletedProcess[str]) -> str:
    assert r.returncode == 2, r.stdout
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr, r.stderr
    return r.stderr.strip()


def test_assets_site_shows_declared_versus_observed_on_screen(tmp_path: Path) -> None:
    r = run(tmp_path, "assets", *CAPTURES, "--site", SITE)
    assert r.returncode == 0, r.stderr
    text = r.stdout
    assert "Declared versus observed" in text
    lines = text.split("Declared versus observed")[1].splitlines()
    model = next(x for x in lines if x.split()[:2] == ["plc-proc", "model"]).split()
    # declared 6ES7 214-1AG40-0XB0, the PLC's SZL answer says 6ES7 315-2EH14-0AB0 (frame 211 of normal.pcap)
    assert " ".join(model[2:6]) == "6ES7 214-1AG40-0XB0 6ES7 315-2EH14-0AB0"
    assert "normal.pcap#211;" in model or "normal.pcap#211" in model
    assert any(x.split()[:4] == ["plc-recv", "firmware", "V3.2.17", "V3.3.0"] for x in lines)
    role = next(x for x in lines if x.split()[:2] == ["qa-ws-01", "role"])
    assert "it_workstation" in role and "engineering_workstation" in role
    never = next(x for x in lines if x.startswith("Declared, never seen"))
    assert "sw-ctrl-01" in never and "lblprt-2" in never
    assert any(x.startswith("Observed, not declared: 10.10.40.99 ") for x in lines)
    row = next(x for x in text.splitlines() if x.startswith("plc-proc "))
    assert row.rstrip().endswith("differs: firmware, model")


def test_assets_csv_has_every_column_and_no_cut_names(tmp_path: Path) -> None:
    r = run(tmp_path, "assets", *CAPTURES, "--site", SITE, "--csv")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    by_name = {row["asset"].split()[0]: row for row in rows}
    assert by_name["b8:27:eb:40:00:99"]["declared"] == "no"
    assert by_name["plc-recv"]["declared"] == "differs: firmware"
    assert by_name["plc-recv"]["firmware"] == "V3.3.0" and by_name["plc-recv"]["zone"] == "control"
    narrow = run(tmp_path, "assets", *CAPTURES, "--site", SITE, columns=80)
    assert narrow.returncode == 0 and "…" not in narrow.stdout
    words = set(narrow.stdout.split())
    assert {"10.10.10.101", "b8:ac:6f:10:11:01", "(b8:ac:6f:10:11:01)", "Schneider"} <= words


@pytest.mark.parametrize(
    ("args", "valid"),
    [
        (["--zone", "NOPE", "--site", SITE], "zones: enterprise, dmz, operations, control"),
        (["--role", "NOPE"], "roles: router, switch, plc, rtu"),
        (["--zone", "control"], "no zones without a site model"),
    ],
)
def test_assets_filters_name_the_valid_values(tmp_path: Path, args: list[str], valid: str) -> None:
    said = one_line_error(run(tmp_path, "assets", CAPTURES[0], *args))
    assert valid in said


def test_map_times_in_the_site_timezone_and_csv(tmp_path: Path) -> None:
    r = run(tmp_path, "map", CAPTURES[0], "--site", SITE, "--proto", "modbus")
    assert r.returncode == 0, r.stderr
    row = next(x for x in r.stdout.splitlines() if x.startswith("hmi-pack "))
    assert row.split()[1] == "plc-pack" and "2026-11-22 02:25:08 CET" in row  # the site is Europe/Berlin
    rows = list(
        csv.DictReader(io.StringIO(run(tmp_path, "map", CAPTURES[0], "--site", SITE, "--csv").stdout))
    )
    modbus = next(x for x in rows if x["client"] == "hmi-pack" and x["protocol"] == "modbus/502")
    assert modbus["first"].startswith("2026-11-22T02:25:08") and modbus["first"].endswith("+01:00")
    assert int(modbus["packets"]) > 0
    said = one_line_error(run(tmp_path, "map", CAPTURES[0], "--proto", "nope"))
    assert "protocols: " in said and "modbus" in said
    assert run(tmp_path, "map", CAPTURES[0], "--csv", "--json").returncode == 2
