"""Random and mutated link frames never make the DNP3 decoder raise."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from plantwarden.protocols.dnp3 import SPEC
from tests.recorder import Recorder

from .helpers import SELECT_OPERATE, TEST_DATA, segments

SEEDS = [s for p in (SELECT_OPERATE, TEST_DATA) for s in segments(p).values() if s.payload[:2] == b"\x05\x64"]


def feed(data: bytes) -> None:
    session, out = SPEC.new_session(), Recorder()
    SPEC.pdu_length(data)
    SPEC.probe(data, "tcp")
    session.on_pdu(data, SEEDS[0].ctx(), out)
    session.on_pdu(data, SEEDS[1].ctx(), out)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    feed(b"\x05\x64" + data)
    feed(data)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(SEEDS), st.integers(0, 400), st.integers(0, 255), st.integers(1, 400))
def test_mutated_real_frames(seed: object, pos: int, byte: int, cut: int) -> None:
    data = bytearray(seed.payload)  # type: ignore[attr-defined]
    data[pos % len(data)] = byte
    feed(bytes(data))
    feed(bytes(data[:cut]))
