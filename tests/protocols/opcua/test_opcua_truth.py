"""plantwarden's opcua tuples equal tshark's on every capture holding OPC UA."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DATA, shared_captures, truth_for
from plantwarden.analyze.pipeline import analyze_capture

CAPTURES = [p for p in shared_captures() if "opcua" in truth_for(p)["ics_present"]]
CAPTURES.append(DATA / "captures" / "opcua-asyncua.pcap")


def tuples(rows: list[dict[str, object]]) -> dict[tuple[object, ...], object]:
    return {(r["src"], r["dst"], r["proto"], r["code"]): r["count"] for r in rows if r["proto"] == "opcua"}


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda p: p.name)
def test_tuples_equal_tshark(capture: Path) -> None:
    # opcua-asyncua.pcap holds a Basic256Sha256 SignAndEncrypt channel: its 16 MSG bodies are
    # encrypted and must count as MSG:? exactly as tshark counts them.
    assert tuples(analyze_capture(capture).conversations) == tuples(truth_for(capture)["tuples"])
