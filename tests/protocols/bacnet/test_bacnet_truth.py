"""plantwarden's bvlc/bacapp tuples equal tshark's on every capture holding BACnet/IP."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DATA, shared_captures, truth_for
from plantwarden.analyze.pipeline import analyze_capture

PROTOS = {"bvlc", "bacapp"}
CAPTURES = [p for p in shared_captures() if "bacnet" in truth_for(p)["ics_present"]]
CAPTURES.append(DATA / "captures" / "bacnet-bacpypes3.pcap")


def tuples(rows: list[dict[str, object]]) -> dict[tuple[object, ...], object]:
    return {(r["src"], r["dst"], r["proto"], r["code"]): r["count"] for r in rows if r["proto"] in PROTOS}


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda p: p.name)
def test_tuples_equal_tshark(capture: Path) -> None:
    # tshark marks frames 9 and 10 of the CISA capture malformed (addListElement /
    # removeListElement bodies); their tuples are still counted, and agree.
    truth = truth_for(capture)
    assert tuples(analyze_capture(capture).conversations) == tuples(truth["tuples"])
