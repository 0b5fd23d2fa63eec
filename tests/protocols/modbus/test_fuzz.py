"""Random and mutated ADUs never make the Modbus decoder raise."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from pymodbus.pdu.mei_message import ReadDeviceInformationRequest
from pymodbus.pdu.register_message import ReadHoldingRegistersRequest, ReadWriteMultipleRegistersRequest

from plantwarden.protocols.modbus import SPEC
from tests.recorder import Recorder

from .helpers import Exchange, ctx

_MB = Exchange()
SEEDS = [
    adu
    for req in (
        ReadHoldingRegistersRequest(address=3, count=4, dev_id=1, transaction_id=1),
        ReadDeviceInformationRequest(read_code=2, dev_id=1, transaction_id=1),
        ReadWriteMultipleRegistersRequest(
            read_address=1, read_count=2, write_address=5, write_registers=[1, 2], dev_id=1, transaction_id=1
        ),
    )
    for adu in _MB.run(req)
]


def feed(data: bytes) -> None:
    session = SPEC.new_session()
    out = Recorder()
    SPEC.pdu_length(data)
    SPEC.probe(data, "tcp")
    session.on_pdu(data, ctx(True), out)
    session.on_pdu(data, ctx(False), out)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    feed(data)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(SEEDS), st.integers(0, 299), st.integers(0, 255), st.integers(0, 300))
def test_mutated_real_adus(seed: bytes, pos: int, byte: int, cut: int) -> None:
    data = bytearray(seed)
    data[pos % len(data)] = byte
    feed(bytes(data[: max(cut, 1)]))
    feed(bytes(data))
