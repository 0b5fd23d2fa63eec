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


def _frames(capture: Path) -> list[tuple[int, int, bytes]]:
    """(frame number, direction, link frame) of every whole link frame in the capture's TCP
    port 20000 segments, in capture order (direction 0: to port 20000)."""
    out = []
    with capture.open("rb") as f:
        for n, (_, raw) in enumerate(dpkt.pcap.Reader(f), 1):
            ip = dpkt.ethernet.Ethernet(raw).data
            tcp = getattr(ip, "data", None)
            if not isinstance(tcp, dpkt.tcp.TCP) or 20000 not in (tcp.sport, tcp.dport):
                continue
            data = bytes(tcp.data)
            while data and 0 < (size := wire.frame_length(data[:3])) <= len(data):
                out.append((n, 0 if tcp.dport == 20000 else 1, data[:size]))
                data = data[size:]
    return out


def _judge(frame: bytes, tmp: np.ndarray | None = None, detect: int = 0, sample: int = 1,
           d: int = 0) -> tuple[int, int]:
    g = np.zeros(L.NG, np.int64)
    g[L.G_SAMPLE_DNP3] = sample  # 1: past the first sampled read
    g[L.G_DETECT] = detect
    tmp = _slot() if tmp is None else tmp
    b = np.frombuffer(frame, np.uint8)
    assert dnp3_frame(b, 0, len(b)) == len(b)
    return dnp3_pdu(b, 0, len(b), d, tmp, g)


def _slot() -> np.ndarray:
    """A new flow's pairing slot (kernel._new_flow): no Read, no fragment in reassembly."""
    tmp = np.zeros(8, np.int64)
    tmp[0] = tmp[5] = -1
    return tmp


def _ctx(frame: int) -> PduContext:
    return PduContext("c", frame, 0, "f", Direction.TO_SERVER, "a", "b", 1, 2, "tcp", frame)


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda p: p.name)
def test_what_the_kernel_counts_the_session_names_alike_without_an_anomaly(capture: Path) -> None:
    tmp = _slot()
    counted = 0
    frames = _frames(capture)
    for n, d, frame in frames:
        act, label = _judge(frame, tmp, d=d)
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
    """``frame``'s link header around another single-segment application fragment."""
    return _segment(frame, 0xC0 | frame[10] & 0x3F, fragment)


def _read_request() -> bytes:
    return next(f for _, _, f in _frames(POLLS) if len(f) > 12 and f[12] == 1)


def _user_data(frame: bytes) -> bytes:
    return wire.user_data(frame, frame[2])[0]


def test_a_read_pairs_with_its_response_and_a_routed_request_takes_the_slot() -> None:
    read = _read_request()
    tmp = _slot()
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
    assert _judge(response, _slot())[0] == L.A_ROUTE  # not the kernel's Read
    bad = bytearray(response)
    bad[-1] ^= 1  # a block CRC: the session reports it, primed with the kernel's Read
    assert _judge(bytes(bad), tmp.copy())[0] == L.A_PRIME_ROUTE
    write = _reframed(read, bytes([fragment[0], 2]) + fragment[2:])  # a Write under the same key
    slot = tmp.copy()
    assert _judge(write, slot)[0] == L.A_ROUTE and slot[0] == -1


def test_odd_frames_go_to_the_session() -> None:
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


def _segment(frame: bytes, transport: int, fragment: bytes) -> bytes:
    """``frame``'s link header around one transport segment, CRCs as IEEE 1815 §9.2.5 says."""
    data = bytes([transport]) + fragment
    head = frame[:2] + bytes([len(data) + 5]) + frame[3:8]
    out = head + wire.crc(head).to_bytes(2, "little")
    for k in range(0, len(data), 16):
        block = data[k : k + 16]
        out += block + wire.crc(block).to_bytes(2, "little")
    return out


def test_a_fragment_over_several_frames_is_reassembled_by_the_session() -> None:
    read = _read_request()
    fragment = _user_data(read)[1:]
    seq = read[10] & 0x3F
    first = _segment(read, 0x40 | seq, fragment[:2])
    last = _segment(read, 0x80 | (seq + 1) & 0x3F, fragment[2:])
    tmp = _slot()
    assert _judge(read, tmp)[0] == L.A_COUNT and tmp[0] >= 0
    assert _judge(first, tmp)[0] == L.A_ROUTE
    assert tmp[0] == -1 and tmp[2] != 0 and tmp[7] == 0  # in reassembly towards the server
    assert _judge(read, tmp, d=1)[0] == L.A_HANDOVER  # the same address pair the other way
    other = read[:4] + read[6:8] + read[4:6] + read[8:]  # another pair this way
    assert _judge(_segment(other, 0x40, fragment[:2]), tmp.copy())[0] == L.A_HANDOVER
    assert _judge(last, tmp)[0] == L.A_ROUTE and tmp[2] == 0  # complete: the session has it
    assert _judge(read, tmp)[0] == L.A_COUNT
    assert _judge(last, tmp)[0] == L.A_ROUTE and tmp[2] == 0  # out of order: dropped there


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


