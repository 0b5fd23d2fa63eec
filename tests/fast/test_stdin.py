"""Standard input goes through the fast engine too, with the same result as the file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from plantwarden.analyze.pipeline import analyze_capture

CAPTURE = Path(__file__).resolve().parents[2] / "tests" / "data" / "captures" / "s7comm-snap7.pcap"


def test_stdin_equals_file() -> None:
    with CAPTURE.open("rb") as f:
        cmd = [sys.executable, "-m", "plantwarden", "analyze", "--no-store", "--json", "-"]
        run = subprocess.run(cmd, stdin=f, capture_output=True, check=True)
    piped = json.loads(run.stdout)["captures"][0]
    file = analyze_capture(CAPTURE, engine="fast").doc
    assert piped["sampling"]["engine"] == "fast"
    assert piped["name"] == "-" and piped["sha256_of"] == "analysis"  # a stream has no file hash
    for key in ("packets", "bytes", "hosts", "conversations", "protocols", "flows", "size"):
        assert piped[key] == file[key], key


@pytest.mark.parametrize("engine", ["fast", "python"])
@pytest.mark.parametrize("name", ["s7comm-snap7.pcap", "detect-modbus.pcap"])
def test_gzip_on_stdin_equals_the_uncompressed_file(engine: str, name: str) -> None:
    """``gzip -c x.pcap | plantwarden analyze -`` was refused as damaged gzip data (issue 18)."""
    capture = CAPTURE.parent / name
    squeezed = subprocess.run(["gzip", "-c", str(capture)], capture_output=True, check=True).stdout
    cmd = [sys.executable, "-m", "plantwarden", "analyze", "--no-store", "--json", "--engine", engine, "-"]
    run = subprocess.run(cmd, input=squeezed, capture_output=True, check=False)
    assert run.returncode == 0, run.stderr
    piped = json.loads(run.stdout)["captures"][0]
    file = analyze_capture(capture, engine=engine).doc
    assert piped["skipped"] == []
    for key in (
        "packets",
        "bytes",
        "hosts",
        "conversations",
        "protocols",
        "flows",
        "anomalies",
        "identities",
    ):
        assert piped[key] == file[key], key
