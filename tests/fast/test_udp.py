"""UDP in the kernel (fast.udp): what it counts, what it leaves to the sessions, and the fast
engine still equals the pure-Python engine when a UDP flow goes to Python mid-way or idles out."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import dpkt
import numpy as np
import pytest

from plantwarden.analyze.pipeline import analyze_capture
from plantwarden.fast import layout as L
from plantwarden.fast.bridge import Bridge
from plantwarden.fast.labels import describe
from plantwarden.fast.udp import udp_pdu, udp_probe
from plantwarden.net.flows import Flow
from tests.fast.test_equivalence import _python, _same

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "captures"
SHARED = ROOT.parent / "shared" / "captures"
DNSMASQ = DATA / "it-dnsmasq.pcap"  # dnsmasq answering DNS, mDNS and LLMNR (tests/data/generate)
DAEMONS = DATA / "it-daemons.pcap"  # NTP and SNMP daemons
CPPPO = DATA / "enip-cpppo.pcap"  # a List Identity request over UDP 44818
ENIP_IO = SHARED / "enip-cisa-enip_cip_example.pcap"  # class-1 I/O on UDP 2222
NBNS = SHARED / "attack-lemay-moving_two_files_modbus_6RTU.pcap"  # NetBIOS name queries
SSDP = SHARED / "mixed-emre-104deneme2.pcap"  # SSDP on 1900, DHCPv6, mDNS
DNP3 = DATA / "dnp3-udp-reframed.pcap"  # the public DNP3 captures' link frames in UDP datagrams
needs_shared = pytest.mark.skipif(not ENIP_IO.exists(), reason="the shared captures are not there")


def _datagrams(capture: Path, port: int) -> list[tuple[int, int, int, bytes]]:
    """(frame, source port, destination port, payload) of the capture's UDP datagrams on ``port``."""
    out = []
    with capture.open("rb") as f:
        for n, (_, raw) in enumerate(dpkt.pcap.Reader(f), 1):
            ip = dpkt.ethernet.Ethernet(raw).data
            udp = getattr(ip, "data", None)
            if isinstance(udp, dpkt.udp.UDP) and port in (udp.sport, udp.dport):
                out.append((n, udp.sport, udp.dport, bytes(udp.data)))
    return out


def _judge(pid: int, sport: int, dport: int, payload: bytes, src: int = 7,
           seen: np.ndarray | None = None) -> tuple[int, int]:
    g = np.zeros(L.NG, np.int64)
    seen = np.zeros((L.SEEN_CAP, 2), np.uint64) if seen is None else seen
    b = np.frombuffer(payload, np.uint8)
    return udp_pdu(pid, b, 0, len(b), sport, dport, g, seen, src)


def test_dns_queries_are_counted_with_the_python_names() -> None:
    _, sport, dport, query = _datagrams(DNSMASQ, 53)[0]
    assert udp_probe(L.P_DNS, np.frombuffer(query, np.uint8), 0, len(query))
    act, label = _judge(L.P_DNS, sport, dport, query)
    assert act == L.A_COUNT and describe(label) == ("dns", "query:A", "query A", describe(label)[3])


def test_an_answer_with_addresses_goes_to_python_once_per_sender_and_content() -> None:
    _, sport, dport, answer = _datagrams(DNSMASQ, 53)[1]
    seen = np.zeros((L.SEEN_CAP, 2), np.uint64)
    assert _judge(L.P_DNS, sport, dport, answer, 7, seen)[0] == L.A_ROUTE  # the identity it names
    act, label = _judge(L.P_DNS, sport, dport, answer, 7, seen)
    assert act == L.A_COUNT and describe(label)[:2] == ("dns", "response:A")
    other_id = answer[:1] + bytes([answer[1] ^ 0xFF]) + answer[2:]  # the ID does not matter
    assert _judge(L.P_DNS, sport, dport, other_id, 7, seen)[0] == L.A_COUNT
    assert _judge(L.P_DNS, sport, dport, answer, 8, seen)[0] == L.A_ROUTE  # another sender


