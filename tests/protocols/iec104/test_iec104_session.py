"""The IEC 104 session on the c104 capture: codes, classes, values, anomalies."""

from __future__ import annotations

import pytest

from plantwarden.protocols.base import OpClass, PduContext
from plantwarden.protocols.iec104 import SPEC
from protocols.stack_pdus import DATA, capture_pdus, replay
from tests.recorder import Recorder

PCAP = DATA / "iec104-c104.pcap"
SERVER = "127.0.2.2"

Pdus = list[tuple[PduContext, bytes]]


@pytest.fixture(scope="module")
def pdus() -> Pdus:
    return capture_pdus(PCAP, SPEC, 2404)


@pytest.fixture(scope="module")
def rec(pdus: Pdus) -> Recorder:
    return replay(SPEC, pdus)


def test_one_operation_per_apdu_with_tshark_codes(rec: Recorder, pdus: Pdus) -> None:
    assert len(rec.ops) == len(pdus)
    codes = [op.code for op in rec.ops]
    assert codes[:3] == ["U:0x01", "U:0x02", "I:100"]
    assert {"S", "I:45", "I:46", "I:47", "I:49", "I:50", "I:58", "I:103", "I:107"} <= set(codes)


def test_a_clean_session_has_no_anomaly(rec: Recorder) -> None:
    assert rec.anomalies == []


def test_commands_are_writes_and_monitoring_is_io_data(rec: Recorder) -> None:
    by_code = {(op.code, op.request): op for op in rec.ops}
    command = by_code[("I:45", True)]
    assert command.op_class is OpClass.WRITE and command.details["cause"] == "activation"
    assert by_code[("I:45", False)].details["cause"] == "activation_con"
    assert by_code[("I:1", False)].op_class is OpClass.IO_DATA
    assert by_code[("I:103", True)].op_class is OpClass.TIME_SYNC
    assert by_code[("I:100", True)].op_class is OpClass.READ
    assert by_code[("U:0x01", True)].op_class is OpClass.SESSION


def test_values_read_from_monitoring_and_written_by_commands(rec: Recorder) -> None:
    got = {(v.point, v.access): v.value for v in rec.values}
    assert got[("ca47/ioa1003", "read")] == -1234
    assert got[("ca47/ioa1004", "read")] == 21.5
    assert got[("ca47/ioa2005", "write")] == 42.25
    assert got[("ca47/ioa2001", "write")] is True
    assert all(v.device == SERVER for v in rec.values)
    assert ("ca47/ioa2005", "read") not in got  # confirmations are not new values


def test_a_missing_i_frame_is_a_sequence_gap(pdus: Pdus) -> None:
    from_server = [i for i, (ctx, p) in enumerate(pdus) if ctx.src == SERVER and p[2] & 1 == 0]
    rec = replay(SPEC, pdus[: from_server[2]] + pdus[from_server[2] + 1 :])
    gaps = [a for a in rec.anomalies if a.name == "iec104.sequence_gap"]
    assert len(gaps) == 1 and gaps[0].detail == "N(S)=3, expected 2"


def test_a_confirmation_without_activation(pdus: Pdus) -> None:
    confirmations = [(c, p) for c, p in pdus if len(p) > 8 and p[6] == 45 and p[8] == 7]
    rec = replay(SPEC, confirmations)
    assert rec.anomaly_names() == ["iec104.response_without_request"]


def test_malformed_apdus_become_named_anomalies(pdus: Pdus) -> None:
    ctx, command = next((c, p) for c, p in pdus if len(p) > 8 and p[6] == 45)
    short = bytes([0x68, 0x02]) + command[2:4]
    unknown = command[:6] + bytes([200]) + command[7:]
    overlong = command + b"\x00"
    overlong = overlong[:1] + bytes([len(overlong) - 2]) + overlong[2:]
    rec = replay(SPEC, [(ctx, short), (ctx, unknown), (ctx, overlong)])
    assert rec.anomaly_names() == [
        "iec104.invalid_length",
        "iec104.unknown_type_id",
        "iec104.sequence_gap",
        "iec104.invalid_length",
    ]
    assert [op.code for op in rec.ops] == ["I:200", "I:45"]


def test_probe_accepts_real_first_apdus_only(pdus: Pdus) -> None:
    assert SPEC.probe(pdus[0][1], "tcp")  # STARTDT act
    assert SPEC.probe(next(p for _, p in pdus if p[2] & 1 == 0), "tcp")  # an I frame
    assert not SPEC.probe(pdus[0][1], "udp")
    assert not SPEC.probe(b"GET / HTTP/1.1\r\n", "tcp")
    assert not SPEC.probe(pdus[0][1][:5], "tcp")
