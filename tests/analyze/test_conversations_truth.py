"""`conversations` equal tshark's `tuples` for every ICS protocol on every capture.

The protocol universe is the one groundtruth.py extracts; comparing over all of it (not
only over the protocols a capture is expected to hold) also catches a decoder that claims
traffic of another protocol. No frame needs an accepted difference, including those tshark
marks malformed. Protocols plantwarden adds beyond tshark's fields (cotp, s7comm-plus,
cipio, pn_dcp, arp, lldp, cdp and the IT protocols) are tested elsewhere.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from plantwarden.analyze.pipeline import analyze_capture
from tests.conftest import DATA, ROOT, SHARED_CAPTURES, shared_captures, truth_for

TSHARK_PROTOS = frozenset({"modbus", "s7comm", "enip", "cip", "dnp3", "bvlc", "bacapp", "opcua", "iec104"})
CAPTURES = (
    shared_captures()
    + sorted((DATA / "captures").glob("*.pcap"))
    + sorted((DATA / "captures" / "public").glob("*.pcap"))
    + sorted((ROOT / "examples" / "dairy" / "captures").glob("*.pcap"))
)


def _endpoint(address: object) -> object:
    """groundtruth.py writes ``-`` for a frame without Ethernet or IP addresses (MS/TP);
    plantwarden's ``mstp:<MAC>`` endpoints are held against tshark's ``mstp.src``/``mstp.dst``
    in tests/protocols/bacnet/test_bacnet_links.py."""
    return "-" if str(address).startswith("mstp:") else address


def tuples(rows: list[dict[str, object]]) -> Counter[tuple[object, ...]]:
    counts: Counter[tuple[object, ...]] = Counter()
    for r in rows:
        if r["proto"] in TSHARK_PROTOS:
            counts[(_endpoint(r["src"]), _endpoint(r["dst"]), r["proto"], r["code"])] += int(str(r["count"]))
    return counts


def test_every_protocol_is_held_against_tshark_on_public_and_real_stack_captures() -> None:
    shared: set[str] = set()
    generated: set[str] = set()
    for capture in CAPTURES:
        protos = {t["proto"] for t in truth_for(capture)["tuples"]} & TSHARK_PROTOS
        (shared if capture.parent == SHARED_CAPTURES else generated).update(protos)
    assert shared == TSHARK_PROTOS
    assert generated >= TSHARK_PROTOS - {"dnp3"}  # no DNP3 stack installs in Python: public captures only


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda p: p.name)
def test_conversations_equal_tshark_tuples(capture: Path) -> None:
    truth = truth_for(capture)
    assert tuples(analyze_capture(capture).conversations) == tuples(truth["tuples"])
