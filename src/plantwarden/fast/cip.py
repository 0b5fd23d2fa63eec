"""EtherNet/IP SendRRData carrying CIP, counted in the kernel (numba).

The common unconnected read: SendRRData (ODVA CIP Vol 2, 2-4.7) whose CPF data item 0xB2
(2-6.1) holds an Unconnected Send (Vol 1, 3-5.5.4) to the Connection Manager (class 0x06)
embedding a Logix Read Tag (0x4C) or Write Tag (0x4D, 1756-PM020) on a symbolic path (Vol 1,
C-1.4.5), and its reply. The Python decoder (``protocols.enip.session``, ``protocols.cip.decode``)
gives such a request three operations (``enip`` 0x006f, ``cip`` 0x52:req, ``cip`` 0x4c:req)
and the reply two (``enip`` 0x006f, ``cip`` 0x4c:rsp), without anomalies; the checks below
mirror its parsing (``enip.wire``, ``cip.wire``). Everything else goes to the Python
session, and one read in 4096 / write in 256 with its reply (the values are sampled, as for
the other protocols). The request waits in the flow's pairing slot (key 0, aux = sender context) for
its reply; a reply it cannot count primes the session with it first. Scanners pipeline: a
second request sent before the first is answered waits in a second slot (the first slot
always holds the older one); a third goes to the session.
"""

# numba kernels compute with numpy scalar types (np.int64) that stand for ints here:
# mypy: disable-error-code="return-value,arg-type,no-any-return,assignment"

from __future__ import annotations

import numpy as np

from plantwarden.fast.jit import jit
from plantwarden.fast.layout import A_COUNT, A_PRIME_ROUTE, A_ROUTE, P_CIP, P_ENIP
from plantwarden.fast.protos import T_AUX, T_AUX2, T_KEY, T_KEY2, T_LABEL, T_LABEL2, sampled, u16le, u32le

SEND_RR_DATA = 0x6F
FAM_CM, FAM_TAG = 1, 2  # label bits 12-15: the path family that fixes the service's meaning
UNCONNECTED_SEND, READ_TAG, WRITE_TAG = 0x52, 0x4C, 0x4D
ENIP_RR = (P_ENIP << 24) | SEND_RR_DATA
CIP_SEND_REQ = (P_CIP << 24) | (FAM_CM << 12) | UNCONNECTED_SEND
CIP_TAG_REQ = (P_CIP << 24) | (FAM_TAG << 12)  # | embedded service
CIP_TAG_RSP = (P_CIP << 24) | (FAM_TAG << 12) | (1 << 8)


@jit()
def data_item(b: np.ndarray, o: int, n: int) -> tuple[int, int]:
    """First 0xB2 item of the CPF after the 24-byte header and 6 bytes: (start, length);
    start -1 when the items run past the PDU, -2 when there is no 0xB2 item."""
    pos, end = o + 30, o + n
    if pos + 2 > end:
        return -1, 0
    count = u16le(b, pos)
    pos += 2
    start, length = -2, 0
    for _ in range(count):
        if pos + 4 > end:
            return -1, 0
        kind, size = u16le(b, pos), u16le(b, pos + 2)
        pos += 4
        if pos + size > end:
            return -1, 0
        if kind == 0xB2 and start == -2:
            start, length = pos, size
        pos += size
    return start, length


@jit()
def tag_path(b: np.ndarray, p: int, end: int) -> bool:
    """A padded EPATH of ANSI symbols (0x91) and member ids (0x28/0x29/0x2A) with a symbol."""
    symbols = 0
    while p < end:
        seg = np.int64(b[p])
        if seg == 0x91:
            if p + 2 > end or p + 2 + np.int64(b[p + 1]) > end:
                return False
            size = np.int64(b[p + 1])
            p += 2 + size + (size & 1)
            symbols += 1
        elif seg == 0x28 or seg == 0x29 or seg == 0x2A:
            size = 1 if seg == 0x28 else (2 if seg == 0x29 else 4)
            start = p + 1 if size == 1 else p + 2
            if start + size > end:
                return False
            p = start + size
        else:
            return False
    return symbols > 0


