"""EtherNet/IP + CIP sessions on PDUs produced by cpppo (server) and pycomm3/cpppo (clients)."""

from __future__ import annotations

import dataclasses
import functools

from enip_frames import CPPPO, SHARED, Frame, frames
from hypothesis import given, settings
from hypothesis import strategies as st

from plantwarden.protocols.base import OpClass
from plantwarden.protocols.enip import SPEC
from plantwarden.protocols.enip.session import EnipSession
from tests.recorder import Recorder


@functools.cache
def decoded() -> tuple[Recorder, dict[int, Recorder]]:
    """Every cpppo frame through one session per flow; also a recorder per frame."""
    total, per_frame, sessions = Recorder(), {}, {}
    for frame in frames(CPPPO):
        ctx = frame.ctx
        key = tuple(sorted([(ctx.src, ctx.sport), (ctx.dst, ctx.dport)]))
        session = sessions.setdefault(key, SPEC.new_session())
        rec = per_frame[frame.number] = Recorder()
        session.on_pdu(frame.payload, ctx, rec)
        for name in ("ops", "anomalies", "identities", "values"):
            getattr(total, name).extend(getattr(rec, name))
    return total, per_frame


def at(number: int) -> Recorder:
    return decoded()[1][number]


def test_list_identity_reply_gives_the_simulated_controller() -> None:
    ident = at(16).identities[0]
    assert ident.address == "127.0.3.1"
    assert ident.fields["vendor"] == "Rockwell Automation/Allen-Bradley"
    assert ident.fields["device_type"] == "Programmable Logic Controller"
    assert ident.fields["product"] == "1756-L61/B LOGIX5561"
    assert ident.fields["firmware"] == "20.11"
    assert ident.fields["serial"] == "0x006c061a"
    assert at(15).ops[0].op_class is OpClass.DIAGNOSTICS


def test_unconnected_send_counts_the_embedded_service() -> None:
    assert at(30).codes() == ["enip/0x006f", "cip/0x52:req", "cip/0x01:req"]
    assert at(31).codes() == ["enip/0x006f", "cip/0x01:rsp"]
    assert at(31).identities[0].fields["product_code"] == "54"


def test_forward_open_connection_id_is_used_by_connected_messages() -> None:
    request = at(32).ops[1]
    assert request.name == "Large_Forward_Open" and request.op_class is OpClass.SESSION
    assert request.details["o_t_rpi_us"] and request.details["connection_serial"]
    reply = at(33).ops[1].details
    connected = at(34).ops[1]
    assert connected.details["connection_id"] == reply["o_t_connection_id"]
    identity = at(38).ops[1]  # pycomm3 generic message: Get_Attribute_Single on Identity, connected
    assert identity.details["connection_id"] == reply["o_t_connection_id"]
    assert identity.details["class"] == 1 and identity.op_class is OpClass.DIAGNOSTICS
    assert at(40).ops[1].name == "Set_Attribute_Single" and at(40).ops[1].op_class is OpClass.WRITE
    assert at(42).ops[1].name == "Forward_Close"


def test_multiple_service_packet_inside_unconnected_send() -> None:
    codes = at(78).codes()
    assert codes[:3] == ["enip/0x006f", "cip/0x52:req", "cip/0x0a:req"]
    assert codes.count("cip/0x4d:req") == 3 and codes.count("cip/0x4c:req") == 4
    assert at(79).codes().count("cip/0x4c:rsp") == 4


def test_tag_writes_and_reads_become_point_values() -> None:
    values = decoded()[0].values
    writes = {(v.point, v.value) for v in values if v.access == "write"}
    assert ("SCADA[1]", 42) in writes and ("SPEED", 12.5) in writes and ("COUNTS[2]", 7) in writes
    reads = [(v.point, v.value) for v in values if v.access == "read"]
    assert ("SCADA[1]", 42) in reads and ("SPEED", 12.5) in reads and ("RUNNING", False) in reads
    assert {v.device for v in values} == {"127.0.3.1"}
    ops = decoded()[0].ops
    assert {op.op_class for op in ops if op.code == "0x4d:req"} == {OpClass.WRITE}
    nested = {op.name for op in ops if op.code == "0x52:req" and op.details.get("nested")}
    assert nested == {"Read_Tag_Fragmented"}


