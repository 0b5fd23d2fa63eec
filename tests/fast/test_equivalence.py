"""The fast engine's document equals the pure-Python engine's on every capture we have."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from plantwarden.analyze.pipeline import analyze_capture
from plantwarden.capture.pcap import parse_header, pcap_magic
from plantwarden.capture.pcapng_blocks import SHB_MAGIC
from plantwarden.fast import backlog, inputs, layout, tables

ROOT = Path(__file__).resolve().parents[2]
CAPTURES = sorted(
    p
    for d in (
        ROOT.parent / "shared" / "captures",
        ROOT / "tests" / "data" / "captures",
        ROOT / "tests" / "data" / "captures" / "public",
        ROOT / "examples" / "dairy" / "captures",
    )
    if d.is_dir()
    for p in d.iterdir()
    if p.suffix in (".pcap", ".pcapng")
)
EXACT = (
    "packets",
    "bytes",
    "first_ts",
    "last_ts",
    "hosts",
    "conversations",
    "protocols",
    "flows",
    "skipped",
    "anomaly_counts",
    "edges",
    "decode_notes",
    "sha256",
    "size",
)


def _identities(doc: dict[str, Any]) -> set[str]:
    return {json.dumps([i["address"], i["proto"], i["fields"]], sort_keys=True) for i in doc["identities"]}


@cache
def _python(capture: Path) -> dict[str, Any]:
    return analyze_capture(capture, engine="python").doc


def _same(fast: dict[str, Any], python: dict[str, Any]) -> None:
    for key in EXACT:
        assert fast[key] == python[key], key
    assert _identities(fast) == _identities(python)


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda p: p.name)
def test_fast_equals_python(capture: Path) -> None:
    python = _python(capture)
    fast = analyze_capture(capture, engine="fast").doc
    _same(fast, python)
    head = capture.read_bytes()[:24]
    ethernet_pcap = pcap_magic(head) is not None and parse_header(head).linktype == 1
    kernel_input = ethernet_pcap or head[:4] == SHB_MAGIC  # pcapng: every link type (fast.ngrun.NgRun)
    assert fast["sampling"]["engine"] == ("fast" if kernel_input else "python")


# The captures with the most flows, hosts and conversations.
BUSY = [p for p in CAPTURES if p.stem in ("normal", "incidents", "mixed-emre-104deneme2",
                                          "attack-lemay-moving_two_files_modbus_6RTU", "detect-ops")]


def _small(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables that start at 8 slots, an event table of 1,024 rows, chunks of 300,000 bytes and
    a backlog of 64 KiB: every kernel table grows many times, the kernel stops for Python to
    drain its events every few hundred packets, records are carried across chunks, and the
    kernel thread waits for the Python side."""
    monkeypatch.setattr(tables, "START_CAP", 8)
    monkeypatch.setattr(tables, "EVENT_CAP", 1024)
    monkeypatch.setattr(layout, "CHUNK", 300_000)
    monkeypatch.setattr(backlog, "MAX_BYTES", 64 << 10)


@pytest.mark.parametrize("capture", BUSY, ids=lambda p: p.name)
def test_fast_equals_python_when_every_table_grows(capture: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A mapped file, through every path (walk, expiry, the end of the capture) that can fill
    a table, with the small settings of ``_small``."""
    _small(monkeypatch)
    fast = analyze_capture(capture, engine="fast").doc
    assert fast["sampling"]["engine"] == "fast"
    _same(fast, _python(capture))


@pytest.mark.parametrize("capture", BUSY[:2], ids=lambda p: p.name)
def test_stream_in_small_chunks_equals_python(capture: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same through a stream that cannot be mapped (a pipe, stdin): read into a buffer."""
    _small(monkeypatch)
    monkeypatch.setattr(inputs, "map_file", lambda f: None)
    fast = analyze_capture(capture, engine="fast").doc
    python = _python(capture)
    assert fast["sampling"]["engine"] == "fast"
    _same(fast, python)


def test_the_busy_captures_are_there() -> None:
    assert len(BUSY) == 5


def test_there_are_captures_to_compare() -> None:
    assert len(CAPTURES) >= 20


def test_environment_variable_forces_python(monkeypatch: pytest.MonkeyPatch) -> None:
    capture = ROOT / "tests" / "data" / "captures" / "modbus-pymodbus.pcap"
    monkeypatch.setenv("PLANTWARDEN_ENGINE", "python")
    assert analyze_capture(capture).doc["sampling"] == {"engine": "python"}
    monkeypatch.setenv("PLANTWARDEN_ENGINE", "fast")
    assert analyze_capture(capture).doc["sampling"]["engine"] == "fast"
