"""DNP3 in the kernel (fast.dnp3): every frame it counts is one the Python session names the
same way without an anomaly; what it must not count goes to the session; and the fast engine
equals the pure-Python engine when a counted Read's response is routed or a flow handed over."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import dpkt
import numpy as np
import pytest

from plantwarden.analyze.pipeline import analyze_capture
from plantwarden.fast import layout as L
from plantwarden.fast.bridge import Bridge
from plantwarden.fast.dnp3 import dnp3_frame, dnp3_pdu, dnp3_probe
from plantwarden.fast.labels import describe
from plantwarden.protocols.base import Anomaly, Direction, Identity, Operation, PduContext, PointValue
from plantwarden.protocols.dnp3 import wire
from plantwarden.protocols.dnp3.session import Dnp3Session
from tests.fast.test_detection import _alerts, _learned
from tests.fast.test_equivalence import _python, _same

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "captures"
PUBLIC = ROOT / "tests" / "data" / "captures" / "public"
POLLS = SHARED / "dnp3-iti-dnp3_test_data_part1.pcap"
CAPTURES = [*sorted(SHARED.glob("dnp3-*.pcap")), *sorted(PUBLIC.glob("dnp3-*.pcap"))]
pytestmark = pytest.mark.skipif(not POLLS.exists(), reason="the shared captures are not there")


class _Out:
    def __init__(self) -> None:
        self.ops: list[Operation] = []
        self.anomalies: list[Anomaly] = []

    def operation(self, op: Operation) -> None:
        self.ops.append(op)

    def anomaly(self, a: Anomaly) -> None:
        self.anomalies.append(a)

    def identity(self, identity: Identity) -> None:
        pass

    def value(self, v: PointValue) -> None:
        pass


def _frames(capture: Path) -> list[tuple[int, bytes]]:
    """(frame number, link frame) of every whole link frame in the capture's TCP port 20000
    segments, in capture order."""
    out = []
    with capture.open("rb") as f:
        for n, (_, raw) in enumerate(dpkt.pcap.Reader(f), 1):
            ip = dpkt.ethernet.Ethernet(raw).data
            tcp = getattr(ip, "data", None)
            if not isinstance(tcp, dpkt.tcp.TCP) or 20000 not in (tcp.sport, tcp.dport):
                continue
            data = bytes(tcp.data)
            while data and 0 < (size := wire.frame_length(data[:3])) <= len(data):
                out.append((n, data[:size]))
                data = data[size:]
    return out


def _judge(frame: bytes, tmp: np.ndarray | None = None, detect: int = 0, sample: int = 1) -> tuple[int, int]:
    g = np.zeros(L.NG, np.int64)
    g[L.G_SAMPLE_DNP3] = sample  # 1: past the first sampled read
    g[L.G_DETECT] = detect
    tmp = np.full(8, -1, np.int64) if tmp is None else tmp
    b = np.frombuffer(frame, np.uint8)
    assert dnp3_frame(b, 0, len(b)) == len(b)
    return dnp3_pdu(b, 0, len(b), tmp, g)


def _ctx(frame: int) -> PduContext:
    return PduContext("c", frame, 0, "f", Direction.TO_SERVER, "a", "b", 1, 2, "tcp", frame)


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda p: p.name)
def test_what_the_kernel_counts_the_session_names_alike_without_an_anomaly(capture: Path) -> None:
    tmp = np.full(8, -1, np.int64)
    counted = 0
    frames = _frames(capture)
    for n, frame in frames:
        act, label = _judge(frame, tmp)
        if act == L.A_HANDOVER:  # the rest of this capture's flow is Python's
            break
        if act != L.A_COUNT:
            continue
        counted += 1
        out = _Out()
        Dnp3Session().on_pdu(frame, _ctx(n), out)
        assert not out.anomalies
        assert len(out.ops) == 1
        op = out.ops[0]
        assert describe(label) == (op.proto, op.code, op.name, op.op_class)
    if capture == POLLS:
        assert counted > len(frames) // 2  # confirms, unsolicited responses, reads and their answers


def _reframed(frame: bytes, fragment: bytes) -> bytes:
    """``frame``'s link header around another single-segment application fragment, with the
    header and block CRCs computed as IEEE 1815 §9.2.5 says."""
    data = bytes([0xC0 | frame[10] & 0x3F]) + fragment
    head = frame[:2] + bytes([len(data) + 5]) + frame[3:8]
    out = head + wire.crc(head).to_bytes(2, "little")
    for k in range(0, len(data), 16):
        block = data[k : k + 16]
        out += block + wire.crc(block).to_bytes(2, "little")
    return out


def _read_request() -> bytes:
    return next(f for _, f in _frames(SHARED / "dnp3-iti-dnp3_test_data_part1.pcap")
                if len(f) > 12 and f[12] == 1)


def _user_data(frame: bytes) -> bytes:
    return wire.user_data(frame, frame[2])[0]


def test_a_read_pairs_with_its_response_and_a_routed_request_takes_the_slot() -> None:
    read = _read_request()
    tmp = np.full(8, -1, np.int64)
    act, label = _judge(read, tmp)
    assert act == L.A_COUNT and describe(label)[1:] == ("1", "Read", describe(label)[3])
    assert tmp[0] >= 0
    fragment = _user_data(read)[1:]
    # the outstation's empty response (control FIR|FIN + the Read's sequence, IIN 0 0)
    rsp_head = read[:3] + bytes([0x44]) + read[6:8] + read[4:6]
    response = _reframed(rsp_head + b"\0\0" + read[10:], bytes([0xC0 | fragment[0] & 0x0F, 0x81, 0, 0]))
    out = _Out()
    Dnp3Session().on_pdu(response, _ctx(1), out)
    assert not out.anomalies and out.ops[0].code == "129"
    assert _judge(response, tmp.copy())[0] == L.A_COUNT
    assert _judge(response, np.full(8, -1, np.int64))[0] == L.A_ROUTE  # not the kernel's Read
    bad = bytearray(response)
    bad[-1] ^= 1  # a block CRC: the session reports it, primed with the kernel's Read
    assert _judge(bytes(bad), tmp.copy())[0] == L.A_PRIME_ROUTE
    write = _reframed(read, bytes([fragment[0], 2]) + fragment[2:])  # a Write under the same key
    slot = tmp.copy()
    assert _judge(write, slot)[0] == L.A_ROUTE and slot[0] == -1


def test_odd_frames_go_to_the_session_and_a_long_fragment_hands_the_flow_over() -> None:
    read = _read_request()
    fragment = _user_data(read)[1:]
    assert _judge(read, sample=0)[0] == L.A_ROUTE  # the sampled Read
    assert _judge(read, detect=1)[0] == L.A_ROUTE
    for function in (2, 3, 4, 5, 13, 20, 25, 99):
        assert _judge(_reframed(read, bytes([fragment[0], function]) + fragment[2:]))[0] == L.A_ROUTE
    group0 = _reframed(read, bytes([fragment[0], 1, 0, 0xFE, 0x06]))  # device attributes
    assert _judge(group0)[0] == L.A_ROUTE
    assert _judge(_reframed(read, bytes([fragment[0], 1, 60, 2, 0x0A])))[0] == L.A_ROUTE  # bad qualifier
    bad = bytearray(read)
    bad[8] ^= 1  # the header CRC: the session discards the frame
    assert _judge(bytes(bad))[0] == L.A_ROUTE and not dnp3_probe(np.frombuffer(bytes(bad), np.uint8), 0, 12)
    first = bytearray(read)
    first[10] &= 0x7F  # FIR without FIN: the fragment goes on in the next link frame
    first[-2:] = wire.crc(bytes(first[10:-2])).to_bytes(2, "little")
    assert _judge(bytes(first))[0] == L.A_HANDOVER


def _routed(capture: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Counter[str], dict[str, Any]]:
    routed: Counter[str] = Counter()
    pdu = Bridge._pdu

    def counting(self: Bridge, e: list[int], data: bytes) -> None:
        routed[self.specs[e[L.E_PROTO]].name] += 1
        pdu(self, e, data)

    monkeypatch.setattr(Bridge, "_pdu", counting)
    return routed, analyze_capture(capture, engine="fast").doc


def test_the_kernel_counts_most_frames_of_the_shared_capture(monkeypatch: pytest.MonkeyPatch) -> None:
    routed, doc = _routed(POLLS, monkeypatch)
    ops = sum(c["count"] for c in doc["conversations"] if c["proto"] == "dnp3")
    assert 0 < routed["dnp3"] < ops / 2  # the rest: writes, restarts, unsolicited control, their answers
    _same(doc, _python(POLLS))


def _rewritten(tmp_path: Path, change: str) -> Path:
    """The polling capture with the outstation's first response to a Read changed: a block
    CRC broken (the response is routed, primed with the kernel's Read), or its transport
    header's FIN cleared (the flow goes to Python, which holds the kernel's Read)."""
    out = tmp_path / f"{change}.pcap"
    done = read = False
    with POLLS.open("rb") as f, out.open("wb") as g:
        writer = dpkt.pcap.Writer(g, linktype=1)
        for ts, raw in dpkt.pcap.Reader(f):
            eth = dpkt.ethernet.Ethernet(raw)
            tcp = eth.data.data
            data = bytes(getattr(tcp, "data", b""))
            function = data[12] if isinstance(tcp, dpkt.tcp.TCP) and len(data) > 12 else -1
            read = read or (function == 1 and tcp.dport == 20000)
            if read and not done and function == 0x81 and tcp.sport == 20000:
                frame = bytearray(data)
                if change == "crc":
                    frame[-1] ^= 0xFF
                else:
                    frame[10] &= 0x7F
                    end = min(len(frame) - 2, 10 + 16)
                    frame[end : end + 2] = wire.crc(bytes(frame[10:end])).to_bytes(2, "little")
                tcp.data = bytes(frame)
                raw, done = bytes(eth), True
            writer.writepkt(raw, ts)
    assert done
    return out


@pytest.mark.parametrize("change", ["crc", "fir_only"])
def test_a_routed_response_or_a_handed_over_flow_is_paired_as_python_pairs_it(tmp_path: Path,
                                                                               change: str) -> None:
    capture = _rewritten(tmp_path, change)
    python = analyze_capture(capture, engine="python").doc
    if change == "crc":
        assert python["anomaly_counts"].get("dnp3.crc_error", 0) >= 1
    _same(analyze_capture(capture, engine="fast").doc, python)


def test_with_detection_the_alerts_are_the_pure_python_engines() -> None:
    """A baseline learned on the capture's first hour: the later connections' restarts,
    writes and new peers raise alerts, with every DNP3 frame in the sessions (as IEC 104)."""
    baseline = _learned(POLLS, 3600.0)
    fast, _ = _alerts(POLLS, baseline, None, "fast")
    assert fast, "the capture's later hours depart from its first"
    assert fast == _alerts(POLLS, baseline, None, "python")[0]
