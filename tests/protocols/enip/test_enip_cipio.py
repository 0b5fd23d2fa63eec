"""Class-1 implicit I/O on UDP 2222: every frame tshark calls cipio is counted.

(The enip/cip tuples themselves are compared with tshark for every capture in
tests/analyze/test_conversations_truth.py.)
"""

from __future__ import annotations

from conftest import SHARED_CAPTURES, truth_for
from plantwarden.analyze.pipeline import analyze_capture


def test_class1_io_counts_every_cipio_frame() -> None:
    capture = SHARED_CAPTURES / "enip-cisa-enip_cip_example.pcap"
    truth = truth_for(capture)
    rows = [r for r in analyze_capture(capture).conversations if r["proto"] == "cipio"]
    assert {r["code"] for r in rows} == {"io"}
    assert sum(r["count"] for r in rows) == truth["protocol_frames"]["cipio"] == 398
