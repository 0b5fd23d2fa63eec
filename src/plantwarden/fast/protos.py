"""Framing and code extraction for the protocols the kernel counts itself (numba).

Each ``*_frame`` returns the PDU length at ``buf[off]`` like the protocol's
``ProtocolSpec.pdu_length`` (0 = more bytes needed, -1 = not a PDU). Each ``*_pdu``
decides what happens to one whole PDU: counted by the kernel under a label
(``A_COUNT``), handed to the flow's Python session (``A_ROUTE``; ``A_PRIME_ROUTE`` first
tells the session about the kernel-counted request the PDU answers), or the whole flow
goes to Python (``A_HANDOVER``). Only PDUs whose code alone fixes name and operation class
and whose shape the Python decoder would accept without an anomaly are counted; the
checks below mirror the Python decoders' (cited per protocol).

``tmp`` holds the flow's pairing slot while a segment is judged: [key, label, aux,
sampled key, OPC UA mode].
"""

# numba kernels compute with numpy scalar types (np.int64) that stand for ints here:
# mypy: disable-error-code="return-value,arg-type,no-any-return,assignment"

from __future__ import annotations

import numpy as np

from plantwarden.fast.jit import jit
from plantwarden.fast.layout import (
    A_COUNT,
    A_HANDOVER,
    A_PRIME_ROUTE,
    A_ROUTE,
    A_SKIP,
    G_SAMPLE0,
    G_SEEN,
    P_COTP,
    P_MODBUS,
    P_OPCUA,
    P_S7,
    SAMPLE_READ_EVERY,
    SAMPLE_WRITE_EVERY,
)
from plantwarden.fast.opcua import (
    CREATE_SESSION,
    CREATE_SESSION_RESPONSE,
    body_offset,
    identity_span,
    span_hash,
)
from plantwarden.fast.tables import OCCUPIED, find_or_add

T_KEY, T_LABEL, T_AUX, T_SAMPLED, T_UAMODE, T_KEY2, T_LABEL2, T_AUX2 = range(8)
UA_UNKNOWN, UA_PLAIN, UA_OTHER = 0, 1, 2
MAX_UA_MESSAGE = 1 << 26
_NONE_URI = np.frombuffer(b"http://opcfoundation.org/UA/SecurityPolicy#None", np.uint8)


@jit(inline="always")
def u16be(b: np.ndarray, o: int) -> int:
    return (np.int64(b[o]) << 8) | np.int64(b[o + 1])


@jit(inline="always")
def u16le(b: np.ndarray, o: int) -> int:
    return np.int64(b[o]) | (np.int64(b[o + 1]) << 8)


@jit(inline="always")
def u32le(b: np.ndarray, o: int) -> int:
    b0, b1, b2, b3 = np.int64(b[o]), np.int64(b[o + 1]), np.int64(b[o + 2]), np.int64(b[o + 3])
    return b0 | (b1 << 8) | (b2 << 16) | (b3 << 24)


@jit()
def sampled(g: np.ndarray, which: int, write: bool) -> bool:
    """1 in N eligible requests goes to Python with its response (counter per protocol/kind)."""
    idx = G_SAMPLE0 + which * 2 + (1 if write else 0)
    g[idx] += 1
    return (g[idx] - 1) % (SAMPLE_WRITE_EVERY if write else SAMPLE_READ_EVERY) == 0


@jit()
def content_seen(seen: np.ndarray, g: np.ndarray, gcount: int, b: np.ndarray, o: int, n: int,
                 src: int) -> bool:
    """True when the same bytes came from the same address before (deduplicates identity answers)."""
    h = np.uint64(1469598103934665603)
    for k in range(o, o + n):
        h = (h ^ np.uint64(b[k])) * np.uint64(1099511628211)
    if g[gcount] * 10 > seen.shape[0] * 7:
        return False
    return find_or_add(seen, h, np.uint64(src) | OCCUPIED, g, gcount) >= 0


# -- Modbus/TCP ([MB-TCP] 3.1.3; checks of plantwarden.protocols.modbus.decode/responses) ---

