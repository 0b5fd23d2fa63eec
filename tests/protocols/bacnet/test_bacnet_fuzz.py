"""Random and mutated datagrams never raise out of the BACnet session."""

from __future__ import annotations

from bacnet_frames import ctx, datagrams
from hypothesis import given, settings
from hypothesis import strategies as st

from plantwarden.protocols.bacnet import SPEC
from tests.recorder import Recorder

REAL = [p for _, _, _, p in datagrams()]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=80))
def test_random_bytes(raw: bytes) -> None:
    SPEC.new_session().on_pdu(raw, ctx(1, "127.0.4.2", "127.0.4.1"), Recorder())
    SPEC.pdu_length(raw)
    SPEC.probe(raw, "udp")


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(REAL), st.integers(0, 200), st.integers(0, 255), st.integers(0, 200))
def test_mutated_real_datagrams(raw: bytes, pos: int, byte: int, cut: int) -> None:
    mutated = bytearray(raw)
    mutated[pos % len(raw)] = byte
    for candidate in (bytes(mutated), bytes(mutated[: max(cut % (len(raw) + 1), 0)])):
        rec = Recorder()
        SPEC.new_session().on_pdu(candidate, ctx(1, "127.0.4.1", "127.0.4.2"), rec)
        assert all(a.name.split(".")[0] in ("bvlc", "bacnet", "bacapp") for a in rec.anomalies)
