"""The commands end to end: detect with --learn-for and --out, alerts, alert ack, baseline export/import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plantwarden.cli.app import main

from .helpers import MODBUS_SCENARIO


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_detect_alerts_and_lifecycle(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "s.db")
    out_json = tmp_path / "alerts.json"
    code, _, err = run(
        ["detect", str(MODBUS_SCENARIO), "--learn-for", "8s", "--db", db, "--out", str(out_json)], capsys
    )
    assert code == 0, err
    doc = json.loads(out_json.read_text())
    assert doc["schema"] == "plantwarden.detect/1" and doc["baseline_version"] == 1
    write = next(a for a in doc["alerts"] if a["rule"] == "write-from-new-host")
    code, _, _ = run(["alert", "ack", write["id"], "--by", "ana", "--why", "checking", "--db", db], capsys)
    assert code == 0
    code, out, _ = run(["alerts", "--json", "--state", "acknowledged", "--db", db], capsys)
    assert [a["id"] for a in json.loads(out)["alerts"]] == [write["id"]]
    code, _, err = run(["alerts", "--state", "bogus", "--db", db], capsys)
    assert code == 2 and "bogus" in err


def test_baseline_learn_export_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "s.db")
    code, out, _ = run(["baseline", "learn", str(MODBUS_SCENARIO), "--db", db], capsys)
    assert code == 0 and "version 1" in out
    path = tmp_path / "b.yaml"
    assert run(["baseline", "export", str(path), "--db", db], capsys)[0] == 0
    code, out, _ = run(["baseline", "import", str(path), "--db", db], capsys)
    assert code == 0 and "version 2" in out
    code, _, err = run(["baseline", "show", "--version", "7", "--db", db], capsys)
    assert code == 2 and "no baseline version 7" in err
