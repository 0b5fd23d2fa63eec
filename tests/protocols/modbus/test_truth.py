"""The engine's Modbus conversations equal tshark's, tuple for tuple, on every capture."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DATA, shared_captures, truth_for
from plantwarden.analyze.pipeline import analyze_capture

PROTOS = {"modbus"}
Key = tuple[str, str, str, str]


def captures() -> list[Path]:
    mine = sorted((DATA / "captures").glob("modbus-*.pcap"))
    shared = [p for p in shared_captures() if any(t["proto"] in PROTOS for t in truth_for(p)["tuples"])]
    return shared + mine


def tuples(rows: list[dict[str, object]]) -> dict[Key, object]:
    return {
        (str(r["src"]), str(r["dst"]), str(r["proto"]), str(r["code"])): r["count"]
        for r in rows
        if r["proto"] in PROTOS
    }


def test_the_shared_modbus_captures_are_all_checked() -> None:
    names = {p.name for p in captures()}
    assert "modbus-iti-modbus_test_data_part1.pcap" in names
    assert "attack-lemay-moving_two_files_modbus_6RTU.pcap" in names
    assert "modbus-pymodbus.pcap" in names


@pytest.mark.parametrize("capture", captures(), ids=lambda p: p.name)
def test_conversations_match_tshark(capture: Path) -> None:
    truth = truth_for(capture)
    assert truth["malformed_frames"] == 0  # no frame-level exception needed so far
    got = tuples(analyze_capture(capture).conversations)
    assert got == tuples(truth["tuples"])