def test_a_cut_or_odd_dns_message_goes_to_python() -> None:
    _, sport, dport, query = _datagrams(DNSMASQ, 53)[0]
    assert _judge(L.P_DNS, sport, dport, query[:-3])[0] == L.A_ROUTE  # dns.malformed there
    update = query[:2] + bytes([query[2] | 0x28]) + query[3:]  # opcode 5
    assert _judge(L.P_DNS, sport, dport, update)[0] == L.A_ROUTE
    assert _judge(L.P_DNS, 5355, 40000, query)[0] == L.A_ROUTE  # LLMNR


def test_mdns_is_labelled_by_its_port() -> None:
    _, sport, dport, query = _datagrams(DNSMASQ, 5353)[0]
    act, label = _judge(L.P_DNS, sport, dport, query)
    assert act == L.A_COUNT and describe(label)[:2] == ("mdns", "query:A")


def test_ntp_client_and_server_modes_count_once_their_identity_fields_were_seen() -> None:
    for _, sport, dport, payload in _datagrams(DAEMONS, 123):
        seen = np.zeros((L.SEEN_CAP, 2), np.uint64)
        assert udp_probe(L.P_NTP, np.frombuffer(payload, np.uint8), 0, len(payload))
        assert _judge(L.P_NTP, sport, dport, payload, 7, seen)[0] == L.A_ROUTE
        act, label = _judge(L.P_NTP, sport, dport, payload, 7, seen)
        assert act == L.A_COUNT and describe(label)[0] == "ntp"
        assert describe(label)[1] in ("3", "4")
    _, sport, dport, payload = _datagrams(DAEMONS, 123)[0]
    assert _judge(L.P_NTP, sport, dport, payload[:40])[0] == L.A_ROUTE  # ntp.invalid_length


@needs_shared
def test_class1_io_is_counted_and_a_short_sequenced_address_is_not() -> None:
    _, sport, dport, io = _datagrams(ENIP_IO, 2222)[0]
    assert udp_probe(L.P_ENIP_IO, np.frombuffer(io, np.uint8), 0, len(io))
    act, label = _judge(L.P_ENIP_IO, sport, dport, io)
    assert act == L.A_COUNT and describe(label)[:3] == ("cipio", "io", "Class 1 I/O")
    short = io[:4] + (4).to_bytes(2, "little") + io[6:10] + io[14:]  # 0x8002 of 4 octets
    assert _judge(L.P_ENIP_IO, sport, dport, short)[0] == L.A_ROUTE
    assert _judge(L.P_ENIP_IO, sport, dport, io[:-1])[0] == L.A_ROUTE  # the last item runs past


Kernel = tuple[Counter[str], Counter[str], dict[str, object]]


def _kernel(capture: Path, monkeypatch: pytest.MonkeyPatch) -> Kernel:
    """What the kernel counted (by proto) and routed to the sessions, and the document."""
    counted: Counter[str] = Counter()
    routed: Counter[str] = Counter()
    merge, pdu = Bridge.merge, Bridge._pdu

    def merging(self: Bridge) -> None:
        used = np.flatnonzero(self.t.ckey[:, 1])
        labels = (self.t.ckey[used, 1] & np.uint64(0xFFFFFFFF)).astype(np.int64).tolist()
        for label, n in zip(labels, self.t.cval[used, 0].tolist(), strict=True):
            counted[describe(label)[0]] += n
        used = np.flatnonzero(self.t.ekey[:, 1])
        keys, edges = self.t.ekey[used, 1].tolist(), self.t.edges[used, 1].tolist()
        counted["udp packets"] += sum(n for k, n in zip(keys, edges, strict=True) if k >> 40 & 1)
        merge(self)

    def routing(self: Bridge, e: list[int], data: bytes) -> None:
        routed["udp" if e[L.E_UDP] else "tcp"] += 1
        pdu(self, e, data)

    monkeypatch.setattr(Bridge, "merge", merging)
    monkeypatch.setattr(Bridge, "_pdu", routing)
    return counted, routed, analyze_capture(capture, engine="fast").doc


