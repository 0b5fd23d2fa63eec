"""``compliance``, ``compliance attest`` and ``assess provider`` from the command line, on a
store made by the real commands (``site load``, ``analyze`` of the zones capture)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from plantwarden.cli.app import main

ROOT = Path(__file__).resolve().parents[2]
ZONES_SITE = ROOT / "tests" / "continuity" / "data" / "zones.yaml"
ZONES_CAPTURE = ROOT / "tests" / "data" / "captures" / "continuity-zones.pcap"
PROVIDER = ROOT / "examples" / "provider.yaml"
STATUSES = {"satisfied", "not satisfied", "partly", "not enough evidence", "not assessed by plantwarden"}


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("plantwarden: error: "), err
    return lines[0]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("compliance") / "made.db"
    for argv in (
        ["site", "load", str(ZONES_SITE), "--db", str(db)],
        ["analyze", str(ZONES_CAPTURE), "--db", str(db)],
    ):
        try:
            main(argv)
        except SystemExit as exc:
            assert not exc.code, argv
    return db


@pytest.fixture
def db(template: Path, tmp_path: Path) -> str:
    copy = tmp_path / "store.db"
    shutil.copy(template, copy)
    return str(copy)


def test_json_gives_every_requirement_a_status(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    for framework, count in (("iec62443-3-3", 51), ("nist-csf-2.0", 106), ("cisa-cpg", 38)):
        code, out, _ = run(["compliance", "--framework", framework, "--json", "--db", db], capsys)
        doc = json.loads(out)
        assert code == 0 and doc["schema"] == "plantwarden.compliance/1"
        assert len(doc["requirements"]) == count and {r["status"] for r in doc["requirements"]} <= STATUSES
        assert sum(doc["counts"].values()) == count


def test_the_text_names_the_weakest_areas(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["compliance", "--db", db], capsys)
    assert code == 0 and "Weakest areas" in out and "SR 5.1" in out


def test_zone_keeps_that_zones_evidence(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["compliance", "--zone", "sis", "--json", "--db", db], capsys)
    zones = {e["zone"] for r in json.loads(out)["requirements"] for e in r["evidence"]}
    assert code == 0 and zones <= {"sis", None}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["compliance", "--framework", "iso27001"], "unknown framework 'iso27001'"),
        (["compliance", "--zone", "nowhere"], "no such zone (zones: ops, cell, sis, office, dmz)"),
        (["compliance", "--at", "2026-13-01"], "is not a date"),
        (["compliance", "attest", "SR 1.1", "--why", "AD policy"], "a statement needs its author"),
        (["compliance", "attest", "SR 9.9", "--by", "Ann", "--why", "x"], "no requirement 'SR 9.9'"),
    ],
)
def test_bad_input_is_one_line_exit_2(
    argv: list[str], message: str, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run([*argv, "--db", db], capsys)
    assert code == 2 and message in one_error_line(err)


def test_no_store_is_refused_and_none_created(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "none.db"
    code, _, err = run(["compliance", "--db", str(missing)], capsys)
    assert code == 2 and "no plantwarden store" in one_error_line(err) and not missing.exists()


def test_a_statement_is_stored_and_shown(db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    proof = tmp_path / "policy.txt"
    proof.write_text("named accounts only", encoding="utf-8")
    code, out, _ = run(
        [
            "compliance",
            "attest",
            "SR 1.1",
            "--by",
            "Ann",
            "--why",
            "AD policy",
            "--file",
            str(proof),
            "--db",
            db,
        ],
        capsys,
    )
    assert code == 0 and "statement on iec62443-3-3:SR 1.1 by Ann stored" in out
    _, out, _ = run(["compliance", "--json", "--db", db], capsys)
    sr11 = next(r for r in json.loads(out)["requirements"] if r["id"] == "SR 1.1")
    assert sr11["status"] == "not assessed by plantwarden" and sr11["statements"][0]["file"] == "policy.txt"
    _, out, _ = run(["audit", "--json", "--db", db], capsys)
    assert "compliance.attest" in out
    # --db given before the sub-command counts for it too
    assert (
        run(["compliance", "--db", db, "attest", "2.F", "--by", "Bo", "--why", "firewall review"], capsys)[0]
        == 0
    )
    _, out, _ = run(["compliance", "--framework", "cisa-cpg", "--json", "--db", db], capsys)
    assert next(r for r in json.loads(out)["requirements"] if r["id"] == "2.F")["statements"][0]["by"] == "Bo"


def test_html_and_oscal_files(db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    page, first, second = tmp_path / "c.html", tmp_path / "a.json", tmp_path / "b.json"
    assert (
        run(
            ["compliance", "--out", str(page), "--oscal", str(first), "--at", "2026-11-22", "--db", db],
            capsys,
        )[0]
        == 0
    )
    assert run(["compliance", "--oscal", str(second), "--at", "2026-11-22", "--db", db], capsys)[0] == 0
    assert first.read_bytes() == second.read_bytes()
    assert json.loads(first.read_text())["assessment-results"]["metadata"]["oscal-version"] == "1.2.1"
    html = page.read_text(encoding="utf-8")
    assert 'content="generated by plantwarden"' in html and "SR 5.1" in html and "Weakest areas" in html
    assert run(["compliance", "--out", str(page), "--db", db], capsys)[0] == 0  # ours: replaced
    theirs = tmp_path / "notes.html"
    theirs.write_text("<p>mine</p>", encoding="utf-8")
    code, _, err = run(["compliance", "--out", str(theirs), "--db", db], capsys)
    assert (
        code == 2 and "refusing to overwrite" in one_error_line(err) and theirs.read_text() == "<p>mine</p>"
    )


def test_provider_against_the_stored_plant(
    db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(["assess", "provider", str(PROVIDER), "--json", "--db", db], capsys)
    doc = json.loads(out)
    assert code == 0 and doc["schema"] == "plantwarden.provider-assessment/1"
    assert doc["plant"]["protocols"] == {
        "modbus": doc["plant"]["protocols"]["modbus"],
        "opcua": doc["plant"]["protocols"]["opcua"],
    }
    assert doc["scores"][1]["score"] == 3  # both of the plant's protocols claimed
    assert "the plant has safety zones (sis); no safety-critical experience claimed" in doc["gaps"]
    page = tmp_path / "p.html"
    assert run(["assess", "provider", str(PROVIDER), "--out", str(page), "--db", db], capsys)[0] == 0
    assert "Nordlicht OT Services" in page.read_text(encoding="utf-8")


def test_provider_malformed_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        PROVIDER.read_text(encoding="utf-8").replace("mfa: true", "mfa: sometimes"), encoding="utf-8"
    )
    code, _, err = run(["assess", "provider", str(bad), "--db", str(tmp_path / "none.db")], capsys)
    line = one_error_line(err)
    assert code == 2 and "bad.yaml:" in line and "capabilities.remote_access.mfa" in line