def _changed(data: bytes, change: str) -> bytes:
    frame = bytearray(data)
    if change == "crc":  # a block CRC broken
        frame[-1] ^= 0xFF
    elif change == "split":  # the fragment in two transport segments, two link frames
        seq = frame[10] & 0x3F
        fragment = _user_data(data)[1:]
        last = _segment(data, 0x80 | (seq + 1) & 0x3F, fragment[30:])
        return _segment(data, 0x40 | seq, fragment[:30]) + last
    else:  # the transport header's FIN cleared: the session waits for more
        frame[10] &= 0x7F
        end = min(len(frame) - 2, 10 + 16)
        frame[end : end + 2] = wire.crc(bytes(frame[10:end])).to_bytes(2, "little")
    return bytes(frame)


def _target(packets: list[tuple[float, bytes]], change: str) -> int:
    """Which packet to change: the outstation's first Response after a Read ("crc",
    "fir_only"), its last frame with user data on the first connection, which the kernel
    ends when it has been idle for 300 s ("fir_only_last"), or its first Unsolicited Response
    longer than 30 octets ("split")."""
    read, found, first = False, [], None
    for k, (_, raw) in enumerate(packets):
        tcp = dpkt.ethernet.Ethernet(raw).data.data
        data = bytes(tcp.data)
        function = data[12] if len(data) > 12 else -1
        read = read or (function == 1 and tcp.dport == 20000)
        if tcp.sport != 20000 or function < 0:
            continue
        if (change in ("crc", "fir_only") and read and function == 0x81) or (
                change == "split" and function == 0x82 and data[2] > 40):
            return k
        first = tcp.dport if first is None else first
        if tcp.dport == first:
            found.append(k)
    return found[-1]


def _rewritten(tmp_path: Path, change: str) -> Path:
    """The polling capture with one frame of the outstation changed (``_changed``); later
    sequence and acknowledgement numbers of its connection follow a change of length."""
    out = tmp_path / f"{change}.pcap"
    with POLLS.open("rb") as f:
        packets = list(dpkt.pcap.Reader(f))
    k = _target(packets, change)
    port = dpkt.ethernet.Ethernet(packets[k][1]).data.data.dport
    delta = 0
    with out.open("wb") as g:
        writer = dpkt.pcap.Writer(g, linktype=1)
        for n, (ts, raw) in enumerate(packets):
            eth = dpkt.ethernet.Ethernet(raw)
            ip, tcp = eth.data, eth.data.data
            if n == k:
                before = len(tcp.data)
                tcp.data = _changed(bytes(tcp.data), change)
                delta = len(tcp.data) - before
                ip.len, ip.sum = ip.len + delta, 0
                raw = bytes(eth)
            elif n > k and delta and port in (tcp.sport, tcp.dport):
                if tcp.sport == 20000:
                    tcp.seq = (tcp.seq + delta) & 0xFFFFFFFF
                else:
                    tcp.ack = (tcp.ack + delta) & 0xFFFFFFFF
                raw = bytes(eth)
            writer.writepkt(raw, ts)
    return out


@pytest.mark.parametrize("change", ["crc", "fir_only", "fir_only_last", "split"])
def test_a_routed_response_or_a_fragment_in_reassembly_gives_the_python_document(
        tmp_path: Path, change: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Response the kernel cannot count, primed with its Read; a fragment the session holds
    until the next frame, or to the flow's end (its link operation then flushed); a fragment
    over two link frames of one segment, reassembled by the session while the kernel keeps
    the flow (two more frames routed, nothing handed over)."""
    capture = _rewritten(tmp_path, change)
    python = analyze_capture(capture, engine="python").doc
    if change == "crc":
        assert python["anomaly_counts"].get("dnp3.crc_error", 0) >= 1
    routed, fast = _routed(capture, monkeypatch)
    _same(fast, python)
    if change == "split":
        monkeypatch.undo()
        assert routed["dnp3"] == _routed(POLLS, monkeypatch)[0]["dnp3"] + 2


def test_with_detection_the_alerts_are_the_pure_python_engines() -> None:
    """A baseline learned on the capture's first hour: the later connections' restarts,
    writes and new peers raise alerts, with every DNP3 frame in the sessions (as IEC 104)."""
    baseline = _learned(POLLS, 3600.0)
    fast, _ = _alerts(POLLS, baseline, None, "fast")
    assert fast, "the capture's later hours depart from its first"
    assert fast == _alerts(POLLS, baseline, None, "python")[0]
