"""TPKT, COTP, S7comm and SZL layouts on PDUs produced by the python-snap7 stack."""

from __future__ import annotations

import pytest

from plantwarden.protocols.s7comm import SPEC, szl, values, wire
from protocols.stack_pdus import DATA, SHARED, capture_pdus

PCAP = DATA / "s7comm-snap7.pcap"


@pytest.fixture(scope="module")
def pdus() -> list[bytes]:
    return [pdu for _, pdu in capture_pdus(PCAP, SPEC, 102)]


def _s7(pdus: list[bytes], rosctr: int, func: int) -> wire.S7Header:
    for pdu in pdus:
        cotp = wire.parse_cotp(pdu[4:])
        head = wire.parse_s7(cotp.payload) if cotp else None
        if head and head.rosctr == rosctr and head.param[:1] == bytes([func]):
            return head
    raise AssertionError(f"no ROSCTR {rosctr} function {func:#x}")


def test_tpkt_framing(pdus: list[bytes]) -> None:
    stream = b"".join(pdus[:6])
    assert wire.tpkt_length(stream) == len(pdus[0])
    assert wire.tpkt_length(stream[:3]) == 0
    assert wire.tpkt_length(b"\x04" + stream[1:]) == -1
    assert wire.tpkt_length(stream[:2] + b"\x00\x03") == -1


def test_connection_request_carries_rack_and_slot(pdus: list[bytes]) -> None:
    cotp = wire.parse_cotp(pdus[0][4:])
    assert cotp is not None and cotp.code == wire.COTP_CR
    params = wire.cotp_params(cotp.header)
    assert wire.tsap_rack_slot(params[0xC2]) == (1, 0, 2)  # client.connect(addr, rack=0, slot=2)


def test_data_tpdu_has_eot_and_s7_header(pdus: list[bytes]) -> None:
    cotp = wire.parse_cotp(pdus[2][4:])
    assert cotp is not None and cotp.code == wire.COTP_DT and cotp.eot
    head = wire.parse_s7(cotp.payload)
    assert head is not None and head.rosctr == 1 and head.param[0] == 0xF0 and not head.truncated


def test_read_var_items_and_answer(pdus: list[bytes]) -> None:
    job = _s7(pdus, 1, 0x04)
    items = wire.var_items(job.param)
    assert items == [wire.Item(transport=2, length=16, db=1, area=0x84, byte=0, bit=0)]
    ack = _s7(pdus, 3, 0x04)
    [(rc, raw)] = wire.data_items(ack.data, 1)
    assert rc == 0xFF and raw == b"PLANTWARDEN-DB1!"


def test_write_var_values(pdus: list[bytes]) -> None:
    job = _s7(pdus, 1, 0x05)
    got = values.item_values(wire.var_items(job.param), job.data)
    assert got == [("DB1.16.0", "002a41200000")]


def test_download_file_name_and_pi_service(pdus: list[bytes]) -> None:
    assert wire.file_name(_s7(pdus, 1, 0x1A).param) == "_0A00002P"
    services = set()
    for pdu in pdus:
        cotp = wire.parse_cotp(pdu[4:])
        head = wire.parse_s7(cotp.payload) if cotp else None
        if head and head.rosctr == 1 and head.param[:1] == b"\x28":
            services.add(wire.pi_service(head.param)[0])
    assert services == {"_GARB", "_MODU", "P_PROGRAM", "_DELE"}


def test_module_identification_from_a_real_s7_300() -> None:
    """SZL 0x0011 as an S7-315 answered it (shared capture, frame 4)."""
    pdus = [p for _, p in capture_pdus(SHARED / "s7comm-gymgit-snap7_s300_everything.pcapng", SPEC, 102)]
    cotp = wire.parse_cotp(pdus[3][4:])
    assert cotp is not None
    head = wire.parse_s7(cotp.payload)
    assert head is not None
    _, payload = wire.userdata_payload(head.data)
    szl_id, _, recs = szl.records(payload, 28)
    assert szl_id == 0x0011 and len(recs) == 4
    assert szl.module_identification(recs) == {
        "order_number": "6ES7 315-2EH14-0AB0",
        "hardware": "1",
        "firmware": "V3.2.7",
    }
