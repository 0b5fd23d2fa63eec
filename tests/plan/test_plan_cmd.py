"""``plantwarden plan`` on a SQLite store: the run is stored, pins are kept and audited, changes
are shown; bad input is one line naming the item, exit 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from plantwarden.cli.app import main
from tests.plan.helpers import site

ROOT = Path(__file__).resolve().parents[2]
DAIRY = ROOT / "examples" / "dairy" / "site.yaml"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    args = ["--db", str(tmp_path / "s.db")]
    assert run(["site", "load", str(DAIRY), *args], capsys)[0] == 0
    assert run(["vulns", "match", *args], capsys)[0] == 0
    return args


def _plan(db: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code, out, err = run(["plan", "--json", *db], capsys)
    assert code == 0, err
    return dict(json.loads(out))


def test_the_dairy_plan_explains_every_item_and_keeps_a_pin(
    db: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    first = _plan(db, capsys)
    at = {i["id"]: i["window"] for i in first["items"]}
    assert all(i["why"] for i in first["items"])
    # the SCADA pair is 1 of 2: never both in one window
    assert at["scada-a"] != at["scada-b"]
    assert first["status"] == "optimal" and first["changes"] == []
    # mitigate-only items (no vendor fix) have a control with an owner
    controls = {c["item"]: c for c in first["controls"]}
    assert controls["sw-ctrl-01"]["owner"].startswith("ot-automation")
    # pin scada-a into the window scada-b had: the next plan keeps the pin and shows the change
    target = at["scada-b"]
    code, _, err = run(
        ["plan", "pin", "scada-a", "--window", target, "--by", "anna", "--why", "vendor on site", *db], capsys
    )
    assert code == 0, err
    second = _plan(db, capsys)
    now = {i["id"]: i["window"] for i in second["items"]}
    assert now["scada-a"] == target and now["scada-b"] != target
    assert {c["item"] for c in second["changes"]} == {"scada-a", "scada-b"}
    code, out, _ = run(["audit", "--json", *db], capsys)
    assert "plan.pin" in out
    code, out, _ = run(["plan", "show", "--json", *db], capsys)
    assert json.loads(out)["run"] == second["run"]
    ics = tmp_path / "plan.ics"
    assert run(["plan", "ics", "--out", str(ics), *db], capsys)[0] == 0
    text = ics.read_text()
    assert text.startswith("BEGIN:VCALENDAR") and text.count("BEGIN:VEVENT") == len(second["windows"])


def test_an_unknown_asset_in_a_pin_is_one_line_exit_2(
    db: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        ["plan", "pin", "plc-nowhere", "--window", "x", "--by", "a", "--why", "b", *db], capsys
    )
    assert code == 2 and "plc-nowhere" in err and "Traceback" not in err + out
    assert len(err.strip().splitlines()) == 1


def _store_with(tmp_path: Path, capsys: pytest.CaptureFixture[str], doc: dict[str, Any]) -> list[str]:
    path = tmp_path / "site.yaml"
    path.write_text(yaml.safe_dump(doc))
    args = ["--db", str(tmp_path / "t.db")]
    code, _, err = run(["site", "load", str(path), *args], capsys)
    assert code == 0, err
    return args


def test_a_cyclic_upgrade_order_is_one_line_naming_the_item_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # lifecycle items: both assets' support ended, so both have an item
    doc = site(
        remediation={
            "order": [{"first": "hmi-fill", "then": "plc-pack"}, {"first": "plc-pack", "then": "hmi-fill"}]
        }
    )
    for a in doc["assets"]:
        a["end_of_support"] = "2020-01-01"
    args = _store_with(tmp_path, capsys, doc)
    code, _, err = run(["plan", *args], capsys)
    assert code == 2 and "cyclic upgrade order" in err and "hmi-fill" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_a_window_shorter_than_an_item_is_one_line_naming_the_item_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = site(remediation={"assets": {"plc-pack": {"duration_hours": 9}}})
    doc["assets"][2]["end_of_support"] = "2020-01-01"
    doc["maintenance_windows"] = [
        {
            "name": "night",
            "recurring": {"every": "1 week", "on": "sunday", "start": "22:00", "end": "02:00"},
            "lines": ["packing"],
        }
    ]
    args = _store_with(tmp_path, capsys, doc)
    code, _, err = run(["plan", *args], capsys)
    assert code == 2 and "plc-pack takes 9 h" in err and "4 h" in err and "Traceback" not in err
