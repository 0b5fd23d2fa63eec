"""One output convention (issue 18, item 1): ``--json`` is a flag writing to stdout, ``--out
FILE`` writes a file and never replaces a capture or a file plantwarden did not write.

``analyze --json victim.pcap incidents.pcap`` used to write the JSON over ``victim.pcap``
(exit 0). Every test runs the command as a user would, in a subprocess, and checks the
user's files byte for byte afterwards.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA

MODBUS = DATA / "captures" / "modbus-pymodbus.pcap"
S7 = DATA / "captures" / "s7comm-snap7.pcap"
DETECT = DATA / "captures" / "detect-modbus.pcap"


def run(*args: str, cwd: Path, stdin: int | None = subprocess.DEVNULL) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PLANTWARDEN_DB", "PLANTWARDEN_DEBUG")}
    return subprocess.run(
        [sys.executable, "-m", "plantwarden", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env=env,
        stdin=stdin,
        timeout=300,
    )


def one_error_line(r: subprocess.CompletedProcess[str]) -> str:
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    return lines[0]


@pytest.fixture
def victims(tmp_path: Path) -> tuple[Path, Path]:
    """Two captures of the user's, copied where the command runs."""
    a, b = tmp_path / "victim.pcap", tmp_path / "incidents.pcap"
    shutil.copy(MODBUS, a)
    shutil.copy(S7, b)
    return a, b


