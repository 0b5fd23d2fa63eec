"""BACnet sessions over the datagrams of the real bacpypes3 capture."""

from __future__ import annotations

from bacnet_frames import ctx, datagrams
from bacpypes3.ipv4.bvll import OriginalBroadcastNPDU, RegisterForeignDevice
from bacpypes3.npdu import WhoIsRouterToNetwork

from plantwarden.protocols.bacnet import SPEC
from plantwarden.protocols.base import OpClass
from tests.recorder import Recorder


def run_capture() -> Recorder:
    session, rec = SPEC.new_session(), Recorder()
    for frame, src, dst, payload in datagrams():
        session.on_pdu(payload, ctx(frame, src, dst), rec)
    return rec


def test_every_datagram_gives_a_bvlc_and_a_bacapp_operation() -> None:
    rec = run_capture()
    bvlc = [op for op in rec.ops if op.proto == "bvlc"]
    bacapp = [op for op in rec.ops if op.proto == "bacapp"]
    assert len(bvlc) == len(bacapp) == 42
    assert {op.code for op in bvlc} == {"0x0a"}
    assert [op.code for op in bacapp[:4]] == ["1:8", "1:0", "0:12", "3:12"]
    assert rec.anomalies == []


def test_device_identity_from_i_am_and_property_reads() -> None:
    rec = run_capture()
    merged: dict[str, str] = {}
    for ident in rec.identities:
        assert ident.address == "127.0.4.1"
        merged.update(ident.fields)
    assert merged["device_instance"] == "1001"
    assert merged["name"] == "PW-AHU-1"
    assert merged["model"] == "AHU Controller 3000"
    assert merged["firmware"] == "4.2.1"
    assert merged["software"] == "app-7.0"
    assert merged["vendor"] == "Plantwarden Test Vendor"
    assert merged["vendor_id"] == "999"


def test_present_value_write_and_reads() -> None:
    rec = run_capture()
    writes = [(v.point, v.value, v.device) for v in rec.values if v.access == "write"]
    reads = [v.value for v in rec.values if v.access == "read"]
    assert writes == [("analog-value/1/present-value", 23.25, "127.0.4.1")]
    assert 21.5 in reads and 23.25 in reads and 30.0 in reads  # RPM, ReadProperty, COV


def test_error_reject_and_classes_of_services() -> None:
    ops = [op for op in run_capture().ops if op.proto == "bacapp"]
    error = next(op for op in ops if op.code == "5:12")
    assert error.details["error_class"] == "object" and error.details["error_code"] == "unknown-object"
    rejects = [op for op in ops if op.code == "6:-"]
    assert [op.details["reason"] for op in rejects] == ["unrecognized-service"] * 4
    assert [op.op_class for op in rejects] == [
        OpClass.MODE_CHANGE,
        OpClass.MODE_CHANGE,
        OpClass.RESTART,
        OpClass.FILE_TRANSFER,
    ]
    dcc = next(op for op in ops if op.code == "0:17")
    assert dcc.details["enable_disable"] == "disable-initiation"
    reinit = next(op for op in ops if op.code == "0:20")
    assert reinit.details["state"] == "warmstart" and reinit.op_class == OpClass.RESTART
    sync = [op for op in ops if op.code in ("1:6", "1:9")]
    assert [op.op_class for op in sync] == [OpClass.TIME_SYNC] * 2
    assert sync[0].details["date"] == "2024-05-06"
    assert next(op for op in ops if op.code == "0:6").details["file"] == "file/1"
    who_is = next(op for op in ops if op.code == "1:8")
    assert (who_is.details["low_limit"], who_is.details["high_limit"]) == (1001, 1001)


def test_network_layer_message_and_bvlc_management_from_bacpypes3() -> None:
    npdu = WhoIsRouterToNetwork(5).encode()
    frames = [OriginalBroadcastNPDU(npdu).encode().pduData, RegisterForeignDevice(60).encode().pduData]
    session, rec = SPEC.new_session(), Recorder()
    for i, raw in enumerate(frames, 1):
        session.on_pdu(bytes(raw), ctx(i, "127.0.4.2", "127.0.4.1"), rec)
    assert [op.code for op in rec.ops] == ["0x0b", "0x05"]
    assert rec.ops[0].details["network_message"] == "Who-Is-Router-To-Network"
    assert rec.ops[0].op_class == OpClass.DIAGNOSTICS
    assert rec.ops[1].details["time_to_live"] == 60


def test_malformed_input_becomes_named_anomalies() -> None:
    payloads = dict((f, p) for f, _, _, p in datagrams())
    ack = payloads[4]  # ReadProperty-ACK object-name
    cases = {
        "bvlc.invalid_length": b"\x81\x0a",
        "bvlc.unknown_function": b"\x81\x2a\x00\x04",
        "bvlc.unknown_type": b"\x55\x0a\x00\x04",
        "bacapp.malformed_tag": ack[:-4],
    }
    for expected, raw in cases.items():
        rec = Recorder()
        SPEC.new_session().on_pdu(raw, ctx(1, "127.0.4.1", "127.0.4.2"), rec)
        assert expected in [a.name for a in rec.anomalies], expected
    rec = Recorder()
    SPEC.new_session().on_pdu(ack[:-4], ctx(1, "127.0.4.1", "127.0.4.2"), rec)
    assert [op.code for op in rec.ops] == ["0x0a", "3:12"]  # still counted, as tshark does


def test_probe_and_framing() -> None:
    payload = datagrams()[0][3]
    assert SPEC.probe(payload, "udp")
    assert not SPEC.probe(payload, "tcp") and not SPEC.probe(b"\x81\x0a\x00\x09", "udp")
    assert SPEC.pdu_length(payload) == len(payload)
    assert SPEC.pdu_length(b"\x81") == 0 and SPEC.pdu_length(b"\x00\x0a\x00\x04") == -1
