"""IEC 60870-5-104 in the kernel (fast.iec104): what it counts, and the fast engine still
equals the pure-Python engine when N(S) jumps (the sessions it primes report the gap)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import dpkt
import numpy as np
import pytest

from plantwarden.analyze.pipeline import analyze_capture
from plantwarden.fast import layout as L
from plantwarden.fast.bridge import Bridge
from plantwarden.fast.iec104 import iec104_pdu
from plantwarden.fast.labels import describe
from tests.fast.test_equivalence import _python, _same

SHARED = Path(__file__).resolve().parents[3] / "shared" / "captures"
MIXED = SHARED / "mixed-emre-104deneme2.pcap"
TESTS = SHARED / "iec104-iti-TestDissectIec104.pcap"
pytestmark = pytest.mark.skipif(not MIXED.exists(), reason="the shared captures are not there")


def _judge(apdu: bytes, d: int = 1, tmp: np.ndarray | None = None, detect: int = 0) -> tuple[int, int]:
    g = np.zeros(L.NG, np.int64)
    g[L.G_SAMPLE0 + 8] = 1  # past the first sampled monitoring ASDU
    g[L.G_DETECT] = detect
    tmp = np.zeros(8, np.int64) if tmp is None else tmp
    b = np.frombuffer(apdu, np.uint8)
    return iec104_pdu(b, 0, len(b), d, tmp, g)


def _i(ns: int, asdu: bytes) -> bytes:
    return bytes([0x68, len(asdu) + 4]) + (ns << 1).to_bytes(2, "little") + b"\0\0" + asdu


# M_ME_NC_1 (13), one object, spontaneous (3), common address 1: IOA 3 octets + 4 float + QDS
FLOAT = bytes([13, 1, 3, 0, 1, 0]) + b"\x01\0\0" + b"\0\0\x80\x3f" + b"\0"


def test_monitoring_s_and_u_frames_are_counted_with_the_python_names() -> None:
    act, label = _judge(_i(0, FLOAT))
    assert act == L.A_COUNT and describe(label)[:2] == ("iec104", "I:13")
    act, label = _judge(bytes([0x68, 4, 1, 0, 10, 0]))
    assert act == L.A_COUNT and describe(label)[:3] == ("iec104", "S", "S-format ack")
    act, label = _judge(bytes([0x68, 4, 0x43, 0, 0, 0]))
    assert act == L.A_COUNT and describe(label)[1:3] == ("U:0x10", "TESTFR act")


@pytest.mark.parametrize("asdu", [
    bytes([45, 1, 6, 0, 1, 0]) + b"\x01\0\0\x01",  # C_SC_NA_1 activation: a command
    bytes([100, 1, 7, 0, 1, 0]) + b"\0\0\0\x14",  # interrogation confirmation: paired by the session
    FLOAT[:-1],  # one octet short: invalid_length
    bytes([13, 1, 3 | 0x40, 0, 1, 0]) + FLOAT[6:],  # P/N set
    bytes([99, 1, 3, 0, 1, 0]) + FLOAT[6:],  # unknown type
])
def test_commands_confirmations_and_odd_asdus_go_to_the_session(asdu: bytes) -> None:
    assert _judge(_i(0, asdu))[0] == L.A_PRIME_ROUTE


def test_a_sequence_gap_primes_the_session_with_the_expected_number() -> None:
    tmp = np.zeros(8, np.int64)
    assert _judge(_i(7, FLOAT), 1, tmp)[0] == L.A_COUNT
    assert tmp[2] == 9  # next N(S) towards the client, + 1
    assert _judge(_i(9, FLOAT), 1, tmp)[0] == L.A_PRIME_ROUTE
    assert _judge(_i(10, FLOAT), 1, tmp)[0] == L.A_COUNT


def test_with_detection_every_apdu_goes_to_the_session() -> None:
    assert _judge(_i(0, FLOAT), detect=1)[0] == L.A_PRIME_ROUTE
    assert _judge(bytes([0x68, 4, 1, 0, 10, 0]), detect=1)[0] == L.A_ROUTE


def _routed(capture: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Counter[str], dict[str, object]]:
    routed: Counter[str] = Counter()
    pdu = Bridge._pdu

    def counting(self: Bridge, e: list[int], data: bytes) -> None:
        routed[self.specs[e[L.E_PROTO]].name] += 1
        pdu(self, e, data)

    monkeypatch.setattr(Bridge, "_pdu", counting)
    return routed, analyze_capture(capture, engine="fast").doc


@pytest.mark.parametrize("capture", [MIXED, TESTS], ids=lambda p: p.name)
def test_the_kernel_counts_most_apdus_of_the_shared_captures(capture: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    routed, doc = _routed(capture, monkeypatch)
    ops = sum(c["count"] for c in doc["conversations"] if c["proto"] == "iec104")
    assert 0 < routed["iec104"] < ops / 2
    _same(doc, _python(capture))


def _rewritten(tmp_path: Path, frame: int, drop: bool) -> Path:
    """The mixed capture with one server I-format APDU dropped (a TCP gap: the flow goes to
    Python) or its N(S) raised by one (an N(S) gap the kernel routes)."""
    out = tmp_path / "rewritten.pcap"
    with MIXED.open("rb") as f, out.open("wb") as g:
        writer = dpkt.pcap.Writer(g, linktype=1)
        for n, (ts, raw) in enumerate(dpkt.pcap.Reader(f), 1):
            if n == frame and drop:
                continue
            if n == frame:
                data = bytearray(raw)
                at = data.index(b"\x68", 54)
                seq = int.from_bytes(data[at + 2 : at + 4], "little") + 2
                data[at + 2 : at + 4] = seq.to_bytes(2, "little")
                raw = bytes(data)
            writer.writepkt(raw, ts)
    return out


@pytest.mark.parametrize("drop", [False, True], ids=["ns_gap", "tcp_gap"])
def test_a_gap_after_counted_apdus_is_reported_as_python_reports_it(tmp_path: Path, drop: bool) -> None:
    capture = _rewritten(tmp_path, 31, drop)  # server I-format N(S)=23 (M_ME_ND_1)
    python = analyze_capture(capture, engine="python").doc
    if not drop:
        assert python["anomaly_counts"].get("iec104.sequence_gap", 0) >= 1
    _same(analyze_capture(capture, engine="fast").doc, python)
