"""`conversations` equal tshark's `tuples` for every ICS protocol on every capture.

The protocol universe is the one groundtruth.py extracts; comparing over all of it (not
only over the protocols a capture is expected to hold) also catches a decoder that claims
traffic of another protocol. Protocols plantwarden adds beyond tshark's fields (cotp,
s7comm-plus, cipio, pn_dcp, arp, lldp, cdp and the IT protocols) are tested elsewhere.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from plantwarden.analyze.pipeline import analyze_capture
from tests.conftest import DATA, shared_captures, truth_for

TSHARK_PROTOS = frozenset({"modbus", "s7comm", "enip", "cip", "dnp3", "bvlc", "bacapp", "opcua", "iec104"})
CAPTURES = shared_captures() + sorted(p for p in (DATA / "captures").glob("*.pcap") if p.stem != "")


def tuples(rows: list[dict[str, object]]) -> Counter[tuple[object, ...]]:
    return Counter(
        {
            (r["src"], r["dst"], r["proto"], r["code"]): int(str(r["count"]))
            for r in rows
            if r["proto"] in TSHARK_PROTOS
        }
    )


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda p: p.name)
def test_conversations_equal_tshark_tuples(capture: Path) -> None:
    truth = truth_for(capture)
    mine = tuples(analyze_capture(capture).conversations)
    theirs = tuples(truth["tuples"])
    assert mine == theirs
