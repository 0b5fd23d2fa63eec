"""L2-L4 of one Ethernet frame, in numba: what the kernel needs, or "hand it to Python".

Layouts: IEEE 802.3 clause 3 and 802.1Q-2018 clause 9 (tags 0x8100, 0x88A8, 0x9100),
RFC 791 3.1 (IPv4), RFC 8200 3 and 4 (IPv6 and its extension headers), RFC 9293 3.1 (TCP).
RFC 768 (UDP). Anything the Python decoder would flag with a note, and every frame that is
not plain TCP or UDP over IPv4/IPv6, is left to Python; addresses still go into the host sets here (sets: the
union with what Python adds is the same).
"""

# numba kernels compute with numpy scalar types (np.int64) that stand for ints here:
# mypy: disable-error-code="return-value,arg-type,no-any-return,assignment"

from __future__ import annotations

import numpy as np

from plantwarden.fast.jit import jit
from plantwarden.fast.layout import A_IPV4, A_IPV6, A_MAC, G_ADDRS
from plantwarden.fast.tables import OCCUPIED, mix

# parse result columns (int64 r[12])
R_KIND, R_SRC, R_DST, R_SPORT, R_DPORT, R_FLAGS, R_SEQ, R_ACK, R_POFF, R_PLEN, R_WEIRD = range(11)
R_PORTPROTO, R_MAC, R_HANDED, R_TTL = 11, 12, 13, 14
KIND_PY, KIND_TCP, KIND_BAIL, KIND_UDP = 0, 1, 2, 3
_EXT_GENERIC = (0, 43, 60, 135, 139, 140)


@jit(inline="always")
def addr_id(akey: np.ndarray, aval: np.ndarray, g: np.ndarray, kind: int, hi: np.uint64,
            lo: np.uint64) -> int:
    """Stable id of an address (every address seen is a host); index rows [hi, lo, tag, id]."""
    mask = akey.shape[0] - 1
    tag = np.uint64(kind) | OCCUPIED
    i = np.int64(mix(hi ^ np.uint64(kind), lo)) & mask
    while True:
        if akey[i, 2] == 0:
            n = g[G_ADDRS]
            akey[i, 0], akey[i, 1], akey[i, 2], akey[i, 3] = hi, lo, tag, np.uint64(n)
            aval[n, 0], aval[n, 1], aval[n, 2] = hi, lo, np.uint64(kind)
            g[G_ADDRS] = n + 1
            return n
        if akey[i, 0] == hi and akey[i, 1] == lo and akey[i, 2] == tag:
            return np.int64(akey[i, 3])
        i = (i + 1) & mask


@jit(inline="always")
def _be(b: np.ndarray, o: int, n: int) -> np.uint64:
    v = np.uint64(0)
    for k in range(n):
        v = (v << np.uint64(8)) | np.uint64(b[o + k])
    return v


@jit(inline="always")
def _tcp(b: np.ndarray, s: int, end: int, r: np.ndarray) -> None:
    """TCP header at ``s``; R_WEIRD when the Python decoder would note it."""
    if end - s < 20:
        r[R_KIND] = KIND_PY
        return
    r[R_SPORT] = (np.int64(b[s]) << 8) | np.int64(b[s + 1])
    r[R_DPORT] = (np.int64(b[s + 2]) << 8) | np.int64(b[s + 3])
    r[R_SEQ] = np.int64(_be(b, s + 4, 4))
    r[R_ACK] = np.int64(_be(b, s + 8, 4))
    hlen = (np.int64(b[s + 12]) >> 4) * 4
    r[R_FLAGS] = ((np.int64(b[s + 12]) << 8) | np.int64(b[s + 13])) & 0x1FF
    r[R_KIND] = KIND_TCP
    if hlen < 20 or hlen > end - s:
        r[R_WEIRD] = 1
        r[R_POFF], r[R_PLEN] = s, 0
        return
    r[R_POFF], r[R_PLEN] = s + hlen, end - s - hlen


