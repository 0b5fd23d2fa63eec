"""A long capture of one protocol from a short real one: its TCP and UDP packets of a server port,
repeated, each copy later in time (by the capture's duration + 1 s) and each of its flows on
a client port of its own, so the copies are distinct connections to the same servers.

    python bench/repeat_flows.py IN.pcap OUT.pcap --port 20000 --copies 1707

made the 309,000-packet DNP3 capture of docs/performance.md (from the shared
``dnp3-iti-dnp3_test_data_part1.pcap``, 181 packets). Checksums are left as they were (no
analyser here checks them); the payload bytes are the real ones.
"""

from __future__ import annotations

import argparse
import struct
from pathlib import Path

import dpkt

FIRST_PORT, LAST_PORT = 30000, 60000
TRANSPORTS = (6, 17)  # TCP and UDP (DNP3 over UDP: tests/data/captures/dnp3-udp-reframed.pcap)


def repeat(src: Path, dst: Path, port: int, copies: int) -> int:
    with src.open("rb") as f:
        reader = dpkt.pcap.Reader(f)
        packets = [(ts, raw) for ts, raw in reader if _tcp_port(raw, port)]
        linktype = reader.datalink()
    if not packets:
        raise SystemExit(f"{src}: no TCP or UDP packet of port {port}")
    clients = sorted({_client(raw, port) for _, raw in packets})
    if copies * len(clients) > LAST_PORT - FIRST_PORT:
        raise SystemExit(f"{copies} copies of {len(clients)} flows need more client ports than there are")
    step = packets[-1][0] - packets[0][0] + 1.0
    written = 0
    with dst.open("wb") as g:
        writer = dpkt.pcap.Writer(g, linktype=linktype, nano=True)
        for k in range(copies):
            for ts, raw in packets:
                new_port = FIRST_PORT + k * len(clients) + clients.index(_client(raw, port))
                writer.writepkt(_with_client_port(raw, port, new_port), ts + k * step)
                written += 1
    return written


def _ports(raw: bytes) -> tuple[int, int, int] | None:
    """Offset of the TCP or UDP header in an Ethernet frame (802.1Q tags, IPv4 or IPv6), and
    its source and destination ports (the first four octets of both headers)."""
    at, ethertype = 14, int.from_bytes(raw[12:14], "big")
    while ethertype in (0x8100, 0x88A8):
        at, ethertype = at + 4, int.from_bytes(raw[at + 2 : at + 4], "big")
    if ethertype == 0x0800 and raw[at + 9] in TRANSPORTS:
        at += (raw[at] & 0x0F) * 4
    elif ethertype == 0x86DD and raw[at + 6] in TRANSPORTS:
        at += 40
    else:
        return None
    sport, dport = struct.unpack_from("!HH", raw, at)
    return at, sport, dport


def _tcp_port(raw: bytes, port: int) -> bool:
    found = _ports(raw)
    return found is not None and port in found[1:]


def _client(raw: bytes, port: int) -> int:
    found = _ports(raw)
    assert found is not None
    _, sport, dport = found
    return sport if dport == port else dport


def _with_client_port(raw: bytes, port: int, new_port: int) -> bytes:
    found = _ports(raw)
    assert found is not None
    offset, _, dport = found
    out = bytearray(raw)
    at = offset if dport == port else offset + 2  # the client's port field
    struct.pack_into("!H", out, at, new_port)
    return bytes(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", type=Path)
    parser.add_argument("dst", type=Path)
    parser.add_argument("--port", type=int, required=True, help="the server's TCP or UDP port")
    parser.add_argument("--copies", type=int, required=True)
    args = parser.parse_args()
    print(f"{repeat(args.src, args.dst, args.port, args.copies)} packets -> {args.dst}")


if __name__ == "__main__":
    main()
