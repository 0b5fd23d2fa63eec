"""``plantwarden incident ...`` end to end through the real CLI: the happy path, and bad input
(unknown alert, a decision on a closed incident, an override without a reason, ...) as one line,
exit 2, nothing stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plantwarden.cli.app import main
from plantwarden.incidents.service import list_incidents
from plantwarden.people import audit

from .helpers import plc_stop


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_line(result: tuple[int, str, str], *words: str) -> None:
    code, _, err = result
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    for word in words:
        assert word in err, err


def state(db: str) -> tuple[object, ...]:
    return tuple(i.as_dict() for i in list_incidents(db, None)), len(audit.entries(db))


def test_the_commands(demo_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = demo_db
    ev = str(tmp_path / "ev")
    code, out, err = run(
        [
            "incident",
            "open",
            "--alert",
            plc_stop(db),
            "--by",
            "jonas",
            "--why",
            "PLC in STOP",
            "--evidence-dir",
            ev,
            "--db",
            db,
        ],
        capsys,
    )
    assert code == 0 and "opened INC-1" in out and "sha256" in out, err
    code, out, _ = run(["incident", "show", "INC-1", "--db", db], capsys)
    assert code == 0 and "1. Safety gate" in out and "[containment.isolate-target]" in out
    code, out, _ = run(["incident", "show", "1", "--json", "--db", db], capsys)
    doc = json.loads(out)
    assert doc["schema"] == "plantwarden.incident/1" and doc["playbook"]["safety_gate"]["deciders"] == [
        "ehs-officer"
    ]
    steps = [
        ["decide", "1", "safety.clear", "--by", "Markus Braun", "--why", "SIS healthy"],
        [
            "decide",
            "1",
            "containment.block-source",
            "--by",
            "plant-manager",
            "--why",
            "cut the EWS at fw-cell",
        ],
        ["note", "1", "integrator says nobody of theirs was connected", "--by", "lea"],
    ]
    for argv in steps:
        code, _, err = run(["incident", *argv, "--db", db], capsys)
        assert code == 0, err
    code, out, _ = run(["incident", "list", "--csv", "--db", db], capsys)
    assert out.splitlines()[1].startswith("INC-1,critical,contained,")
    page = tmp_path / "inc1.html"
    assert (
        run(["incident", "export", "1", "--format", "html", "--out", str(page), "--db", db], capsys)[0] == 0
    )
    assert (
        run(["incident", "export", "1", "--format", "html", "--out", str(page), "--db", db], capsys)[0] == 0
    )
    foreign = tmp_path / "notes.txt"
    foreign.write_text("mine")
    one_line(
        run(["incident", "export", "1", "--out", str(foreign), "--db", db], capsys), "refusing to overwrite"
    )
    assert foreign.read_text() == "mine"


def test_bad_input_is_one_line_exit_2_and_stores_nothing(
    demo_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = demo_db
    ev = tmp_path / "ev"
    before = state(db)
    one_line(
        run(
            [
                "incident",
                "open",
                "--alert",
                "Anope",
                "--by",
                "x",
                "--why",
                "y",
                "--evidence-dir",
                str(ev),
                "--db",
                db,
            ],
            capsys,
        ),
        "no alert 'Anope'",
    )
    assert state(db) == before and not ev.exists()
    assert (
        run(
            [
                "incident",
                "open",
                "--alert",
                plc_stop(db),
                "--by",
                "x",
                "--why",
                "y",
                "--db",
                db,
                "--evidence-dir",
                str(ev),
            ],
            capsys,
        )[0]
        == 0
    )
    before = state(db)
    one_line(
        run(
            [
                "incident",
                "decide",
                "1",
                "safety.clear",
                "--by",
                "ehs-officer",
                "--why",
                "ok",
                "--override",
                "",
                "--db",
                db,
            ],
            capsys,
        ),
        "--override needs its reason",
    )
    one_line(
        run(
            [
                "incident",
                "decide",
                "1",
                "containment.isolate-target",
                "--by",
                "jonas",
                "--why",
                "now",
                "--db",
                db,
            ],
            capsys,
        ),
        "needs --override REASON",
        "D1",
    )
    one_line(
        run(["incident", "decide", "INC-7", "safety.clear", "--by", "x", "--why", "y", "--db", db], capsys),
        "no incident INC-7",
    )
    assert state(db) == before
    assert (
        run(["incident", "close", "1", "--by", "x", "--why", "planned stop after all", "--db", db], capsys)[0]
        == 0
    )
    before = state(db)
    one_line(
        run(["incident", "decide", "1", "cause.fault", "--by", "x", "--why", "y", "--db", db], capsys),
        "is closed",
    )
    one_line(run(["incident", "note", "1", "late", "--by", "x", "--db", db], capsys), "is closed")
    one_line(run(["incident", "list", "--state", "done", "--db", db], capsys), "unknown state 'done'")
    assert state(db) == before


def test_an_exercise_stores_nothing_unless_asked(demo_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    before = state(demo_db)
    code, out, _ = run(
        ["incident", "exercise", "--asset", "plc-proc", "--scenario", "ransomware-it", "--db", demo_db],
        capsys,
    )
    assert code == 0 and "[containment.separate-it-ot]" in out
    assert state(demo_db) == before
    one_line(
        run(["incident", "exercise", "--asset", "plc-proc", "--scenario", "flood", "--db", demo_db], capsys),
        "unknown scenario 'flood'",
    )
    one_line(
        run(
            [
                "incident",
                "exercise",
                "--asset",
                "plc-proc",
                "--scenario",
                "ransomware-it",
                "--store",
                "--db",
                demo_db,
            ],
            capsys,
        ),
        "--store needs --by",
    )
    code, out, _ = run(
        [
            "incident",
            "exercise",
            "--asset",
            "plc-proc",
            "--scenario",
            "ransomware-it",
            "--store",
            "--by",
            "anna",
            "--why",
            "Q4 tabletop",
            "--db",
            demo_db,
        ],
        capsys,
    )
    assert code == 0 and "stored as INC-1" in out
    (stored,) = list_incidents(demo_db, None)
    assert stored.document["scenario"] == "ransomware-it" and stored.source == "qa-ws-01"


def test_an_exercise_on_a_missing_store_creates_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.conftest import ROOT

    db = tmp_path / "none.db"
    site = ROOT / "examples" / "dairy" / "site.yaml"
    code, out, err = run(
        [
            "incident",
            "exercise",
            "--asset",
            "sis-01",
            "--scenario",
            "unauthorized-command",
            "--site",
            str(site),
            "--db",
            str(db),
        ],
        capsys,
    )
    assert code == 0 and "G1: the target sis-01 is a safety system" in out, err
    assert not db.exists()
