"""Random and mutated input never makes the IEC 104 decoder raise."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from plantwarden.protocols.iec104 import SPEC
from protocols.stack_pdus import DATA, capture_pdus, replay

PDUS = capture_pdus(DATA / "iec104-c104.pcap", SPEC, 2404)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    n = SPEC.pdu_length(data)
    assert n == 0 or n >= 2 or n == -1
    replay(SPEC, [(PDUS[0][0], data)])


@settings(max_examples=400, deadline=None)
@given(
    st.integers(0, len(PDUS) - 1),
    st.lists(st.tuples(st.integers(0, 300), st.integers(0, 255)), max_size=4),
    st.integers(0, 300),
)
def test_mutated_real_apdus(index: int, flips: list[tuple[int, int]], cut: int) -> None:
    ctx, pdu = PDUS[index]
    data = bytearray(pdu)
    for pos, value in flips:
        if data:
            data[pos % len(data)] = value
    replay(SPEC, [(ctx, bytes(data[: max(cut, 1)])), (ctx, bytes(data))])