@jit()
def tag_request(b: np.ndarray, s: int, n: int) -> int:
    """Unconnected Send (path 20 06 24 xx) embedding Read Tag or Write Tag on a tag path:
    the embedded service, else 0."""
    if n < 2 or b[s] != UNCONNECTED_SEND:
        return 0
    pe = 2 + 2 * np.int64(b[s + 1])
    if pe != 6 or pe > n or b[s + 2] != 0x20 or b[s + 3] != 0x06 or b[s + 4] != 0x24:
        return 0
    d, dn = s + pe, n - pe
    if dn < 4:
        return 0
    size = u16le(b, d + 2)
    if 4 + size > dn or size < 2:
        return 0
    m = d + 4
    service = np.int64(b[m])
    if service != READ_TAG and service != WRITE_TAG:
        return 0
    epe = 2 + 2 * np.int64(b[m + 1])
    return service if epe <= size and tag_path(b, m + 2, m + epe) else 0


@jit()
def _context(b: np.ndarray, o: int) -> int:
    return (u32le(b, o + 16) << 32) | u32le(b, o + 12)


@jit()
def _swap(tmp: np.ndarray) -> None:
    tmp[T_KEY], tmp[T_KEY2] = tmp[T_KEY2], tmp[T_KEY]
    tmp[T_LABEL], tmp[T_LABEL2] = tmp[T_LABEL2], tmp[T_LABEL]
    tmp[T_AUX], tmp[T_AUX2] = tmp[T_AUX2], tmp[T_AUX]


@jit()
def enip_front(b: np.ndarray, o: int, n: int, tmp: np.ndarray) -> None:
    """Before judging a PDU: when its sender context is that of the second pending request
    (and not the first's), put that request in the first slot, which ``enip_pdu`` pairs."""
    if n > 24 and u16le(b, o) == SEND_RR_DATA and tmp[T_KEY2] >= 0:
        context = _context(b, o)
        first = tmp[T_KEY] >= 0 and tmp[T_AUX] == context
        # without a data item the PDU answers nothing (enip_pdu): no swap then
        if tmp[T_AUX2] == context and not first and data_item(b, o, n)[0] != -2:
            _swap(tmp)


@jit()
def enip_pdu(b: np.ndarray, o: int, n: int, tmp: np.ndarray, g: np.ndarray) -> tuple[int, int, int, int]:
    """(action, label, extra label, extra label) of one encapsulated PDU (0 = no extra)."""
    cmd = u16le(b, o)
    status = u32le(b, o + 8)
    if (cmd == 0x65 or cmd == 0x66) and status == 0:
        return A_COUNT, (P_ENIP << 24) | cmd, 0, 0
    if cmd != SEND_RR_DATA or n <= 24:
        return A_ROUTE, 0, 0, 0
    context = _context(b, o)
    s, ln = data_item(b, o, n)
    reply = s >= 0 and ln > 0 and b[s] & 0x80
    if tmp[T_KEY] >= 0 and tmp[T_AUX] == context:
        if s == -2:
            return A_ROUTE, 0, 0, 0  # no data item: the session would keep waiting, so does the kernel
        service = tmp[T_LABEL]
        tmp[T_KEY] = -1  # whatever the session does with this key, it needs the kernel's request
        if tmp[T_KEY2] >= 0:  # the other pending request moves up: the first slot is the older
            _swap(tmp)
        if reply and status == 0 and ln >= 4 and 4 + 2 * np.int64(b[s + 3]) <= ln and b[s] == 0x80 | service:
            return A_COUNT, ENIP_RR, CIP_TAG_RSP | service, 0
        return A_PRIME_ROUTE, 0, 0, 0
    free = tmp[T_KEY] < 0 or tmp[T_KEY2] < 0
    service = tag_request(b, s, ln) if status == 0 and s >= 0 and not reply and free else 0
    if service == 0 or sampled(g, 3, service == WRITE_TAG):
        return A_ROUTE, 0, 0, 0
    if tmp[T_KEY] < 0:
        tmp[T_KEY], tmp[T_LABEL], tmp[T_AUX] = 0, service, context
    else:
        tmp[T_KEY2], tmp[T_LABEL2], tmp[T_AUX2] = 0, service, context
    return A_COUNT, ENIP_RR, CIP_SEND_REQ, CIP_TAG_REQ | service