def test_nonzero_encapsulation_status_is_an_anomaly() -> None:
    assert [a.name for a in at(103).anomalies] == ["enip.error_status"]
    assert at(103).ops[0].details["status"] == "unknown-0x0008"


@functools.cache
def _pdu(number: int) -> Frame:
    return next(f for f in frames(CPPPO) if f.number == number)


def _decode(frame: Frame, payload: bytes) -> Recorder:
    rec = Recorder()
    EnipSession().on_pdu(payload, frame.ctx, rec)
    return rec


def test_malformed_pdus_become_named_anomalies() -> None:
    frame = _pdu(30)
    assert [a.name for a in _decode(frame, frame.payload[:20]).anomalies] == ["enip.invalid_length"]
    assert "enip.invalid_length" in [a.name for a in _decode(frame, frame.payload[:-3]).anomalies]
    unknown = b"\x50\x00" + frame.payload[2:]
    assert [a.name for a in _decode(frame, unknown).anomalies] == ["enip.unknown_command"]
    cip_at = frame.payload.index(b"\x52\x02\x20\x06")
    bad = bytearray(frame.payload)
    bad[cip_at + 2] = 0xE0  # a reserved segment type in the request path
    assert "cip.bad_path" in [a.name for a in _decode(frame, bytes(bad)).anomalies]


def test_reply_without_request_is_named() -> None:
    rec = _decode(_pdu(65), _pdu(65).payload)
    assert [a.name for a in rec.anomalies] == ["cip.response_without_request"]
    assert rec.codes() == ["enip/0x006f", "cip/0x4c:rsp"]


def test_framing_and_probe() -> None:
    for frame in frames(CPPPO):
        if frame.ctx.transport == "tcp":
            assert SPEC.pdu_length(frame.payload) == len(frame.payload)
            assert SPEC.probe(frame.payload, "tcp")
    assert SPEC.pdu_length(b"\x6f\x00") == 0
    assert SPEC.pdu_length(b"GET / HTTP/1.1\r\n") == -1
    assert not SPEC.probe(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", "tcp")


def test_class1_io_datagrams_from_the_cisa_capture() -> None:
    io = [f for f in frames(SHARED / "enip-cisa-enip_cip_example.pcap") if f.ctx.sport == 2222][:3]
    rec = Recorder()
    session = EnipSession()
    for frame in io:
        session.on_pdu(frame.payload, dataclasses.replace(frame.ctx, transport="udp"), rec)
    assert [op.code for op in rec.ops] == ["io", "io", "io"]
    assert rec.ops[0].proto == "cipio" and rec.ops[0].op_class is OpClass.IO_DATA
    assert rec.ops[0].details["connection_id"] == 0x004B0603
    assert SPEC.probe(io[0].payload, "udp")


REAL = [f.payload for f in frames(CPPPO)]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200), st.sampled_from(["tcp", "udp"]))
def test_random_bytes_never_raise(data: bytes, transport: str) -> None:
    frame = _pdu(30)
    ctx = dataclasses.replace(frame.ctx, transport=transport, dport=2222 if len(data) % 2 else 44818)
    EnipSession().on_pdu(data, ctx, Recorder())
    SPEC.pdu_length(data)
    SPEC.probe(data, transport)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(REAL), st.integers(0, 400), st.integers(0, 255), st.integers(0, 400))
def test_mutated_real_pdus_never_raise(pdu: bytes, pos: int, byte: int, cut: int) -> None:
    mutated = bytearray(pdu)
    mutated[pos % len(mutated)] = byte
    session, rec = EnipSession(), Recorder()
    ctx = _pdu(30).ctx
    session.on_pdu(bytes(mutated), ctx, rec)
    session.on_pdu(bytes(mutated[: cut % (len(mutated) + 1)]), ctx, rec)
