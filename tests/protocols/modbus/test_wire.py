"""Framing and probing of MBAP headers made by pymodbus."""

from __future__ import annotations

from pymodbus.pdu.register_message import ReadHoldingRegistersRequest, WriteMultipleRegistersRequest

from plantwarden.protocols.modbus import SPEC, wire

from .helpers import Exchange


def test_pdu_length_is_the_mbap_length_plus_six() -> None:
    adu = Exchange().frame(
        WriteMultipleRegistersRequest(address=1, registers=[1, 2, 3], dev_id=1, transaction_id=2)
    )
    assert SPEC.pdu_length(adu) == len(adu) == 13 + 6
    assert SPEC.pdu_length(adu + adu) == len(adu)


def test_pdu_length_waits_for_the_header_then_rejects_non_modbus() -> None:
    adu = Exchange().frame(ReadHoldingRegistersRequest(address=1, count=2, dev_id=1, transaction_id=1))
    assert SPEC.pdu_length(adu[:5]) == 0
    assert SPEC.pdu_length(adu[:3] + b"\x23" + adu[4:]) == -1  # protocol identifier 0x0023
    assert SPEC.pdu_length(adu[:4] + b"\x88\x04" + adu[6:]) == -1  # length 34820 (seen in the ITI capture)


def test_probe_wants_protocol_id_zero_and_a_whole_adu() -> None:
    adu = Exchange().frame(ReadHoldingRegistersRequest(address=1, count=2, dev_id=1, transaction_id=1))
    assert SPEC.probe(adu, "tcp")
    assert not SPEC.probe(adu[:-1], "tcp")
    assert not SPEC.probe(b"\x03\x00\x00\x16\x11\xe0\x00\x00\x00\x01\x00\xc1", "tcp")  # a TPKT/COTP start


def test_bits_are_packed_lsb_first() -> None:
    assert wire.bits(b"\x05\x01", 9) == [True, False, True, False, False, False, False, False, True]
    assert wire.registers(b"\x00\x01\xff\xff\x07") == [1, 0xFFFF]
