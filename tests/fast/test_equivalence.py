"""The fast engine's document equals the pure-Python engine's on every capture we have."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from plantwarden.analyze.pipeline import analyze_capture
from plantwarden.capture.pcap import parse_header, pcap_magic

ROOT = Path(__file__).resolve().parents[2]
CAPTURES = sorted(
    p
    for d in (
        ROOT.parent / "shared" / "captures",
        ROOT / "tests" / "data" / "captures",
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


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda p: p.name)
def test_fast_equals_python(capture: Path) -> None:
    python = analyze_capture(capture, engine="python").doc
    fast = analyze_capture(capture, engine="fast").doc
    for key in EXACT:
        assert fast[key] == python[key], key
    assert _identities(fast) == _identities(python)
    head = capture.read_bytes()[:24]
    kernel_input = pcap_magic(head) is not None and parse_header(head).linktype == 1  # Ethernet pcap
    assert fast["sampling"]["engine"] == ("fast" if kernel_input else "python")


def test_there_are_captures_to_compare() -> None:
    assert len(CAPTURES) >= 20


def test_environment_variable_forces_python(monkeypatch: pytest.MonkeyPatch) -> None:
    capture = ROOT / "tests" / "data" / "captures" / "modbus-pymodbus.pcap"
    monkeypatch.setenv("PLANTWARDEN_ENGINE", "python")
    assert analyze_capture(capture).doc["sampling"] == {"engine": "python"}
    monkeypatch.setenv("PLANTWARDEN_ENGINE", "fast")
    assert analyze_capture(capture).doc["sampling"]["engine"] == "fast"
