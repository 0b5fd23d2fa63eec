"""plantwarden's IEC 104 tuples equal tshark's on every capture that holds IEC 104."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from conftest import DATA, shared_captures, truth_for
from plantwarden.analyze.pipeline import analyze_capture

PROTOS = {"iec104"}
CAPTURES = [p for p in shared_captures() if any(t["proto"] in PROTOS for t in truth_for(p)["tuples"])]
CAPTURES.append(DATA / "captures" / "iec104-c104.pcap")


def _tuples(rows: list[dict[str, object]]) -> Counter[tuple[object, ...]]:
    return Counter(
        {
            (r["src"], r["dst"], r["proto"], r["code"]): int(str(r["count"]))
            for r in rows
            if r["proto"] in PROTOS
        }
    )


def test_the_shared_iec104_captures_are_found() -> None:
    assert {p.name for p in CAPTURES} >= {"iec104-iti-TestDissectIec104.pcap", "mixed-emre-104deneme2.pcap"}


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda p: p.name)
def test_tuples_equal_tshark(capture: Path) -> None:
    # The ITI capture has 9 frames tshark marks malformed (junk before the start
    # character, APDU lengths < 4, truncated ASDUs): plantwarden frames them exactly as
    # tshark does (garbage is the prefix of the next APDU), so no difference is accepted.
    got = _tuples(analyze_capture(capture).conversations)
    assert got == _tuples(truth_for(capture)["tuples"])
