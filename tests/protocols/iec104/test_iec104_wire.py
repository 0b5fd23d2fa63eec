"""IEC 60870-5-104 byte layouts on APDUs produced by the c104 (lib60870) stack."""

from __future__ import annotations

import pytest

from plantwarden.protocols.iec104 import SPEC, wire
from protocols.stack_pdus import DATA, capture_pdus

PCAP = DATA / "iec104-c104.pcap"


@pytest.fixture(scope="module")
def pdus() -> list[bytes]:
    return [pdu for _, pdu in capture_pdus(PCAP, SPEC, 2404)]


def _first(pdus: list[bytes], type_id: int, cause: int | None = None) -> bytes:
    for pdu in pdus:
        head = wire.parse_asdu_header(pdu[6:]) if len(pdu) > 12 else None
        if head and head.type_id == type_id and (cause is None or head.cause == cause):
            return pdu
    raise AssertionError(f"no type {type_id} in the capture")


def test_framing_cuts_the_joined_stream_at_each_apdu(pdus: list[bytes]) -> None:
    stream = b"".join(pdus[:10])
    cuts = []
    while stream:
        n = wire.apdu_length(stream)
        cuts.append(n)
        stream = stream[n:]
    assert cuts == [len(p) for p in pdus[:10]]


def test_framing_waits_for_the_six_apci_octets(pdus: list[bytes]) -> None:
    assert wire.apdu_length(pdus[0][:5]) == 0
    assert wire.apdu_length(pdus[0][:6]) == len(pdus[0])


def test_garbage_before_the_start_belongs_to_the_next_apdu(pdus: list[bytes]) -> None:
    noisy = b"\x01\x02\x03" + pdus[0]
    assert wire.apdu_length(noisy) == 3 + len(pdus[0])
    assert wire.apdu_length(b"\x00" * 9) == 9  # no start character: consumed whole
    apci = wire.parse_apci(noisy)
    assert apci is not None and apci.start == 3 and apci.fmt == wire.FORMAT_U


def test_u_s_and_i_control_fields(pdus: list[bytes]) -> None:
    startdt = wire.parse_apci(pdus[0])
    assert startdt is not None and (startdt.fmt, startdt.u_function) == ("U", 0x01)
    formats = {a.fmt for a in (wire.parse_apci(p) for p in pdus) if a}
    assert formats == {"I", "S", "U"}
    spont = wire.parse_apci(_first(pdus, 1, cause=3))
    assert spont is not None and spont.fmt == "I" and spont.send_seq == 20 and spont.recv_seq == 11


def test_asdu_header_of_a_single_command(pdus: list[bytes]) -> None:
    head = wire.parse_asdu_header(_first(pdus, 45)[6:])
    assert head is not None
    assert (head.type_id, head.cause, head.common_address, head.number, head.sq) == (45, 6, 47, 1, False)


@pytest.mark.parametrize(
    ("type_id", "ioa", "value"),
    [
        (11, 1003, -1234),
        (13, 1004, 21.5),
        (1, 1001, True),
        (3, 1002, 2),
        (49, 2004, 300),
        (50, 2005, 42.25),
        (47, 2003, 2),
    ],
)
def test_information_object_values(pdus: list[bytes], type_id: int, ioa: int, value: object) -> None:
    asdu = _first(pdus, type_id)[6:]
    head = wire.parse_asdu_header(asdu)
    assert head is not None
    objects = wire.object_offsets(asdu, head)
    assert objects is not None and objects[0][0] == ioa
    assert wire.element_value(type_id, asdu, objects[0][1]) == value


def test_object_offsets_reject_a_length_that_does_not_match(pdus: list[bytes]) -> None:
    asdu = _first(pdus, 13)[6:]
    head = wire.parse_asdu_header(asdu)
    assert head is not None
    assert wire.object_offsets(asdu[:-1], head) is None
    assert wire.object_offsets(asdu, head._replace(number=2)) is None
