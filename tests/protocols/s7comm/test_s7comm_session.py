"""The S7 session on the snap7 capture: codes, classes, pairing, identity, anomalies."""

from __future__ import annotations

import struct

import pytest

from plantwarden.protocols.base import OpClass, PduContext
from plantwarden.protocols.s7comm import SPEC
from protocols.stack_pdus import DATA, SHARED, capture_pdus, replay
from tests.recorder import Recorder

PCAP = DATA / "s7comm-snap7.pcap"
SERVER = "127.0.2.1"

Pdus = list[tuple[PduContext, bytes]]


@pytest.fixture(scope="module")
def pdus() -> Pdus:
    return capture_pdus(PCAP, SPEC, 102)


@pytest.fixture(scope="module")
def rec(pdus: Pdus) -> Recorder:
    return replay(SPEC, pdus)


def _op(rec: Recorder, code: str, nth: int = 0) -> object:
    return [op for op in rec.ops if op.code == code][nth]


def test_codes_follow_tshark(rec: Recorder) -> None:
    codes = [op.code for op in rec.ops if op.proto == "s7comm"]
    assert codes[:4] == ["1:0xf0", "3:0xf0", "1:0x04", "3:0x04"]
    assert {
        "7:4/1",
        "7:3/1",
        "7:3/2",
        "7:3/3",
        "7:7/1",
        "7:7/2",
        "7:5/1",
        "7:5/2",
        "1:0x1d",
        "1:0x1e",
        "1:0x1f",
        "1:0x1a",
        "2",
        "1:0x28",
        "1:0x29",
    } <= set(codes)
    assert [op.code for op in rec.ops if op.proto == "cotp"] == ["CR", "CC", "DR", "DC"]


def test_operation_classes(rec: Recorder) -> None:
    classes = {op.code: op.op_class for op in rec.ops if op.request}
    assert classes["1:0x04"] is OpClass.READ and classes["1:0x05"] is OpClass.WRITE
    assert classes["1:0x1a"] is OpClass.PROGRAM_DOWNLOAD and classes["1:0x1d"] is OpClass.PROGRAM_UPLOAD
    assert classes["1:0x29"] is OpClass.MODE_CHANGE and classes["7:7/2"] is OpClass.TIME_SYNC
    assert classes["7:5/1"] is OpClass.SESSION and classes["CR"] is OpClass.SESSION
    pi = {str(op.details["service"]): op.op_class for op in rec.ops if op.code == "1:0x28"}
    assert pi == {
        "_GARB": OpClass.OTHER,
        "_MODU": OpClass.PROGRAM_DOWNLOAD,
        "P_PROGRAM": OpClass.MODE_CHANGE,
        "_DELE": OpClass.PROGRAM_DOWNLOAD,
    }


def test_details(rec: Recorder) -> None:
    cr = next(op for op in rec.ops if op.code == "CR")
    assert (cr.details["rack"], cr.details["slot"]) == (0, 2)
    setup = next(op for op in rec.ops if op.code == "3:0xf0")
    assert setup.details["pdu_size"] == 480
    download = next(op for op in rec.ops if op.code == "1:0x1a")
    assert download.details["block"] == "DB2"
    szl_ids = [op.details.get("szl_id") for op in rec.ops if op.code == "7:4/1" and op.request]
    assert szl_ids[:3] == ["0x0011", "0x001c", "0x0424"]
    clock = next(op for op in rec.ops if op.code == "7:7/2" and op.request)
    assert clock.details["time"] == "2024-05-17T08:30:00"


def test_identity_from_szl_0011_and_001c(rec: Recorder) -> None:
    fields = {k: v for ident in rec.identities for k, v in ident.fields.items()}
    assert fields["order_number"] == "6ES7 315-2EH14-0AB0"
    assert fields["name"] == "SNAP7-SERVER" and fields["serial"] == "S C-C2UR28922012"
    assert all(ident.address == SERVER for ident in rec.identities)


def test_values_pair_reads_with_their_job(rec: Recorder) -> None:
    got = {(v.point, v.access): v.value for v in rec.values}
    assert got[("DB1.0.0", "read")] == "504c414e5457415244454e2d44423121"
    assert got[("M.4.0", "write")] == 0x1234
    assert got[("Q.0.0", "write")] == 1


def test_only_the_rejected_download_is_an_anomaly(rec: Recorder) -> None:
    assert rec.anomaly_names() == ["s7comm.ack_error"]
    assert rec.anomalies[0].detail == "error 0x8104"


def test_answer_without_job(pdus: Pdus) -> None:
    rec = replay(SPEC, [(c, p) for c, p in pdus if c.src == SERVER][2:3])
    assert rec.anomaly_names() == ["s7comm.response_without_request"]


def test_cotp_fragments_are_joined(pdus: Pdus) -> None:
    ctx, pdu = next((c, p) for c, p in pdus if p[5] == 0xF0 and len(p) > 40)
    payload = pdu[7:]
    first = _tpkt(b"\x02\xf0\x00" + payload[:10])
    last = _tpkt(b"\x02\xf0\x80" + payload[10:])
    whole = replay(SPEC, [(ctx, pdu)])
    split = replay(SPEC, [(ctx, first), (ctx, last)])
    assert [op.code for op in split.ops] == [op.code for op in whole.ops] and split.ops


