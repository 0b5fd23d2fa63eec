"""Real PDUs from committed captures (read with dpkt), and an emitter that records."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path

import dpkt

from plantwarden.protocols.base import Direction, PduContext

DATA = Path(__file__).resolve().parents[2] / "data" / "captures"
SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "captures"
CPPPO = DATA / "enip-cpppo.pcap"
SERVER_PORTS = {44818, 2222}


@dataclass
class Frame:
    number: int
    ctx: PduContext
    payload: bytes


def frames(path: Path) -> list[Frame]:
    """TCP/UDP frames with payload, each as one PDU (true for these loopback captures)."""
    out: list[Frame] = []
    with path.open("rb") as f:
        for number, (ts, buf) in enumerate(dpkt.pcap.Reader(f), start=1):
            ip = dpkt.ethernet.Ethernet(buf).data
            if not isinstance(ip, dpkt.ip.IP) or not isinstance(ip.data, dpkt.tcp.TCP | dpkt.udp.UDP):
                continue
            l4 = ip.data
            if not l4.data:
                continue
            transport = "tcp" if isinstance(l4, dpkt.tcp.TCP) else "udp"
            direction = Direction.TO_SERVER if l4.dport in SERVER_PORTS else Direction.TO_CLIENT
            ctx = PduContext(
                path.name,
                number,
                int(ts * 1e9),
                "f",
                direction,
                socket.inet_ntoa(ip.src),
                socket.inet_ntoa(ip.dst),
                l4.sport,
                l4.dport,
                transport,
            )
            out.append(Frame(number, ctx, bytes(l4.data)))
    return out