@jit()
def modbus_frame(b: np.ndarray, off: int, n: int) -> int:
    if n < 6:
        return 0
    if b[off + 2] or b[off + 3]:
        return -1
    length = u16be(b, off + 4)
    if length == 0 or length > 256:
        return -1
    return 6 + length


@jit()
def _modbus_request_ok(b: np.ndarray, o: int, n: int, fc: int) -> bool:
    """[MB-AP] 6.1-6.17 request shapes that decode.request accepts without an anomaly."""
    if fc <= 4:
        q = u16be(b, o + 10) if n >= 12 else 0
        return n == 12 and 1 <= q <= (2000 if fc <= 2 else 125)
    if fc == 5:
        return n == 12 and u16be(b, o + 10) in (0, 0xFF00)
    if fc == 6:
        return n == 12
    if fc == 15 or fc == 16:
        if n < 13:
            return False
        q = u16be(b, o + 10)
        want = (q + 7) // 8 if fc == 15 else q * 2
        return b[o + 12] == want and n == 13 + want and 1 <= q <= (1968 if fc == 15 else 123)
    if fc == 22:
        return n == 14
    if fc == 23:
        if n < 17:
            return False
        rq, wq = u16be(b, o + 10), u16be(b, o + 14)
        return b[o + 16] == wq * 2 and n == 17 + wq * 2 and 1 <= rq <= 125 and 1 <= wq <= 121
    if fc == 43:
        return n >= 9
    return False


@jit()
def _modbus_response_ok(b: np.ndarray, o: int, n: int, fc: int, qty: int) -> bool:
    if fc <= 4 or fc == 23:
        if n < 9:
            return False
        bc = np.int64(b[o + 8])
        want = (qty + 7) // 8 if fc <= 2 else qty * 2
        return n == 9 + bc and bc == want
    if fc in (5, 6, 15, 16):
        return n == 12
    if fc == 22:
        return n == 14
    return False


@jit()
def modbus_pdu(b: np.ndarray, o: int, n: int, request: bool, tmp: np.ndarray, g: np.ndarray,
               seen: np.ndarray, gseen: int, src: int, dedup: bool) -> tuple[int, int]:
    if n <= 7:
        return A_ROUTE, 0
    raw = np.int64(b[o + 7])
    fc = raw & 0x7F
    tid = u16be(b, o)
    if request:
        if raw & 0x80 or tmp[T_KEY] >= 0 or not _modbus_request_ok(b, o, n, fc):
            return A_ROUTE, 0
        write = fc in (5, 6, 15, 16, 22, 23)
        if fc != 43 and sampled(g, 0, write):
            return A_ROUTE, 0
        label = (P_MODBUS << 24) | fc | ((np.int64(b[o + 8]) << 8) | (1 << 16) if fc == 43 else 0)
        aux = (u16be(b, o + 10) | (u16be(b, o + 8) << 16)) if fc <= 4 or fc == 23 else 0
        tmp[T_KEY], tmp[T_LABEL], tmp[T_AUX] = tid, label, aux
        return A_COUNT, label
    if tmp[T_KEY] != tid:
        return A_ROUTE, 0
    label, qty = np.int64(tmp[T_LABEL]), np.int64(tmp[T_AUX]) & 0xFFFF
    tmp[T_KEY] = -1
    if fc != label & 0x7F:
        return A_PRIME_ROUTE, 0
    if raw & 0x80:
        return (A_COUNT, label | 0x80) if n == 9 else (A_PRIME_ROUTE, 0)
    if fc == 43:  # ``dedup`` off: every answer goes to Python (rules.scans counts them)
        if dedup and content_seen(seen, g, gseen, b, o + 6, n - 6, src):
            return A_COUNT, label
        return A_PRIME_ROUTE, 0
    if _modbus_response_ok(b, o, n, fc, qty):
        return A_COUNT, label
    return A_PRIME_ROUTE, 0


# -- TPKT / COTP / S7comm (RFC 1006 §6, ISO 8073 §13; plantwarden.protocols.s7comm) --------