@pytest.mark.parametrize(("capture", "proto", "least"), [
    (DNSMASQ, "dns", 5), (DNSMASQ, "mdns", 1), (DAEMONS, "ntp", 1), (CPPPO, "enip", 1),
    pytest.param(ENIP_IO, "cipio", 390, marks=needs_shared),
    pytest.param(NBNS, "nbns", 1, marks=needs_shared),
], ids=lambda x: x.name if isinstance(x, Path) else str(x))
def test_the_kernel_counts_the_udp_protocols_of_real_captures(capture: Path, proto: str, least: int,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    counted, _, doc = _kernel(capture, monkeypatch)
    assert counted[proto] >= least
    _same(doc, _python(capture))


@needs_shared
def test_flows_no_decoder_takes_stay_in_the_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    counted, routed, doc = _kernel(SSDP, monkeypatch)
    ssdp = sum(e["packets"] for e in doc["edges"] if e["transport"] == "udp" and e["port"] == 1900)
    assert ssdp > 0 and counted["udp packets"] >= ssdp
    assert routed["udp"] == 0
    _same(doc, _python(SSDP))


def _rewritten(tmp_path: Path, source: Path, port: int, cut: int = 0, gap_after: int = 0) -> Path:
    """``source`` with the ``cut``-th datagram on ``port`` cut short by the capture (its IP
    length beyond the bytes kept: the Python decoder notes it, the flow goes to Python), or
    every packet after the ``gap_after``-th such datagram 400 s later (UDP flows idle out)."""
    out = tmp_path / "rewritten.pcap"
    k, shift = 0, 0.0
    with source.open("rb") as f, out.open("wb") as g:
        writer = dpkt.pcap.Writer(g, linktype=1)
        for ts, raw in dpkt.pcap.Reader(f):
            udp = getattr(dpkt.ethernet.Ethernet(raw).data, "data", None)
            if isinstance(udp, dpkt.udp.UDP) and port in (udp.sport, udp.dport):
                k += 1
                if k == cut:
                    raw = raw[:-2]
                if k == gap_after:
                    shift = 400.0
            writer.writepkt(raw, ts + shift)
    return out


@needs_shared
@pytest.mark.parametrize("cut", [1, 30])
def test_a_udp_flow_handed_to_python_mid_way_gives_the_python_document(tmp_path: Path, cut: int) -> None:
    capture = _rewritten(tmp_path, ENIP_IO, 2222, cut=cut)
    python = analyze_capture(capture, engine="python").doc
    assert python["decode_notes"]
    _same(analyze_capture(capture, engine="fast").doc, python)


@needs_shared
def test_udp_flows_idle_for_300_s_end_as_python_ends_them(tmp_path: Path) -> None:
    capture = _rewritten(tmp_path, ENIP_IO, 2222, gap_after=100)
    python = analyze_capture(capture, engine="python").doc
    fast = analyze_capture(capture, engine="fast").doc
    _same(fast, python)
    io = [e for e in fast["edges"] if e["transport"] == "udp" and e["port"] == 2222]
    assert sum(e["flows"] for e in io) > len(io)  # each pair's flow ended at the gap and began again


def _joined(tmp_path: Path) -> Path:
    """The DNP3-over-UDP capture with every second datagram of each address-port tuple's
    link frames appended to the first (one datagram of several link frames, the second one's
    frames possibly earlier than where they were)."""
    out = tmp_path / "joined.pcap"
    kept: list[tuple[float, dpkt.ethernet.Ethernet]] = []
    pending: dict[tuple[bytes, int, bytes, int], dpkt.ethernet.Ethernet] = {}
    with DNP3.open("rb") as f:
        for ts, raw in dpkt.pcap.Reader(f):
            eth = dpkt.ethernet.Ethernet(raw)
            ip = eth.data
            udp = ip.data
            key = (bytes(ip.src), udp.sport, bytes(ip.dst), udp.dport)
            first = pending.pop(key, None)
            if first is None:
                pending[key] = eth
                kept.append((ts, eth))
                continue
            joined = first.data.data
            joined.data = bytes(joined.data) + bytes(udp.data)
            joined.ulen, joined.sum = 8 + len(joined.data), 0
            first.data.len, first.data.sum = first.data.hl * 4 + joined.ulen, 0
    with out.open("wb") as g:
        writer = dpkt.pcap.Writer(g, linktype=1)
        for ts, eth in kept:
            writer.writepkt(bytes(eth), ts)
    return out


@pytest.mark.parametrize("joined", [False, True], ids=["as-captured", "joined"])
def test_dnp3_over_udp_is_framed_into_link_frames_and_counted_in_the_kernel(
        tmp_path: Path, joined: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each datagram's link frames judged as over TCP: most frames counted, writes, odd
    frames and fragments in reassembly routed to the session one by one, a datagram that is
    not whole link frames (a TCP segment that split one) handing its flow to Python; the same
    document as the pure-Python engine, which gives the session the whole datagram."""
    capture = _joined(tmp_path) if joined else DNP3
    adopted: list[int] = []
    adopt = Bridge._adopt_udp

    def adopting(self: Bridge, flow: Flow, e: list[int]) -> None:
        adopted.append(e[L.E_PROTO])
        adopt(self, flow, e)

    monkeypatch.setattr(Bridge, "_adopt_udp", adopting)
    counted, routed, doc = _kernel(capture, monkeypatch)
    python = _python(capture)
    ops = sum(c["count"] for c in python["conversations"] if c["proto"] == "dnp3")
    assert ops > 50 and counted["dnp3"] > ops / 3
    assert routed["udp"] > 0
    assert L.P_DNP3 in adopted
    _same(doc, python)


def _cut_response(tmp_path: Path, nth: int) -> Path:
    """The DNP3-over-UDP capture with the ``nth`` Response that follows a Read (one link frame
    each) short of its last two octets, the datagram's lengths shortened to match: a link
    frame cut short, which the session notes (``dnp3.invalid_length``)."""
    out = tmp_path / "cut.pcap"
    read, k = False, 0
    with DNP3.open("rb") as f, out.open("wb") as g:
        writer = dpkt.pcap.Writer(g, linktype=1)
        for ts, raw in dpkt.pcap.Reader(f):
            eth = dpkt.ethernet.Ethernet(raw)
            udp = eth.data.data
            data = bytes(udp.data)
            function = data[12] if len(data) > 12 and data[:2] == b"\x05\x64" else -1
            if udp.dport == 20000:
                read = function == 1
            elif read and function == 0x81:
                read, k = False, k + 1
                if k == nth:
                    udp.data = data[:-2]
                    udp.ulen, udp.sum = udp.ulen - 2, 0
                    eth.data.len, eth.data.sum = eth.data.len - 2, 0
                    raw = bytes(eth)
            writer.writepkt(raw, ts)
    return out


def test_a_dnp3_datagram_cut_short_hands_its_flow_over_with_the_read_the_kernel_counted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Response to a Read the kernel counted is not whole link frames: the flow goes to
    Python before it, the pairing slot (that Read) in the handover for the session, as over
    TCP; the same document as the pure-Python engine."""
    capture = _cut_response(tmp_path, 2)  # the first Read is the sampled one: routed
    primed: list[int] = []
    adopt = Bridge._adopt_udp

    def adopting(self: Bridge, flow: Flow, e: list[int]) -> None:
        if e[L.E_PROTO] == L.P_DNP3:
            primed.append(e[L.E_SKEY])
        adopt(self, flow, e)

    monkeypatch.setattr(Bridge, "_adopt_udp", adopting)
    python = analyze_capture(capture, engine="python").doc
    noted = "dnp3.invalid_length"
    assert python["anomaly_counts"][noted] > _python(DNP3)["anomaly_counts"][noted]
    _same(analyze_capture(capture, engine="fast").doc, python)
    assert any(key >= 0 for key in primed)
