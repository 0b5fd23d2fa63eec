"""PDUs of a capture made by a real stack, cut the way the engine cuts them (test helper).

Reads the committed capture with dpkt, joins each TCP direction's payload in capture
order (loopback captures have no loss or reordering) and splits it with the spec's
``pdu_length``; each PDU comes with the context the engine would give it.
"""

from __future__ import annotations

import socket
from pathlib import Path

import dpkt

from plantwarden.protocols.base import (
    Direction,
    PduContext,
    ProtocolSpec,
)
from tests.conftest import DATA as _DATA
from tests.conftest import SHARED_CAPTURES
from tests.recorder import Recorder

DATA = _DATA / "captures"
SHARED = SHARED_CAPTURES


def _frames(path: Path) -> list[tuple[int, bytes]]:
    with path.open("rb") as f:
        magic = f.read(4)
        f.seek(0)
        reader = dpkt.pcapng.Reader(f) if magic == b"\x0a\x0d\x0d\x0a" else dpkt.pcap.Reader(f)
        return [(n, bytes(buf)) for n, (_, buf) in enumerate(reader, start=1)]


def ctx_for(frame: int, src: str, dst: str, sport: int, dport: int, server_port: int) -> PduContext:
    direction = Direction.TO_CLIENT if sport == server_port else Direction.TO_SERVER
    return PduContext("test", frame, frame, "flow", direction, src, dst, sport, dport, "tcp")


def capture_pdus(path: Path, spec: ProtocolSpec, server_port: int) -> list[tuple[PduContext, bytes]]:
    """Every complete PDU of the capture's TCP streams on ``server_port``, in order."""
    buffers: dict[tuple[str, int, str, int], bytearray] = {}
    out: list[tuple[PduContext, bytes]] = []
    for number, raw in _frames(path):
        ip = dpkt.ethernet.Ethernet(raw).data
        if not isinstance(ip, dpkt.ip.IP) or not isinstance(ip.data, dpkt.tcp.TCP):
            continue
        tcp = ip.data
        if server_port not in (tcp.sport, tcp.dport) or not tcp.data:
            continue
        src, dst = socket.inet_ntoa(ip.src), socket.inet_ntoa(ip.dst)
        buf = buffers.setdefault((src, tcp.sport, dst, tcp.dport), bytearray())
        buf += tcp.data
        while (n := spec.pdu_length(bytes(buf))) > 0 and n <= len(buf):
            out.append((ctx_for(number, src, dst, tcp.sport, tcp.dport, server_port), bytes(buf[:n])))
            del buf[:n]
    return out


def replay(spec: ProtocolSpec, pdus: list[tuple[PduContext, bytes]]) -> Recorder:
    """Feed PDUs to one new session (one flow) and record what it emits."""
    session = spec.new_session()
    rec = Recorder()
    for ctx, pdu in pdus:
        session.on_pdu(pdu, ctx, rec)
    return rec
