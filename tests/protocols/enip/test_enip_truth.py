"""The engine's enip/cip conversations equal tshark 4.0's tuples, capture by capture."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from enip_frames import CPPPO

from conftest import shared_captures, truth_for
from plantwarden.analyze.pipeline import analyze_capture

PROTOS = {"enip", "cip"}
CAPTURES = [p for p in shared_captures() if "enip" in truth_for(p)["ics_present"]] + [CPPPO]


def _tuples(rows: list[dict[str, Any]]) -> dict[tuple[str, str, str, str], int]:
    return {(r["src"], r["dst"], r["proto"], r["code"]): r["count"] for r in rows if r["proto"] in PROTOS}


def test_the_enip_captures_are_there() -> None:
    assert {p.name for p in CAPTURES} >= {"enip-cisa-enip_cip_example.pcap", "enip-ndpi-ethernetIP.pcap"}


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda p: p.name)
def test_conversations_match_tshark(capture: Path) -> None:
    # enip-cpppo frame 58 (cpppo's ListServices reply) is malformed for tshark, yet tshark and
    # plantwarden both count its 0x0004 command: no accepted difference is needed.
    result = analyze_capture(capture)
    assert _tuples(result.conversations) == _tuples(truth_for(capture)["tuples"])


def test_class1_io_counts_every_cipio_frame() -> None:
    capture = next(p for p in CAPTURES if p.name == "enip-cisa-enip_cip_example.pcap")
    truth = truth_for(capture)
    rows = [r for r in analyze_capture(capture).conversations if r["proto"] == "cipio"]
    assert {r["code"] for r in rows} == {"io"}
    assert sum(r["count"] for r in rows) == truth["protocol_frames"]["cipio"] == 398
