"""The engine's DNP3 conversations equal tshark's, tuple for tuple, on every capture."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DATA, shared_captures, truth_for
from plantwarden.analyze.pipeline import analyze_capture

PROTOS = {"dnp3"}
Key = tuple[str, str, str, str]


def captures() -> list[Path]:
    mine = sorted((DATA / "captures").glob("dnp3-*.pcap"))  # none yet: no DNP3 stack installs here
    shared = [p for p in shared_captures() if any(t["proto"] in PROTOS for t in truth_for(p)["tuples"])]
    return shared + mine


def tuples(rows: list[dict[str, object]]) -> dict[Key, object]:
    return {
        (str(r["src"]), str(r["dst"]), str(r["proto"]), str(r["code"])): r["count"]
        for r in rows
        if r["proto"] in PROTOS
    }


def test_the_shared_dnp3_captures_are_all_checked() -> None:
    names = {p.name for p in captures()}
    assert "dnp3-iti-dnp3_test_data_part1.pcap" in names
    assert "dnp3-iti-select_operate_and_responses.pcap" in names


@pytest.mark.parametrize("capture", captures(), ids=lambda p: p.name)
def test_conversations_match_tshark(capture: Path) -> None:
    truth = truth_for(capture)
    assert truth["malformed_frames"] == 0  # no frame-level exception needed so far
    got = tuples(analyze_capture(capture).conversations)
    assert got == tuples(truth["tuples"])
