"""Transport headers: TCP (RFC 9293 3.1), UDP (RFC 768), ICMP/ICMPv6 type and code."""

from __future__ import annotations

from struct import unpack_from

from plantwarden.net.packet import Packet


def tcp(seg: bytes, pkt: Packet) -> None:
    if len(seg) < 20:
        pkt.notes.append("tcp.truncated")
        return
    sport, dport, seq, ack, offflags = unpack_from("!HHIIH", seg, 0)
    hlen = (offflags >> 12) * 4
    pkt.sport, pkt.dport, pkt.seq, pkt.ack = sport, dport, seq, ack
    pkt.tcp_flags = offflags & 0x01FF
    if hlen < 20 or hlen > len(seg):
        pkt.notes.append("tcp.bad_header_length")
        return
    pkt.payload = seg[hlen:]


def udp(dgram: bytes, pkt: Packet) -> None:
    if len(dgram) < 8:
        pkt.notes.append("udp.truncated")
        return
    sport, dport, length = unpack_from("!HHH", dgram, 0)
    pkt.sport, pkt.dport = sport, dport
    end = length if 8 <= length <= len(dgram) else len(dgram)
    pkt.payload = dgram[8:end]


def icmp(msg: bytes, pkt: Packet) -> None:
    """ICMP and ICMPv6: type and code go in sport/dport (as flow tools do)."""
    if len(msg) < 4:
        pkt.notes.append("icmp.truncated")
        return
    pkt.sport, pkt.dport = msg[0], msg[1]
