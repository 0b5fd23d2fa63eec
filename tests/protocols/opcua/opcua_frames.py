"""OPC UA messages produced by the real asyncua stack (client and server), cut by MessageSize."""

from __future__ import annotations

from pathlib import Path

import dpkt

from plantwarden.protocols.base import Direction, PduContext

CAPTURE = Path(__file__).resolve().parents[2] / "data" / "captures" / "opcua-asyncua.pcap"
SERVER = "127.0.4.10"


def messages(path: Path = CAPTURE) -> list[tuple[int, PduContext, bytes]]:
    """(connection number, context, message) in capture order; loopback, so no loss."""
    streams: dict[tuple[int, bool], bytearray] = {}
    conns: dict[int, int] = {}
    out = []
    with path.open("rb") as f:
        for frame, (_, raw) in enumerate(dpkt.pcap.Reader(f), 1):
            ip = dpkt.ethernet.Ethernet(raw).data
            tcp = ip.data
            to_server = tcp.dport == 4840
            port = tcp.sport if to_server else tcp.dport
            conn = conns.setdefault(port, len(conns) + 1)
            buf = streams.setdefault((port, to_server), bytearray())
            buf += bytes(tcp.data)
            while len(buf) >= 8 and len(buf) >= int.from_bytes(buf[4:8], "little"):
                size = int.from_bytes(buf[4:8], "little")
                out.append((conn, _ctx(frame, to_server, port), bytes(buf[:size])))
                del buf[:size]
    return out


def _ctx(frame: int, to_server: bool, port: int) -> PduContext:
    client = "127.0.4.11"
    src, dst = (client, SERVER) if to_server else (SERVER, client)
    direction = Direction.TO_SERVER if to_server else Direction.TO_CLIENT
    return PduContext("test", frame, 0, f"c{port}", direction, src, dst, port, 4840, "tcp")
