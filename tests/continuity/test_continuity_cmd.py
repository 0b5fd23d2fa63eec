"""The continuity commands through the real CLI: JSON schemas, text, exit codes 0 and 2."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.continuity.helpers import DAIRY, DATA, ZONES_CAPTURE


def run(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "plantwarden", *args, "--db", str(tmp / "pw.db")]
    return subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=60)


def json_of(r: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert r.returncode == 0, r.stderr
    doc: dict[str, Any] = json.loads(r.stdout)
    return doc


def test_impact_json_and_text(tmp_path: Path) -> None:
    args = ("impact", "--fail", "lblprt-1", "--fail", "lblprt-2", "--for", "4h", "--site", str(DAIRY))
    doc = json_of(run(tmp_path, *args, "--json"))
    assert doc["schema"] == "plantwarden.continuity.impact/1" and doc["currency"] == "EUR"
    (line,) = doc["lines"]
    assert (line["line"], line["after_minutes"], line["cost_per_hour"]) == ("packaging", 35.0, 6500)
    assert round(doc["cost"], 2) == round(6500 * 205 / 60, 2)
    assert run(tmp_path, "site", "load", str(DAIRY)).returncode == 0  # --site stores nothing
    stored = run(tmp_path, "impact", "--fail", "prt-srv-01")
    assert stored.returncode == 0 and "packaging stops after 50 min" in stored.stdout
    assert "labeller-01 (+30 min, down at 45 min)" in stored.stdout


def test_impact_takes_several_names_after_one_fail(tmp_path: Path) -> None:
    forms = (["lblprt-1", "lblprt-2"], ["lblprt-1,lblprt-2"])
    docs = [
        json_of(run(tmp_path, "impact", "--fail", *names, "--site", str(DAIRY), "--json")) for names in forms
    ]
    assert [[ln["line"] for ln in d["lines"]] for d in docs] == [["packaging"], ["packaging"]]


def test_impact_errors_exit_2(tmp_path: Path) -> None:
    r = run(tmp_path, "impact", "--fail", "lblprt-3", "--site", str(DAIRY))
    assert r.returncode == 2 and "'lblprt-3'" in r.stderr and "did you mean" in r.stderr
    assert "Traceback" not in r.stderr
    r = run(tmp_path, "impact", "--fail", "a", "--site", str(DATA / "cycle.yaml"))
    assert r.returncode == 2 and "dependency cycle: a -> b -> c -> a" in r.stderr


def test_no_site_model_exits_2_with_a_hint(tmp_path: Path) -> None:
    r = run(tmp_path, "spof")
    assert r.returncode == 2 and "no site model" in r.stderr
    assert not (tmp_path / "pw.db").exists()


def test_spof_json_with_pairs(tmp_path: Path) -> None:
    doc = json_of(run(tmp_path, "spof", "--pairs", "--json", "--site", str(DATA / "spof30.yaml")))
    assert doc["schema"] == "plantwarden.continuity.spof/1"
    assert [s["name"] for s in doc["singles"][:3]] == ["core-sw", "hmi-1", "plc-1"]
    assert doc["pairs"][0]["members"] == ["scada-a", "scada-b"]


def test_segmentation_json(tmp_path: Path) -> None:
    r = run(tmp_path, "segmentation", str(ZONES_CAPTURE), "--json", "--site", str(DATA / "zones.yaml"))
    doc = json_of(r)
    assert doc["schema"] == "plantwarden.continuity.segmentation/1"
    assert len(doc["violations"]) == 3 and doc["model"] is True


def test_raci_csv_and_json(tmp_path: Path) -> None:
    r = run(tmp_path, "raci", "--csv", "--site", str(DATA / "raci.yaml"))
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert {row["subject"] for row in rows} >= {"shared-plc", "orphan", "line-c"}


def test_lifecycle_and_dependencies_json(tmp_path: Path) -> None:
    doc = json_of(
        run(tmp_path, "lifecycle", "--at", "2025-01-01", "--json", "--site", str(DATA / "lifecycle.yaml"))
    )
    assert doc["schema"] == "plantwarden.continuity.lifecycle/1" and doc["at"] == "2025-01-01"
    args = ("dependencies", str(ZONES_CAPTURE), "--json", "--site", str(DATA / "zones.yaml"))
    deps = json_of(run(tmp_path, *args))
    assert deps["schema"] == "plantwarden.continuity.dependencies/1"
    assert len(deps["missing_dependencies"]) == 5


def csv_of(r: subprocess.CompletedProcess[str]) -> list[dict[str, str]]:
    assert r.returncode == 0, r.stderr
    return list(csv.DictReader(io.StringIO(r.stdout)))


SCAN_CAPTURE = ZONES_CAPTURE.with_name("segmentation-scan.pcap")


def test_segmentation_csv_one_row_per_client_zone_pair_and_service(tmp_path: Path) -> None:
    rows = csv_of(
        run(tmp_path, "segmentation", str(SCAN_CAPTURE), "--csv", "--site", str(DATA / "zones.yaml"))
    )
    assert [(r["client"], r["from"], r["to"], r["service"], r["ports"], r["flows"]) for r in rows] == [
        ("office-01", "office", "cell", "tcp", "1-1000", "1000"),
        ("office-01", "office", "cell", "modbus", "502", "1"),
    ]
    assert rows[0]["servers"] == "plc-01" and rows[0]["first"].endswith("+00:00")  # ISO 8601, site's UTC


def test_segmentation_screen_shows_the_scan_on_one_line(tmp_path: Path) -> None:
    r = run(tmp_path, "segmentation", str(SCAN_CAPTURE), "--site", str(DATA / "zones.yaml"))
    assert r.returncode == 0, r.stderr
    assert "1001 flows in 2 groups" in r.stdout
    scan = [line for line in r.stdout.splitlines() if "office-01" in line]
    assert len(scan) == 2 and "1-1000" in scan[0] and "1000" in scan[0].split("1-1000")[1]
    # the exposure path of the same scan is one line too, its ports collapsed
    assert [x for x in r.stdout.splitlines() if x.startswith("direct")] == [
        "direct  127.0.6.17 (office) -> 127.0.6.9 (cell)  modbus, tcp 1-1000"
    ]


def test_every_continuity_listing_has_csv(tmp_path: Path) -> None:
    spof = csv_of(run(tmp_path, "spof", "--pairs", "--csv", "--site", str(DATA / "spof30.yaml")))
    assert [r["name"] for r in spof[:3]] == ["core-sw", "hmi-1", "plc-1"]
    assert any(r["#"] == "pair" and r["name"] == "scada-a + scada-b" for r in spof)
    life = csv_of(
        run(tmp_path, "lifecycle", "--at", "2025-01-01", "--csv", "--site", str(DATA / "lifecycle.yaml"))
    )
    assert {r["scope"] for r in life} == {"zone", "line"} and all(
        r["legacy share"].endswith("%") for r in life
    )
    args = ("dependencies", str(ZONES_CAPTURE), "--csv", "--site", str(DATA / "zones.yaml"))
    deps = csv_of(run(tmp_path, *args))
    assert sum(r["status"] == "observed, not declared" for r in deps) == 5
    assert any(r["status"] == "declared, not observed" and r["requires"] == "sis-01" for r in deps)


@pytest.mark.parametrize("command", ["spof", "raci", "lifecycle"])
def test_json_and_csv_exclude_each_other(tmp_path: Path, command: str) -> None:
    r = run(tmp_path, command, "--json", "--csv", "--site", str(DAIRY))
    assert r.returncode == 2 and r.stderr.strip().endswith("give --json or --csv, not both")
    assert "Traceback" not in r.stderr


def test_tables_never_cut_a_name_and_wide_keeps_rows_whole(tmp_path: Path) -> None:
    env = {**os.environ, "COLUMNS": "60"}
    cmd = [sys.executable, "-m", "plantwarden", "spof", "--site", str(DAIRY), "--db", str(tmp_path / "pw.db")]
    narrow = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=60, env=env)
    assert narrow.returncode == 0, narrow.stderr
    assert "…" not in narrow.stdout
    words = set(narrow.stdout.split())
    for name in ("sw-ctrl-01", "reception-processing", "30,000"):
        assert name in words
    wide = subprocess.run([*cmd, "--wide"], capture_output=True, text=True, check=False, timeout=60, env=env)
    line = next(x for x in wide.stdout.splitlines() if "sw-ctrl-01" in x)
    assert "filling" in line and "packaging" in line and "reception-processing" in line
