"""``export --out`` and ``site schema --out`` never replace a capture or a file plantwarden did
not write (cli.outfile), but do replace their own output; through the real CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from plantwarden.cli.outfile import refusal
from tests.inventory.helpers import GENERATED

CAPTURE = GENERATED / "modbus-pymodbus.pcap"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "plantwarden", *args]
    return subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=120)


def refused(r: subprocess.CompletedProcess[str], why: str) -> None:
    assert r.returncode == 2, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert why in r.stderr and "--force" in r.stderr


COMMANDS = {
    "export json": ["export", "json", str(CAPTURE)],
    "export cyclonedx": ["export", "cyclonedx", str(CAPTURE)],
    "export csv": ["export", "csv", str(CAPTURE)],
    "site schema": ["site", "schema"],
}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_capture_is_never_replaced(name: str, tmp_path: Path) -> None:
    victim = tmp_path / "victim.json"
    shutil.copy(CAPTURE, victim)
    refused(run(*COMMANDS[name], "--out", str(victim)), "is a capture (pcap)")
    assert victim.read_bytes() == CAPTURE.read_bytes()


@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_foreign_file_needs_force(name: str, tmp_path: Path) -> None:
    notes = tmp_path / "notes.json"
    notes.write_text('{"my": "notes"}\n')
    refused(run(*COMMANDS[name], "--out", str(notes)), "not a plantwarden document")
    assert notes.read_text() == '{"my": "notes"}\n'
    r = run(*COMMANDS[name], "--out", str(notes), "--force")
    assert r.returncode == 0, r.stderr
    assert notes.read_text() != '{"my": "notes"}\n'


@pytest.mark.parametrize("name", ["export json", "export cyclonedx", "site schema"])
def test_its_own_output_is_replaced_without_force(name: str, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    assert run(*COMMANDS[name], "--out", str(target)).returncode == 0
    assert refusal(target) is None
    r = run(*COMMANDS[name], "--out", str(target))
    assert r.returncode == 0, r.stderr


def test_the_marked_bom_is_still_a_valid_cyclonedx_1_6_bom(tmp_path: Path) -> None:
    target = tmp_path / "bom.json"
    assert run(*COMMANDS["export cyclonedx"], "--out", str(target)).returncode == 0
    text = target.read_text()
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    doc = json.loads(text)
    assert list(doc)[:6] == ["$schema", "bomFormat", "specVersion", "serialNumber", "version", "metadata"]
    assert doc["components"]
