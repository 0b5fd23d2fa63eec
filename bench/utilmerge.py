"""The seed's packets from public captures (bench/utilcap.py): DNP3 over TCP and class-1 I/O.

No DNP3 stack and no EtherNet/IP stack with class-1 connections installs here, so those
packets are the public captures' own (../shared/captures, tests/data/captures/public),
re-addressed into utilcap's 127.0.7.0/24 (the side on the protocol's port is the server,
127.0.7.20+; the other side a client, 127.0.7.120+), in their order, spread over the seed's
span; ``COPIES`` copies each, every TCP copy on its own client port. A BSD loopback (null)
frame gets an Ethernet header. Checksums are computed anew (dpkt).
"""

from __future__ import annotations

import socket
from pathlib import Path

import dpkt  # type: ignore[import-untyped]
from utilcap import NET, PUBLIC, SHARED

DNP3 = [SHARED / "dnp3-iti-dnp3_test_data_part1.pcap", SHARED / "dnp3-iti-select_operate_and_responses.pcap",
        *sorted(PUBLIC.glob("dnp3-*.pcap"))]
IO = [SHARED / "enip-cisa-enip_cip_example.pcap"]
COPIES = {20000: 40, 2222: 4}  # DNP3 on TCP 20000, class-1 I/O on UDP 2222


def _frames(path: Path) -> list[bytes]:
    """Ethernet frames carrying IPv4 TCP or UDP on one of ``COPIES``'s ports."""
    out = []
    with path.open("rb") as f:
        reader = dpkt.pcap.Reader(f)
        null = reader.datalink() == dpkt.pcap.DLT_NULL
        for _, raw in reader:
            frame = b"\0" * 12 + b"\x08\x00" + raw[4:] if null else raw
            eth = dpkt.ethernet.Ethernet(frame)
            ip = eth.data
            l4 = ip.data if isinstance(ip, dpkt.ip.IP) else None
            if isinstance(l4, (dpkt.tcp.TCP, dpkt.udp.UDP)) and (l4.sport in COPIES or l4.dport in COPIES):
                out.append(bytes(eth))
    return out


Names = dict[tuple[bytes, int], str]


def _readdress(frames: list[bytes], copy: int, names: Names, used: dict[int, int]) -> list[bytes]:
    out = []
    for raw in frames:
        eth = dpkt.ethernet.Ethernet(raw)
        ip, l4 = eth.data, eth.data.data
        port = l4.dport if l4.dport in COPIES else l4.sport
        to_server = l4.dport == port
        server, client = (ip.dst, ip.src) if to_server else (ip.src, ip.dst)
        for addr, base in ((server, 20), (client, 120)):
            if (addr, base) not in names:  # by role: a loopback capture has 127.0.0.1 on both sides
                names[(addr, base)] = f"{NET}.{base + used.get(base, 0)}"
                used[base] = used.get(base, 0) + 1
        s, c = socket.inet_aton(names[(server, 20)]), socket.inet_aton(names[(client, 120)])
        ip.src, ip.dst = (c, s) if to_server else (s, c)
        if isinstance(l4, dpkt.tcp.TCP):  # each copy on its own client port
            if to_server:
                l4.sport = 30000 + (l4.sport + 977 * copy) % 30000
            else:
                l4.dport = 30000 + (l4.dport + 977 * copy) % 30000
        l4.sum = 0
        ip.sum = 0
        out.append(bytes(eth))
    return out


def merge(live: Path, out: Path, seconds: float) -> int:
    """The live capture's packets and the public ones, in time order, into ``out``."""
    with live.open("rb") as f:
        records = [(ts, raw) for ts, raw in dpkt.pcap.Reader(f)]
    t0 = records[0][0] if records else 1_700_000_000.0
    names: dict[tuple[bytes, int], str] = {}
    used: dict[int, int] = {}
    for group in (DNP3, IO):
        frames = [fr for path in group for fr in _frames(path)]
        port = 20000 if group is DNP3 else 2222
        for copy in range(COPIES[port]):
            moved = _readdress(frames, copy, names, used)
            step = seconds / max(len(moved), 1)
            start = t0 + copy * step / COPIES[port]
            records += [(start + i * step, raw) for i, raw in enumerate(moved)]
    records.sort(key=lambda r: r[0])
    with out.open("wb") as f:
        writer = dpkt.pcap.Writer(f, snaplen=262144, linktype=dpkt.pcap.DLT_EN10MB)
        for ts, raw in records:
            writer.writepkt(raw, ts)
    return len(records)