@jit()
def tpkt_frame(b: np.ndarray, off: int, n: int) -> int:
    if n < 4:
        return 0
    if b[off] != 3 or b[off + 1] != 0:
        return -1
    length = u16be(b, off + 2)
    return length if length >= 4 else -1


@jit()
def s7_pdu(b: np.ndarray, o: int, n: int, tmp: np.ndarray, g: np.ndarray) -> tuple[int, int]:
    if n < 6:
        return A_ROUTE, 0
    li = np.int64(b[o + 4])
    if li < 1 or li + 1 > n - 4:
        return A_ROUTE, 0
    code = np.int64(b[o + 5]) & 0xF0
    if code != 0xF0:
        if code in (0xE0, 0xD0, 0x80, 0xC0):
            return A_COUNT, (P_COTP << 24) | code
        return A_ROUTE, 0
    if li < 2 or not b[o + 6] & 0x80:
        return A_HANDOVER, 0  # a COTP fragment: the Python session reassembles the rest
    p = o + 5 + li
    pn = n - 5 - li
    if pn == 0:
        return A_SKIP, 0
    if b[p] != 0x32 or pn < 10:
        return A_ROUTE, 0
    rosctr = np.int64(b[p + 1])
    ref = u16be(b, p + 4)
    plen, dlen = u16be(b, p + 6), u16be(b, p + 8)
    if rosctr == 1:
        if 10 + plen + dlen > pn or plen == 0:
            return A_ROUTE, 0
        func = np.int64(b[p + 10])
        if func not in (0x04, 0x05, 0xF0) or tmp[T_KEY] >= 0:
            return A_ROUTE, 0
        if func != 0xF0 and sampled(g, 1, func == 0x05):
            return A_ROUTE, 0
        tmp[T_KEY], tmp[T_AUX] = ref, func
        return A_COUNT, (P_S7 << 24) | (1 << 8) | func
    if tmp[T_KEY] != ref or rosctr not in (2, 3):
        return A_ROUTE, 0
    tmp[T_KEY] = -1
    if rosctr == 2 or pn < 12 or b[p + 10] or b[p + 11] or plen == 0 or 12 + plen + dlen > pn:
        return A_PRIME_ROUTE, 0
    func = np.int64(b[p + 12])
    if func != tmp[T_AUX]:
        return A_PRIME_ROUTE, 0
    return A_COUNT, (P_S7 << 24) | (3 << 8) | func


# -- OPC UA binary (OPC 10000-6 7.1.2, 6.7.2; plantwarden.protocols.opcua.session) ---------

@jit()
def opcua_type(b: np.ndarray, off: int) -> int:
    """1 HEL, 2 ACK, 3 ERR, 4 RHE, 5 MSG, 6 OPN, 7 CLO, 0 unknown."""
    c0, c1, c2 = b[off], b[off + 1], b[off + 2]
    if c0 == 72 and c1 == 69 and c2 == 76:
        return 1
    if c0 == 65 and c1 == 67 and c2 == 75:
        return 2
    if c0 == 69 and c1 == 82 and c2 == 82:
        return 3
    if c0 == 82 and c1 == 72 and c2 == 69:
        return 4
    if c0 == 77 and c1 == 83 and c2 == 71:
        return 5
    if c0 == 79 and c1 == 80 and c2 == 78:
        return 6
    if c0 == 67 and c1 == 76 and c2 == 79:
        return 7
    return 0


@jit()
def opcua_frame(b: np.ndarray, off: int, n: int) -> int:
    if n < 8:
        return 0
    if opcua_type(b, off) == 0:
        return -1
    size = u32le(b, off + 4)
    return size if 8 <= size <= MAX_UA_MESSAGE else -1


@jit()
def _opn_mode(b: np.ndarray, o: int, n: int) -> int:
    """Security policy of an OPN (6.7.2.3): the None policy means plain MSG bodies."""
    if n < 16:
        return UA_OTHER
    ulen = u32le(b, o + 12)
    if ulen != _NONE_URI.shape[0] or 16 + ulen > n:
        return UA_OTHER
    for k in range(ulen):
        if b[o + 16 + k] != _NONE_URI[k]:
            return UA_OTHER
    return UA_PLAIN


