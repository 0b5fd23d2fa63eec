"""Random and mutated input never makes the S7comm or IEC 104 decoder raise.

The mutations start from PDUs of captures made by the real stacks (python-snap7, c104).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plantwarden.protocols.base import PduContext, ProtocolSpec
from plantwarden.protocols.iec104 import SPEC as IEC104
from plantwarden.protocols.s7comm import SPEC as S7COMM
from protocols.stack_pdus import DATA, capture_pdus, replay

CASES = {
    "s7comm": (S7COMM, capture_pdus(DATA / "s7comm-snap7.pcap", S7COMM, 102)),
    "iec104": (IEC104, capture_pdus(DATA / "iec104-c104.pcap", IEC104, 2404)),
}
Case = tuple[ProtocolSpec, list[tuple[PduContext, bytes]]]


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=300))
def test_random_bytes(case: Case, data: bytes) -> None:
    spec, pdus = case
    n = spec.pdu_length(data)
    assert n == 0 or n >= 2 or n == -1
    replay(spec, [(pdus[0][0], data)])


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
@settings(max_examples=400, deadline=None)
@given(
    index=st.integers(0, 10_000),
    flips=st.lists(st.tuples(st.integers(0, 300), st.integers(0, 255)), max_size=4),
    cut=st.integers(0, 300),
)
def test_mutated_real_pdus(case: Case, index: int, flips: list[tuple[int, int]], cut: int) -> None:
    spec, pdus = case
    ctx, pdu = pdus[index % len(pdus)]
    data = bytearray(pdu)
    for pos, value in flips:
        if data:
            data[pos % len(data)] = value
    replay(spec, [(ctx, bytes(data[: max(cut, 1)])), (ctx, bytes(data))])
