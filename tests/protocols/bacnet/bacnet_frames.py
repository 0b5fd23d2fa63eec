"""BACnet datagrams produced by the real bacpypes3 stack, and a recording emitter."""

from __future__ import annotations

from pathlib import Path

import dpkt

from plantwarden.protocols.base import Direction, PduContext

CAPTURE = Path(__file__).resolve().parents[2] / "data" / "captures" / "bacnet-bacpypes3.pcap"


def ctx(frame: int, src: str, dst: str, transport: str = "udp") -> PduContext:
    direction = Direction.TO_SERVER if src.endswith(".2") or src.endswith(".11") else Direction.TO_CLIENT
    return PduContext("test", frame, 0, "f1", direction, src, dst, 47809, 47808, transport)


def datagrams(path: Path = CAPTURE) -> list[tuple[int, str, str, bytes]]:
    """(frame, src, dst, UDP payload) of every frame of a capture."""
    out = []
    with path.open("rb") as f:
        for number, (_, raw) in enumerate(dpkt.pcap.Reader(f), 1):
            eth = dpkt.ethernet.Ethernet(raw)
            ip = eth.data
            out.append((number, _addr(ip.src), _addr(ip.dst), bytes(ip.data.data)))
    return out


def _addr(raw: bytes) -> str:
    return ".".join(str(b) for b in raw)
