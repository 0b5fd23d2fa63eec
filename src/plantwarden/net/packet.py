"""A packet decoded through L2-L4: the fields everything above needs.

Addresses are strings in the forms tshark prints (``00:02:b3:ce:70:51``, ``10.0.0.3``,
``fe80::1``), so records join with tshark output and with the site model directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

IPPROTO_ICMP = 1
IPPROTO_TCP = 6
IPPROTO_UDP = 17
IPPROTO_ICMPV6 = 58

TCP_FIN = 0x01
TCP_SYN = 0x02
TCP_RST = 0x04
TCP_PSH = 0x08
TCP_ACK = 0x10


@dataclass(slots=True)
class Packet:
    frame: int
    ts_ns: int
    wire_len: int
    eth_src: str | None = None
    eth_dst: str | None = None
    ethertype: int | None = None  # innermost ethertype after VLAN tags
    vlans: tuple[int, ...] = ()  # outermost first
    ip_version: int = 0  # 0 = no IP header
    ip_src: str | None = None
    ip_dst: str | None = None
    ip_proto: int | None = None
    ttl: int | None = None
    fragment: bool = False  # a fragment that could not (yet) be reassembled
    sport: int | None = None
    dport: int | None = None
    tcp_flags: int = 0
    seq: int = 0
    ack: int = 0
    payload: bytes = b""  # L4 payload (TCP/UDP), or the L2 payload for non-IP ethertypes
    notes: list[str] = field(default_factory=list)  # named decode anomalies at L2-L4
    link_src: str | None = None  # address on a link that is not Ethernet: ``mstp:5`` (BACnet MS/TP)
    link_dst: str | None = None

    @property
    def src(self) -> str | None:
        """Outer IP address, or the MAC when the frame has no IP header (tshark's tuples), or
        the link address on a link without MACs (MS/TP, where tshark's tuples say ``-``)."""
        if self.ip_src is not None:
            return self.ip_src
        return self.eth_src if self.eth_src is not None else self.link_src

    @property
    def dst(self) -> str | None:
        if self.ip_dst is not None:
            return self.ip_dst
        return self.eth_dst if self.eth_dst is not None else self.link_dst