@jit()
def _service_id(b: np.ndarray, p: int, end: int) -> int:
    """Numeric namespace-0 NodeId (5.2.2.9) at ``p``; -1 when absent or another form."""
    if p >= end:
        return -1
    enc = np.int64(b[p]) & 0x3F
    if enc == 0 and p + 2 <= end:
        return np.int64(b[p + 1])
    if enc == 1 and p + 4 <= end:
        return u16le(b, p + 2) if b[p + 1] == 0 else -1
    if enc == 2 and p + 7 <= end:
        return u32le(b, p + 3) if u16le(b, p + 1) == 0 else -1
    return -1


@jit()
def _hello_ok(b: np.ndarray, o: int, n: int) -> bool:
    """Hello (7.1.2.3): five UInt32 then EndpointUrl, a String (5.2.2.4) that must fit."""
    if n < 32:
        return False
    ulen = u32le(b, o + 28)
    return ulen >= 0x80000000 or 32 + ulen <= n  # a negative Int32 length is the null string


@jit()
def _known_identity(b: np.ndarray, o: int, n: int, sid: int, seen: np.ndarray, g: np.ndarray,
                    src: int) -> bool:
    """A CreateSession request or response whose identity-bearing bytes (fast.opcua) came
    from ``src`` before and that the Python decoder reads without an anomaly."""
    body = body_offset(b, o + 24, o + n)
    if body < 0:
        return False
    start, stop = identity_span(b, body, o + n, sid)
    if start < 0 or g[G_SEEN] * 10 > seen.shape[0] * 7:
        return False
    h = span_hash(b, start, stop, sid)
    return find_or_add(seen, h, np.uint64(src) | OCCUPIED, g, G_SEEN) >= 0


@jit()
def opcua_pdu(b: np.ndarray, o: int, n: int, tmp: np.ndarray, g: np.ndarray, seen: np.ndarray,
              src: int, dedup: bool) -> tuple[int, int]:
    kind = opcua_type(b, o)
    if u32le(b, o + 4) != n or b[o + 3] != 0x46:
        if kind == 5:  # a chunk of a longer message: the session pairs the chunks from now on
            tmp[T_UAMODE] = UA_OTHER
        return A_ROUTE, 0
    if kind == 6:
        tmp[T_UAMODE] = _opn_mode(b, o, n)
        return A_COUNT, (P_OPCUA << 24) | (6 << 20)
    if kind == 1 and _hello_ok(b, o, n):
        return A_COUNT, (P_OPCUA << 24) | (1 << 20)
    if kind == 2 and n >= 28:
        return A_COUNT, (P_OPCUA << 24) | (2 << 20)
    if kind == 7 and n >= 24:
        return A_COUNT, (P_OPCUA << 24) | (7 << 20)
    if kind != 5 or tmp[T_UAMODE] != UA_PLAIN or n < 24:
        return A_ROUTE, 0
    sid = _service_id(b, o + 24, o + n)
    req = u32le(b, o + 20)
    if sid in (631, 673, 554, 527):  # Read, Write, TranslateBrowsePaths, Browse requests
        if sampled(g, 2, sid == 673):
            tmp[T_SAMPLED] = req
            return A_ROUTE, 0
        return A_COUNT, (P_OPCUA << 24) | (5 << 20) | sid
    if sid in (467, 470, 473, 476):  # Activate/CloseSession: session bookkeeping, no identity
        return A_COUNT, (P_OPCUA << 24) | (5 << 20) | sid
    if sid in (634, 676, 557, 530):
        if tmp[T_SAMPLED] == req:
            tmp[T_SAMPLED] = -1
            return A_ROUTE, 0
        return A_COUNT, (P_OPCUA << 24) | (5 << 20) | sid
    if sid in (CREATE_SESSION, CREATE_SESSION_RESPONSE) and dedup and _known_identity(
            b, o, n, sid, seen, g, src):
        return A_COUNT, (P_OPCUA << 24) | (5 << 20) | sid
    return A_ROUTE, 0