def test_malformed_pdus_become_anomalies(pdus: Pdus) -> None:
    ctx, pdu = pdus[2]
    bad_rosctr = pdu[:8] + b"\x09" + pdu[9:]
    reserved_rosctr = pdu[:8] + b"\x05" + pdu[9:]
    bad_li = pdu[:4] + b"\x40" + pdu[5:]
    unknown_func = pdu[:17] + b"\x99" + pdu[18:]
    rec = replay(SPEC, [(ctx, bad_rosctr), (ctx, reserved_rosctr), (ctx, bad_li), (ctx, unknown_func)])
    assert rec.anomaly_names() == [
        "s7comm.unknown_rosctr",
        "s7comm.unknown_rosctr",
        "s7comm.invalid_length",
        "s7comm.unknown_function",
    ]
    assert [op.code for op in rec.ops] == ["5", "1:0x99"]


def _tpkt(tpdu: bytes) -> bytes:
    return b"\x03\x00" + struct.pack(">H", len(tpdu) + 4) + tpdu


def _plus(version: int, body: bytes, digest: bytes = b"") -> bytes:
    """S7comm-plus PDU (no Python stack produces it): header, integrity part, data, trailer."""
    integrity = bytes([len(digest)]) + digest if version == 3 else b""
    data = integrity + body
    return _tpkt(
        b"\x02\xf0\x80"
        + bytes([0x72, version])
        + struct.pack(">H", len(data))
        + data
        + b"\x72"
        + bytes([version])
        + b"\x00\x00"
    )


def test_s7comm_plus_is_recognised(pdus: Pdus) -> None:
    ctx = pdus[0][0]
    request = b"\x31\x00\x00\x05\x4c\x00\x00\x00\x07" + b"\x00\x00\x03\x9a" + b"\x36"
    response = b"\x32\x00\x00\x05\x4c\x00\x00\x00\x07\x00"
    rec = replay(
        SPEC,
        [
            (ctx, _plus(3, request, bytes(32))),
            (ctx, _plus(2, response)),
            (ctx, _plus(2, b"\x33\x00\x00\x00\x01")),
            (ctx, _plus(0xFF, b"")),
        ],
    )
    assert [(op.proto, op.code) for op in rec.ops] == [
        ("s7comm-plus", "0x31:0x054c"),
        ("s7comm-plus", "0x32:0x054c"),
        ("s7comm-plus", "0x33"),
        ("s7comm-plus", "keepalive"),
    ]
    first = rec.ops[0]
    assert first.op_class is OpClass.READ and first.request is True
    assert first.details["session_id"] == "0x0000039a" and first.details["integrity_protected"] is True
    assert rec.anomalies == []


def test_encrypted_user_data_is_counted(pdus: Pdus) -> None:
    tls = _tpkt(b"\x02\xf0\x80" + b"\x17\x03\x03\x00\x20" + bytes(32))
    rec = replay(SPEC, [(pdus[0][0], tls)])
    assert [(op.proto, op.code, op.details["encrypted"]) for op in rec.ops] == [("cotp", "DT:tls", True)]


def test_fragmented_szl_answer_of_a_real_plc() -> None:
    """SZL 0x001C of an S7-315 comes in two data units (shared capture, frames 6 and 8)."""
    rec = replay(SPEC, capture_pdus(SHARED / "s7comm-gymgit-snap7_s300_everything.pcapng", SPEC, 102))
    component = next(i.fields for i in rec.identities if "name" in i.fields)
    assert component["name"] == "S7300/ET200M station_1" and component["module_name"] == "PLC_1"
    assert component["memory_card_serial"] == "MMC 4A1AC019"
    mode = [op.details.get("cpu_mode") for op in rec.ops if op.details.get("szl_id") == "0x0424"]
    assert "RUN" in mode


def test_probe_accepts_connection_request_and_s7_data(pdus: Pdus) -> None:
    assert SPEC.probe(pdus[0][1], "tcp")  # COTP CR
    assert SPEC.probe(pdus[2][1], "tcp")  # DT + S7 setup communication
    assert not SPEC.probe(pdus[0][1], "udp")
    assert not SPEC.probe(b"\x03\x00\x00\x07\x02\xf0\x00", "tcp")  # empty DT: no protocol id yet
    assert not SPEC.probe(b"GET / HTTP/1.1\r\n", "tcp")


def test_a_block_number_with_non_ascii_digits_is_kept_as_text(pdus: Pdus) -> None:
    """latin-1 0xB9 is '¹', which str.isdigit() accepts but int() refuses."""
    ctx, job = next((c, p) for c, p in pdus if len(p) > 17 and p[17] == 0x1D)
    mutated = job.replace(b"_0A00001", b"_0A0\xb9001")
    rec = replay(SPEC, [(ctx, mutated)])
    assert rec.ops[0].details["file"] == "_0A0\xb9001A" and "block" not in rec.ops[0].details
