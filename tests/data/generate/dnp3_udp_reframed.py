"""Generate tests/data/captures/dnp3-udp-reframed.pcap: DNP3 over UDP from real link frames.

No DNP3 stack installs in Python and no public capture of DNP3 over UDP is in the project, so
this one re-frames public DNP3-over-TCP captures (ITI/ICS-Security-Tools, CC-BY-4.0, see
tests/data/captures/public/README.md): the payload of every TCP segment to or from port
20000 (retransmissions dropped) becomes one UDP datagram between the same addresses and
ports at the same time (IEEE 1815-2012 Annex C). The link frames stay the real stacks' bytes,
CRCs included (Ethernet addresses are made up for the loopback captures), and each datagram
holds the frames its TCP segment held: single frames, four transport segments of one fragment
(write_vto), link frames whose header CRC fails (6.6.2.4), part of a frame (a TCP segment
that split one). scapy writes the frames; nothing is sent on any interface.

Regenerate from the project root (scapy is in the ``generate`` extra):

    .venv/bin/python tests/data/generate/dnp3_udp_reframed.py

then the truth: ``python3 tests/data/generate/truth.py tests/data/captures/dnp3-udp-reframed.pcap``.
"""

from __future__ import annotations

from pathlib import Path

from scapy.layers.inet import IP, TCP, UDP
from scapy.layers.l2 import Ether
from scapy.packet import Packet, Raw
from scapy.utils import rdpcap, wrpcap

HERE = Path(__file__).resolve().parents[1]
OUT = HERE / "captures" / "dnp3-udp-reframed.pcap"
SOURCES = (
    HERE.parents[1].parent / "shared" / "captures" / "dnp3-iti-dnp3_test_data_part1.pcap",
    HERE.parents[1].parent / "shared" / "captures" / "dnp3-iti-select_operate_and_responses.pcap",
    HERE / "captures" / "public" / "dnp3-iti-write_vto_empty_string.pcap",
    HERE / "captures" / "public" / "dnp3-iti-opendnp3-conformance-6.6.2.2.pcap",
    HERE / "captures" / "public" / "dnp3-iti-opendnp3-conformance-6.6.2.4.pcap",
    HERE / "captures" / "public" / "dnp3-iti-opendnp3-conformance-6.6.2.5.pcap",
)
PORT = 20000
LOOPBACK = Ether(src="02:00:00:20:00:01", dst="02:00:00:20:00:02")  # for the NULL/loopback captures


def reframe(source: Path, start: float) -> list[Packet]:
    """The datagrams of one capture, shifted to begin at ``start`` (seconds)."""
    out: list[Packet] = []
    seen: set[tuple[str, int, int]] = set()
    packets = rdpcap(str(source))
    shift = start - float(packets[0].time)
    for pkt in packets:
        if TCP not in pkt or PORT not in (pkt[TCP].sport, pkt[TCP].dport):
            continue
        ip, tcp = pkt[IP], pkt[TCP]
        payload = bytes(ip)[ip.ihl * 4 + tcp.dataofs * 4 : ip.len]  # no Ethernet padding
        key = (pkt[IP].src, pkt[TCP].sport, pkt[TCP].seq)
        if not payload or key in seen:
            continue
        seen.add(key)
        ether = pkt.getlayer(Ether) or LOOPBACK  # opendnp3's runs are on loopback
        datagram = (
            Ether(src=ether.src, dst=ether.dst)
            / IP(src=pkt[IP].src, dst=pkt[IP].dst, ttl=pkt[IP].ttl)
            / UDP(sport=pkt[TCP].sport, dport=pkt[TCP].dport)
            / Raw(payload)
        )
        datagram.time = float(pkt.time) + shift
        out.append(datagram)
    return out


def main() -> None:
    packets: list[Packet] = []
    for n, source in enumerate(SOURCES):
        packets += reframe(source, 1_700_000_000.0 + 1000.0 * n)  # apart: flows end between sources
    wrpcap(str(OUT), packets)
    print(f"{OUT}: {len(packets)} datagrams")


if __name__ == "__main__":
    main()
