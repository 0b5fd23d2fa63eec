"""IPv4 (RFC 791) and IPv6 (RFC 8200) headers, with IPv4/IPv6 fragment reassembly.

``ipv4``/``ipv6`` fill the network fields of a :class:`Packet` and return the transport
protocol number and the transport bytes (``None`` when there is nothing to decode yet, e.g.
a fragment waiting for the rest). Fragments are held in a bounded table: memory stays flat
however long the capture is, and a datagram that never completes is counted, never
mis-decoded.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from struct import unpack_from

from plantwarden.net.addr import ipv4 as fmt4
from plantwarden.net.addr import ipv6 as fmt6
from plantwarden.net.packet import Packet

# IPv6 extension headers that carry a generic (next header, length) prefix (RFC 8200 4.1).
_EXT_GENERIC = frozenset({0, 43, 60, 135, 139, 140})
IPV6_FRAGMENT = 44
IPV6_AH = 51
IPV6_ESP = 50
IPV6_NONE = 59

MAX_PENDING_DATAGRAMS = 1024
FRAGMENT_TIMEOUT_NS = 60 * 1_000_000_000


@dataclass(slots=True)
class _Pending:
    first_ts: int
    parts: dict[int, bytes] = field(default_factory=dict)  # offset -> bytes
    total: int = -1  # known once the last fragment arrived


class Defragmenter:
    """Reassembles fragmented datagrams (RFC 791 3.2, RFC 8200 4.5); bounded."""

    def __init__(self) -> None:
        self._pending: OrderedDict[tuple[object, ...], _Pending] = OrderedDict()
        self.expired = 0  # datagrams dropped incomplete

    def add(self, key: tuple[object, ...], ts_ns: int, offset: int, more: bool, data: bytes) -> bytes | None:
        """Add one fragment; return the whole payload when it is complete."""
        self._expire(ts_ns)
        entry = self._pending.get(key)
        if entry is None:
            if len(self._pending) >= MAX_PENDING_DATAGRAMS:
                self._pending.popitem(last=False)
                self.expired += 1
            entry = self._pending[key] = _Pending(ts_ns)
        entry.parts.setdefault(offset, data)
        if not more:
            entry.total = offset + len(data)
        if entry.total < 0:
            return None
        joined = bytearray()
        for off in sorted(entry.parts):
            if off > len(joined):
                return None  # a hole remains
            part = entry.parts[off]
            joined += part[len(joined) - off :]
        if len(joined) < entry.total:
            return None
        del self._pending[key]
        return bytes(joined[: entry.total])

    def _expire(self, now_ns: int) -> None:
        while self._pending:
            key, entry = next(iter(self._pending.items()))
            if now_ns - entry.first_ts <= FRAGMENT_TIMEOUT_NS:
                break
            del self._pending[key]
            self.expired += 1


def ipv4(data: bytes, off: int, pkt: Packet, defrag: Defragmenter) -> tuple[int, bytes | None]:
    """RFC 791 3.1 Internet Header Format."""
    if len(data) < off + 20:
        pkt.notes.append("ip.truncated")
        return -1, None
    vihl = data[off]
    ihl = (vihl & 0x0F) * 4
    total, ident, frag, ttl, proto = unpack_from("!HHHBB", data, off + 2)
    pkt.ip_version = 4
    pkt.ip_src = fmt4(data[off + 12 : off + 16])
    pkt.ip_dst = fmt4(data[off + 16 : off + 20])
    pkt.ip_proto = proto
    pkt.ttl = ttl
    if vihl >> 4 != 4 or ihl < 20 or total < ihl:
        pkt.notes.append("ip.bad_header")
        return proto, None
    end = min(off + total, len(data))
    if off + total > len(data):
        pkt.notes.append("ip.cut_by_snaplen")
    body = data[off + ihl : end]
    more = bool(frag & 0x2000)
    frag_off = (frag & 0x1FFF) * 8
    if more or frag_off:
        if off + total > len(data):
            pkt.fragment = True
            return proto, None
        whole = defrag.add((4, pkt.ip_src, pkt.ip_dst, ident, proto), pkt.ts_ns, frag_off, more, body)
        if whole is None:
            pkt.fragment = True
            return proto, None
        return proto, whole
    return proto, body


def ipv6(data: bytes, off: int, pkt: Packet, defrag: Defragmenter) -> tuple[int, bytes | None]:
    """RFC 8200 3 (header) and 4 (extension headers)."""
    if len(data) < off + 40:
        pkt.notes.append("ipv6.truncated")
        return -1, None
    (plen,) = unpack_from("!H", data, off + 4)
    nxt = data[off + 6]
    pkt.ip_version = 6
    pkt.ttl = data[off + 7]
    pkt.ip_src = fmt6(data[off + 8 : off + 24])
    pkt.ip_dst = fmt6(data[off + 24 : off + 40])
    end = min(off + 40 + plen, len(data)) if plen else len(data)
    pos = off + 40
    frag_info: tuple[int, bool, int] | None = None
    while True:
        if nxt in _EXT_GENERIC:
            if pos + 2 > end:
                break
            nxt, hlen = data[pos], (data[pos + 1] + 1) * 8
            pos += hlen
        elif nxt == IPV6_AH:
            if pos + 2 > end:
                break
            nxt, hlen = data[pos], (data[pos + 1] + 2) * 4
            pos += hlen
        elif nxt == IPV6_FRAGMENT:
            if pos + 8 > end:
                break
            (offflags,) = unpack_from("!H", data, pos + 2)
            (ident,) = unpack_from("!I", data, pos + 4)
            frag_info = (offflags & 0xFFF8, bool(offflags & 1), ident)
            nxt = data[pos]
            pos += 8
        else:
            break
    pkt.ip_proto = nxt
    if pos > end:
        pkt.notes.append("ipv6.bad_extension")
        return nxt, None
    body = data[pos:end]
    if frag_info is not None:
        frag_off, more, ident = frag_info
        if frag_off == 0 and not more:
            return nxt, body  # atomic fragment
        whole = defrag.add((6, pkt.ip_src, pkt.ip_dst, ident), pkt.ts_ns, frag_off, more, body)
        if whole is None:
            pkt.fragment = True
            return nxt, None
        return nxt, whole
    if nxt in (IPV6_ESP, IPV6_NONE):
        return nxt, None
    return nxt, body
