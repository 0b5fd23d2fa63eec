"""OPC UA sessions over the messages of the real asyncua capture."""

from __future__ import annotations

import sys
from pathlib import Path

from opcua_frames import messages

from plantwarden.protocols.base import OpClass, Session
from plantwarden.protocols.opcua import SPEC

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bacnet"))
from tests.recorder import Recorder


def run_capture() -> dict[int, Recorder]:
    """One session and one recorder per TCP connection."""
    sessions: dict[int, Session] = {}
    recs: dict[int, Recorder] = {}
    for conn, ctx, msg in messages():
        session = sessions.setdefault(conn, SPEC.new_session())
        session.on_pdu(msg, ctx, recs.setdefault(conn, Recorder()))
    return recs


def test_four_connections_plain_then_encrypted() -> None:
    recs = run_capture()
    assert len(recs) == 4
    codes = [[op.code for op in rec.ops] for rec in recs.values()]
    assert codes[0] == ["HEL", "ACK", "OPN", "OPN", "MSG:428", "MSG:431", "CLO"]
    assert "MSG:?" not in codes[1]
    encrypted = [op for op in recs[4].ops if op.code == "MSG:?"]
    assert len(encrypted) == 16 and all(op.details["encrypted"] for op in encrypted)
    opn = next(op for op in recs[4].ops if op.code == "OPN")
    assert opn.details["security_policy"] == "Basic256Sha256" and opn.details["sender_certificate"]
    assert all(not rec.anomalies for rec in recs.values())


def test_hello_and_open_secure_channel_details() -> None:
    ops = run_capture()[2].ops
    hel = ops[0]
    assert hel.details["endpoint_url"] == "opc.tcp://127.0.4.10:4840/plantwarden/"
    assert hel.details["receive_buffer_size"] == 2**31 - 1 and hel.op_class == OpClass.SESSION
    opn = ops[2]
    assert opn.details["security_policy"] == "None" and opn.details["security_mode"] == "None"


def test_identities_of_client_and_server() -> None:
    recs = run_capture()
    by_role = {i.fields["role"]: i for rec in recs.values() for i in rec.identities}
    assert by_role["client"].address == "127.0.4.11"
    assert by_role["client"].fields["application_uri"] == "urn:plantwarden:test:client"
    assert by_role["client"].fields["name"] == "Plantwarden Test Client"
    assert by_role["server"].address == "127.0.4.10"
    assert by_role["server"].fields["name"] == "Plantwarden Test Server"
    assert by_role["server"].fields["product_uri"] == "urn:plantwarden:test:product"


def test_session_services_decoded() -> None:
    ops = run_capture()[2].ops
    activate = next(op for op in ops if op.code == "MSG:467")
    assert activate.details["identity_token"] == "UserName" and activate.details["user_name"] == "operator"
    endpoints = next(op for op in ops if op.code == "MSG:464").details["endpoints"]
    assert isinstance(endpoints, list)
    assert {(e["security_mode"], e["security_policy"]) for e in endpoints} == {
        ("None", "None"),
        ("SignAndEncrypt", "Basic256Sha256"),
    }
    call = next(op for op in ops if op.code == "MSG:712")
    assert call.op_class == OpClass.OTHER
    assert str(call.details["methods"]).count("'method': 'ns=2;") == 1
    classes = {op.code: op.op_class for op in ops}
    assert classes["MSG:631"] == OpClass.READ and classes["MSG:673"] == OpClass.WRITE
    assert classes["MSG:826"] == OpClass.IO_DATA and classes["MSG:527"] == OpClass.READ


def test_written_and_read_values() -> None:
    rec = run_capture()[2]
    writes = [(v.point, v.value) for v in rec.values if v.access == "write"]
    assert writes == [("ns=2;i=2", 23.25), ("ns=2;i=3", 1500), ("ns=2;i=2", 24.0)]
    reads = [(v.point, v.value, v.device) for v in rec.values if v.access == "read"]
    assert reads == [("ns=2;i=2", 21.5, "127.0.4.10")]


def test_chunks_and_bad_messages() -> None:
    _, ctx, msg = next(m for m in messages() if m[2][:3] == b"MSG")
    intermediate, final, abort = (msg[:3] + c + msg[4:] for c in (b"C", b"F", b"A"))
    session, rec = SPEC.new_session(), Recorder()
    for m in (intermediate, final, abort, b"XYZF\x08\x00\x00\x00", msg[:4] + b"\xff\x00\x00\x00" + msg[8:]):
        session.on_pdu(m, ctx, rec)
    assert [op.code for op in rec.ops] == ["MSG:?", "MSG:428", "MSG:?", "MSG:428"]
    assert [a.name for a in rec.anomalies] == [
        "opcua.chunk_abort",
        "opcua.unknown_message_type",
        "opcua.invalid_length",
    ]


def test_framing_and_probe() -> None:
    hel = messages()[0][2]
    assert SPEC.probe(hel, "tcp") and not SPEC.probe(hel, "udp")
    assert SPEC.pdu_length(hel + b"MSGF") == len(hel)
    assert SPEC.pdu_length(hel[:7]) == 0
    assert SPEC.pdu_length(b"GET / HTTP/1.1\r\n") == -1
    assert SPEC.pdu_length(b"MSGF\x04\x00\x00\x00") == -1
