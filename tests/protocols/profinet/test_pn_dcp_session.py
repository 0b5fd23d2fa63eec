"""PROFINET DCP on frames built by scapy (scapy.contrib.pnio_dcp), checked against tshark too."""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

import dpkt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plantwarden.analyze.pipeline import analyze_capture
from plantwarden.protocols.base import (
    Direction,
    OpClass,
    PduContext,
)
from plantwarden.protocols.profinet import SPEC
from plantwarden.protocols.profinet.session import DcpSession
from tests.recorder import Recorder

CAPTURE = Path(__file__).resolve().parents[2] / "data" / "captures" / "profinet-scapy.pcap"


def _mac(raw: bytes) -> str:
    return ":".join(f"{b:02x}" for b in raw)


@functools.cache
def frames() -> list[tuple[PduContext, bytes]]:
    out = []
    with CAPTURE.open("rb") as f:
        for number, (ts, buf) in enumerate(dpkt.pcap.Reader(f), start=1):
            eth = dpkt.ethernet.Ethernet(buf)
            ctx = PduContext(
                CAPTURE.name,
                number,
                int(ts * 1e9),
                "f",
                Direction.TO_SERVER,
                _mac(eth.src),
                _mac(eth.dst),
                0,
                0,
                "eth",
            )
            out.append((ctx, bytes(eth.data)))
    return out


@functools.cache
def decoded() -> list[Recorder]:
    recs = []
    for ctx, payload in frames():
        rec = Recorder()
        DcpSession().on_pdu(payload, ctx, rec)
        recs.append(rec)
    return recs


def test_codes_and_op_classes() -> None:
    ops = [rec.ops[0] for rec in decoded()]
    assert [op.code for op in ops] == [
        "5:req",
        "5:rsp",
        "5:rsp",
        "5:req",
        "5:rsp",
        "4:req",
        "4:rsp",
        "4:req",
        "4:rsp",
        "4:req",
        "4:rsp",
    ]
    assert {op.op_class for op in ops if op.code.startswith("5:")} == {OpClass.DIAGNOSTICS}
    assert {op.op_class for op in ops if op.code == "4:req"} == {OpClass.WRITE}
    assert all(not rec.anomalies for rec in decoded())


def test_identify_responses_become_identities() -> None:
    ident = decoded()[2].identities[0]
    assert ident.address == "02:00:00:03:00:12"
    assert ident.fields == {
        "name": "io-rack7",
        "vendor": "ET200SP",
        "product": "ET200SP",
        "vendor_id": "0x002a",
        "device_id": "0x0313",
        "device_role": "IO-Device",
        "ip": "192.168.3.12",
        "netmask": "255.255.255.0",
        "gateway": "192.168.3.1",
    }
    assert decoded()[3].ops[0].details["name_of_station"] == "plc-line1"  # identify filter


def test_set_requests_are_flagged_risky() -> None:
    rename, move_ip, signal = (decoded()[i].ops[0].details for i in (5, 7, 9))
    assert rename["name_of_station"] == "plc-pack2" and rename["risky"] is True
    assert move_ip["ip"] == "10.9.9.9" and "IP address" in str(move_ip["risk"])
    assert signal["risky"] is True and signal["blocks"] == ["Signal"]
    assert decoded()[8].ops[0].details["error"] == "in operation, set not possible"
    assert "error" not in decoded()[6].ops[0].details


def test_malformed_frames_are_named() -> None:
    ctx, payload = frames()[1]
    rec = Recorder()
    DcpSession().on_pdu(payload[:8], ctx, rec)
    DcpSession().on_pdu(payload[:20], ctx, rec)
    DcpSession().on_pdu(payload[:2] + b"\x09" + payload[3:], ctx, rec)
    assert [a.name for a in rec.anomalies] == [
        "pn_dcp.invalid_length",
        "pn_dcp.invalid_length",
        "pn_dcp.unknown_function",
    ]
    assert SPEC.probe(payload, "eth") and not SPEC.probe(b"\x80\x00" + payload[2:], "eth")


@pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed")
def test_decode_agrees_with_tshark() -> None:
    fields = [
        "pn_dcp.service_id",
        "pn_dcp.service_type",
        "pn_dcp.suboption_device_nameofstation",
        "pn_dcp.suboption_vendor_id",
        "pn_dcp.suboption_device_id",
        "pn_dcp.suboption_ip_ip",
    ]
    cmd = ["tshark", "-n", "-r", str(CAPTURE), "-T", "fields", "-E", "occurrence=f"]
    for name in fields:
        cmd += ["-e", name]
    lines = subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()
    rows = [line.split("\t") for line in lines]
    assert len(rows) == len(decoded())
    for row, rec in zip(rows, decoded(), strict=True):
        op = rec.ops[0]
        sid, stype, name, vendor, device, ip = row
        assert op.code == f"{sid}:{'req' if stype == '0' else 'rsp'}"
        if name:
            assert op.details["name_of_station"] == name
            assert op.request or rec.identities[0].fields["name"] == name
        if vendor:
            assert (op.details["vendor_id"], op.details["device_id"]) == (vendor, device)
        if ip:
            assert op.details["ip"] == ip


def test_engine_conversations() -> None:
    rows = {
        (r["src"], r["dst"], r["code"]): r["count"]
        for r in analyze_capture(CAPTURE).conversations
        if r["proto"] == "pn_dcp"
    }
    assert rows[("02:00:00:03:00:01", "01:0e:cf:00:00:00", "5:req")] == 2
    assert rows[("02:00:00:03:00:01", "02:00:00:03:00:12", "4:req")] == 2  # one of them VLAN-tagged
    assert sum(rows.values()) == 11


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10), st.integers(0, 120), st.integers(0, 255), st.integers(0, 120))
def test_mutations_never_raise(index: int, pos: int, byte: int, cut: int) -> None:
    ctx, payload = frames()[index]
    mutated = bytearray(payload)
    mutated[pos % len(mutated)] = byte
    DcpSession().on_pdu(bytes(mutated[: max(cut, 1)]), ctx, Recorder())
    DcpSession().on_pdu(bytes(mutated), ctx, Recorder())
