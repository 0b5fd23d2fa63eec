"""Random and mutated messages never raise out of the OPC UA session."""

from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from opcua_frames import messages

from plantwarden.protocols.opcua import SPEC

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bacnet"))
from tests.recorder import Recorder

REAL = [(ctx, m) for _, ctx, m in messages() if len(m) < 2000]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=120))
def test_random_bytes(raw: bytes) -> None:
    ctx = REAL[0][0]
    SPEC.new_session().on_pdu(raw, ctx, Recorder())
    SPEC.new_session().on_pdu(b"MSGF" + raw, ctx, Recorder())
    SPEC.pdu_length(raw)
    SPEC.probe(raw, "tcp")


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(REAL), st.integers(0, 4000), st.integers(0, 255), st.integers(0, 4000))
def test_mutated_real_messages(real: tuple[object, bytes], pos: int, byte: int, cut: int) -> None:
    ctx, raw = real
    mutated = bytearray(raw)
    mutated[pos % len(raw)] = byte
    for candidate in (bytes(mutated), bytes(mutated[: cut % (len(raw) + 1)])):
        rec = Recorder()
        SPEC.new_session().on_pdu(candidate, ctx, rec)  # type: ignore[arg-type]
        assert all(a.name.startswith("opcua.") for a in rec.anomalies)