@jit(inline="always")
def _udp(b: np.ndarray, s: int, end: int, r: np.ndarray) -> None:
    """UDP header at ``s`` (RFC 768): the payload as ``net.transport.udp`` cuts it (the length
    field when it fits, else the rest of the datagram). Shorter than 8 bytes: Python's note."""
    if end - s < 8:
        return
    r[R_SPORT] = (np.int64(b[s]) << 8) | np.int64(b[s + 1])
    r[R_DPORT] = (np.int64(b[s + 2]) << 8) | np.int64(b[s + 3])
    length = (np.int64(b[s + 4]) << 8) | np.int64(b[s + 5])
    stop = s + length if 8 <= length <= end - s else end
    r[R_KIND] = KIND_UDP
    r[R_POFF], r[R_PLEN] = s + 8, stop - s - 8


@jit(inline="always")
def _ipv4(b: np.ndarray, o: int, end: int, r: np.ndarray, akey: np.ndarray, aval: np.ndarray,
          g: np.ndarray) -> None:
    if end - o < 20:
        return
    r[R_SRC] = addr_id(akey, aval, g, A_IPV4, _be(b, o + 12, 4), np.uint64(0))
    r[R_DST] = addr_id(akey, aval, g, A_IPV4, _be(b, o + 16, 4), np.uint64(0))
    r[R_TTL] = np.int64(b[o + 8])
    ihl = (np.int64(b[o]) & 15) * 4
    total = (np.int64(b[o + 2]) << 8) | np.int64(b[o + 3])
    proto = np.int64(b[o + 9])
    if np.int64(b[o]) >> 4 != 4 or ihl < 20 or total < ihl or (proto != 6 and proto != 17):
        return
    if (np.int64(b[o + 6]) & 0x3F) or b[o + 7]:
        r[R_KIND] = KIND_BAIL  # a fragment: the Python defragmenter owns what follows
        return
    if proto == 6:
        _tcp(b, o + ihl, min(o + total, end), r)
    else:
        _udp(b, o + ihl, min(o + total, end), r)
    if o + total > end:
        r[R_WEIRD] = 1


@jit(inline="always")
def _ipv6(b: np.ndarray, o: int, end: int, r: np.ndarray, akey: np.ndarray, aval: np.ndarray,
          g: np.ndarray) -> None:
    if end - o < 40:
        return
    r[R_SRC] = addr_id(akey, aval, g, A_IPV6, _be(b, o + 8, 8), _be(b, o + 16, 8))
    r[R_DST] = addr_id(akey, aval, g, A_IPV6, _be(b, o + 24, 8), _be(b, o + 32, 8))
    r[R_TTL] = np.int64(b[o + 7])
    plen = (np.int64(b[o + 4]) << 8) | np.int64(b[o + 5])
    nxt = np.int64(b[o + 6])
    if plen == 0 or o + 40 + plen > end:
        return
    stop = o + 40 + plen
    pos = o + 40
    weird = 0
    while nxt in _EXT_GENERIC or nxt == 51 or nxt == 44:
        if nxt == 44:
            r[R_KIND] = KIND_BAIL
            return
        if pos + 2 > stop:
            return
        weird = 1
        hl = (np.int64(b[pos + 1]) + 1) * 8 if nxt != 51 else (np.int64(b[pos + 1]) + 2) * 4
        nxt = np.int64(b[pos])
        pos += hl
    if (nxt != 6 and nxt != 17) or pos > stop:
        return
    if nxt == 6:
        _tcp(b, pos, stop, r)
    else:
        _udp(b, pos, stop, r)
    r[R_WEIRD] |= weird


@jit(inline="always")
def parse(b: np.ndarray, o: int, n: int, r: np.ndarray, akey: np.ndarray, aval: np.ndarray,
          g: np.ndarray) -> None:
    """Fill ``r`` for the Ethernet frame b[o:o+n]."""
    r[:] = 0
    r[R_KIND] = KIND_PY
    if n < 14:
        return
    end = o + n
    addr_id(akey, aval, g, A_MAC, _be(b, o, 6), np.uint64(0))
    r[R_MAC] = addr_id(akey, aval, g, A_MAC, _be(b, o + 6, 6), np.uint64(0))
    etype = (np.int64(b[o + 12]) << 8) | np.int64(b[o + 13])
    p = o + 14
    while etype == 0x8100 or etype == 0x88A8 or etype == 0x9100:
        if p + 4 > end:
            return
        etype = (np.int64(b[p + 2]) << 8) | np.int64(b[p + 3])
        p += 4
    if etype == 0x0800:
        _ipv4(b, p, end, r, akey, aval, g)
    elif etype == 0x86DD:
        _ipv6(b, p, end, r, akey, aval, g)
