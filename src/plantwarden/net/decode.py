"""From a captured frame to a :class:`Packet` with its L2-L4 fields."""

from __future__ import annotations

from plantwarden.capture.records import (
    LINKTYPE_BACNET_MS_TP,
    LINKTYPE_ETHERNET,
    LINKTYPE_IPV4,
    LINKTYPE_IPV6,
    LINKTYPE_LINUX_SLL,
    LINKTYPE_LINUX_SLL2,
    LINKTYPE_LOOP,
    LINKTYPE_NULL,
    LINKTYPE_RAW,
    RawFrame,
)
from plantwarden.net import l2, transport
from plantwarden.net.ip import Defragmenter, ipv4, ipv6
from plantwarden.net.packet import IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_TCP, IPPROTO_UDP, Packet


class Decoder:
    """Decodes frames through L4; holds the fragment table (per capture)."""

    def __init__(self) -> None:
        self.defrag = Defragmenter()

    def decode(self, frame: RawFrame) -> Packet:
        data = frame.data
        pkt = Packet(frame=frame.number, ts_ns=frame.ts_ns, wire_len=frame.orig_len)
        lt = frame.linktype
        end = len(data)
        if lt == LINKTYPE_ETHERNET:
            off, etype = l2.ethernet(data, pkt)
            if etype == l2.ETH_LLC:
                off, etype, end = l2.llc(data, off, pkt)
        elif lt == LINKTYPE_BACNET_MS_TP:
            off, etype, end = l2.mstp(data, pkt)
        elif lt == LINKTYPE_LINUX_SLL:
            off, etype = l2.linux_sll(data, pkt)
        elif lt == LINKTYPE_LINUX_SLL2:
            off, etype = l2.linux_sll2(data, pkt)
        elif lt in (LINKTYPE_NULL, LINKTYPE_LOOP):
            off, etype = l2.bsd_null(data, pkt, big_endian=lt == LINKTYPE_LOOP)
        elif lt == LINKTYPE_RAW:
            off, etype = l2.raw_ip(data, pkt)
        elif lt == LINKTYPE_IPV4:
            off, etype = 0, l2.ETH_IPV4
        elif lt == LINKTYPE_IPV6:
            off, etype = 0, l2.ETH_IPV6
        else:
            pkt.notes.append("link.unsupported")
            return pkt
        if etype == l2.ETH_IPV4:
            proto, body = ipv4(data, off, pkt, self.defrag)
        elif etype == l2.ETH_IPV6:
            proto, body = ipv6(data, off, pkt, self.defrag)
        else:
            if etype >= 0:  # a non-IP ethertype, LLC (0) or a BACnet NPDU: the L2 payload
                pkt.payload = data[off:end]
            return pkt
        if body is None:
            return pkt
        if proto == IPPROTO_TCP:
            transport.tcp(body, pkt)
        elif proto == IPPROTO_UDP:
            transport.udp(body, pkt)
        elif proto in (IPPROTO_ICMP, IPPROTO_ICMPV6):
            transport.icmp(body, pkt)
        return pkt