def test_json_before_two_captures_analyses_both_and_overwrites_neither(
    tmp_path: Path, victims: tuple[Path, Path]
) -> None:
    a, b = victims
    before = (a.read_bytes(), b.read_bytes())
    r = run("analyze", "--json", str(a), str(b), "--db", "pw.db", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (a.read_bytes(), b.read_bytes()) == before
    doc = json.loads(r.stdout)
    assert doc["schema"] == "plantwarden.analyze/1"
    assert [c["name"] for c in doc["captures"]] == ["victim.pcap", "incidents.pcap"]


@pytest.mark.parametrize("command", ["analyze", "detect"])
def test_out_over_a_capture_is_refused_before_any_work(
    command: str, tmp_path: Path, victims: tuple[Path, Path]
) -> None:
    a, b = victims
    before = a.read_bytes()
    r = run(command, str(b), "--out", str(a), "--db", "pw.db", cwd=tmp_path)
    line = one_error_line(r)
    assert line == (
        f"plantwarden: error: --out {a}: refusing to overwrite: {a} is a capture (pcap) "
        "(use --force to replace it)"
    )
    assert a.read_bytes() == before
    assert r.stdout == ""
    assert not (tmp_path / "pw.db").exists()  # nothing analysed, no store made


@pytest.mark.parametrize("command", ["analyze", "detect"])
def test_out_over_a_foreign_file_needs_force(
    command: str, tmp_path: Path, victims: tuple[Path, Path]
) -> None:
    _, b = victims
    notes = tmp_path / "notes.txt"
    notes.write_text("the shift log\n")
    line = one_error_line(run(command, str(b), "--out", str(notes), "--no-store", cwd=tmp_path))
    assert "is not a plantwarden document" in line
    assert notes.read_text() == "the shift log\n"
    r = run(command, str(b), "--out", str(notes), "--no-store", "--force", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert json.loads(notes.read_text())["schema"].startswith("plantwarden.")


def test_out_writes_the_document_and_may_replace_its_own(tmp_path: Path, victims: tuple[Path, Path]) -> None:
    a, _ = victims
    out = tmp_path / "analysis.json"
    for _ in range(2):  # the second run replaces what the first wrote: a plantwarden document
        r = run("analyze", str(a), "--out", str(out), "--no-store", cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        assert "victim.pcap" in r.stdout  # the summary stays on the terminal
        doc = json.loads(out.read_text())
        assert doc["schema"] == "plantwarden.analyze/1" and doc["captures"][0]["name"] == "victim.pcap"


def test_out_naming_one_of_the_captures_is_refused_even_with_force(
    tmp_path: Path, victims: tuple[Path, Path]
) -> None:
    a, _ = victims
    before = a.read_bytes()
    line = one_error_line(run("analyze", str(a), "--out", str(a), "--force", "--no-store", cwd=tmp_path))
    assert "one of the captures to analyse" in line
    assert a.read_bytes() == before


def test_out_into_a_directory_is_refused(tmp_path: Path, victims: tuple[Path, Path]) -> None:
    a, _ = victims
    line = one_error_line(
        run("analyze", str(a), "--out", str(tmp_path), "--force", "--no-store", cwd=tmp_path)
    )
    assert "is a directory" in line


def test_json_is_a_flag_on_detect(tmp_path: Path) -> None:
    r = run("detect", str(DETECT), "--learn-for", "8s", "--json", "--db", "pw.db", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["schema"] == "plantwarden.detect/1" and doc["alerts"]


def test_stdin_from_a_terminal_is_a_usage_error_not_a_hang(tmp_path: Path) -> None:
    """``analyze CAPTURE --json -`` (the old form) now reads a capture from stdin: on a
    terminal that would wait for ever, so it is refused with the new form named."""
    import pty

    leader, follower = pty.openpty()
    try:
        r = run("analyze", str(MODBUS), "--json", "-", "--no-store", cwd=tmp_path, stdin=follower)
    finally:
        os.close(leader)
        os.close(follower)
    line = one_error_line(r)
    assert "stdin, which is a terminal" in line and "--out FILE" in line


def test_detect_jsonl_appends_to_its_own_log_and_never_to_a_capture(tmp_path: Path) -> None:
    log = tmp_path / "alerts.jsonl"
    db = str(tmp_path / "s.db")
    first = run("detect", str(DETECT), "--learn-for", "2s", "--jsonl", str(log), "--db", db, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    lines = log.read_text().splitlines()
    assert lines and all(json.loads(x)["schema"].startswith("plantwarden.alert/") for x in lines)
    again = run("detect", str(DETECT), "--learn-for", "2s", "--jsonl", str(log), "--db", db, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert len(log.read_text().splitlines()) > len(lines)  # our own log: appended to
    victim = tmp_path / "victim.pcap"
    shutil.copy(MODBUS, victim)
    line = one_error_line(run("detect", str(DETECT), "--jsonl", str(victim), "--db", db, cwd=tmp_path))
    assert "--jsonl" in line and "is a capture" in line
    assert victim.read_bytes() == MODBUS.read_bytes()


def test_demo_refuses_a_foreign_report_file_before_any_work(tmp_path: Path) -> None:
    mine = tmp_path / "demo-report.html"
    mine.write_text("<html>my own notes</html>")
    line = one_error_line(run("demo", "--db", str(tmp_path / "d.db"), cwd=tmp_path))
    assert "demo-report.html" in line and "not a plantwarden document" in line
    assert mine.read_text() == "<html>my own notes</html>" and not (tmp_path / "d.db").exists()


def test_baseline_export_never_over_a_capture(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    learn = run("baseline", "learn", str(MODBUS), "--db", db, cwd=tmp_path)
    assert learn.returncode == 0, learn.stderr
    victim = tmp_path / "victim.yaml"
    shutil.copy(MODBUS, victim)
    line = one_error_line(run("baseline", "export", str(victim), "--db", db, cwd=tmp_path))
    assert "is a capture" in line and victim.read_bytes() == MODBUS.read_bytes()
    mine = tmp_path / "b.yaml"
    for _ in range(2):  # its own YAML carries the generator mark: replaced without --force
        r = run("baseline", "export", str(mine), "--db", db, cwd=tmp_path)
        assert r.returncode == 0, r.stderr
    assert mine.read_text().startswith("# generated by plantwarden")
