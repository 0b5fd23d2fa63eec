"""DNP3 link frames counted in the kernel (numba), over TCP (IEEE Std 1815-2012).

Framing as ``protocols.dnp3.wire.frame_length``: the link header (0x05 0x64, length, control,
destination, source, header CRC, §9.2.4) and the user data in blocks of 16 octets, each with
its CRC (§9.2.5, CRC-16/DNP). One link frame is one PDU of the flow, as the Python engine
frames the stream. Counted, because the Python session (``protocols.dnp3.session``) gives
them a name and class fixed by their code and no anomaly:

- link frames without user data (functions 0, 9, 11, or length 5) of a known link function
  (``link:pri/<fc>``, ``link:sec/<fc>``);
- single-frame application fragments (transport FIR and FIN in one segment, every CRC good)
  whose object headers ``objects.parse`` walks without stopping early (a variation of
  unknown size ends the walk without an anomaly, as there) and name no group 0 (device
  attributes): Confirm (0); Read (1) requests, whose (master, outstation, sequence) the
  kernel keeps in the flow's pairing slot; the Response (129) to that Read; Unsolicited
  Responses (130).

Everything else goes to the session: a frame whose header CRC fails (discarded there),
bad block CRCs, writes, selects and operates, restarts, file and unsolicited-control
functions, unknown codes, responses to requests the kernel did not count, and one Read or
Unsolicited Response in 4096 (their point values, as the other protocols sample reads). A
request routed under the key the slot holds replaces it there (the session remembers the
newer one), so the slot is cleared.

Transport segments of a fragment that spans link frames go to the session, which reassembles
them (``session._transport``) and holds their link operations until the fragment completes.
The kernel mirrors its reassembly state per direction of the flow (``T_AUX`` towards the
server, ``T_AUX2`` towards the client: the link address pair, the fragment's size so far and
its last transport sequence, 0 = none) and routes every user-data frame of that direction
while the session has a fragment in progress there; a second address pair in one direction,
or one pair in both, hands the flow over. Such a segment also clears the Read in the pairing
slot: the session may complete a request under its key, and pairs the Response itself (with
the class a Read gives it, the Response's own, when it finds none). With detection or
learning on, every frame goes to the session (as ``fast.iec104``).
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
    G_DETECT,
    G_LEARN,
    G_SAMPLE_DNP3,
    P_DNP3,
    SAMPLE_READ_EVERY,
)
from plantwarden.fast.protos import T_AUX, T_AUX2, T_KEY, T_LABEL, u16le
from plantwarden.protocols.dnp3 import codes, objects, wire
from plantwarden.protocols.dnp3.application import NO_RESPONSE
from plantwarden.protocols.dnp3.session import MAX_FRAGMENT, NO_USER_DATA

LINK = 1 << 16  # label bit: a link operation (bit 4 primary, bits 0-3 the link function)
READ, RESPONSE, UNSOLICITED, CONFIRM = 1, 0x81, 0x82, 0
READ_LABEL = (P_DNP3 << 24) | READ
OK, ANOMALY, GROUP0 = 0, 1, 2
# a fragment in reassembly (T_AUX, T_AUX2): present, (source << 16 | destination) << 23,
# octets so far << 6 (at most MAX_FRAGMENT + one segment < 2 ** 17), transport sequence
IN_PROGRESS = 1 << 60

_CRC = np.array(wire._TABLE, np.int64)
# object size by (group, variation < 16), -1 unknown (objects.object_size); bits of packed ones
_SIZE = np.full((256, 16), -1, np.int64)
_PACKED = np.zeros((256, 16), np.int64)
for _g in range(256):
    for _v in range(16):
        _s = objects.object_size(_g, _v)
        _SIZE[_g, _v] = -1 if _s is None else _s
        _PACKED[_g, _v] = objects._PACKED.get((_g, _v), 0)
# range specifier code -> width of its field (objects._RANGES): 0-5 start/stop, 6 none,
# 7-9 and 11 a count; -1 not a range code; prefix code -> prefix width (-1 not one)
_RANGE_WIDTH = np.full(16, -1, np.int64)
for _code, (_kind, _width) in objects._RANGES.items():
    _RANGE_WIDTH[_code] = _width
_PREFIX_WIDTH = np.full(8, -1, np.int64)
for _code, _width in objects._PREFIX_WIDTH.items():
    _PREFIX_WIDTH[_code] = _width
_LINK_KNOWN = np.zeros(32, np.int64)  # (primary << 4) | function: a named link function
for _fn in codes.LINK_PRIMARY:
    _LINK_KNOWN[16 | _fn] = 1
for _fn in codes.LINK_SECONDARY:
    _LINK_KNOWN[_fn] = 1
_REMEMBERED = np.ones(256, np.int64)  # requests the session remembers for their response
for _fn in NO_RESPONSE:
    _REMEMBERED[_fn] = 0
_NO_USER_DATA = np.zeros(16, np.int64)
for _fn in NO_USER_DATA:
    _NO_USER_DATA[_fn] = 1


@jit(inline="always")
def _crc(b: np.ndarray, start: int, n: int) -> int:
    """wire.crc of ``b[start:start + n]``."""
    v = np.int64(0)
    for k in range(start, start + n):
        v = (v >> 8) ^ _CRC[(v ^ np.int64(b[k])) & 0xFF]
    return ~v & 0xFFFF


@jit()
def dnp3_frame(b: np.ndarray, off: int, n: int) -> int:
    """``wire.frame_length``: bytes of the link frame at ``off``, 0 more needed, -1 not one."""
    if n < 3:
        return 0
    if b[off] != 0x05 or b[off + 1] != 0x64 or b[off + 2] < wire.MIN_LENGTH:
        return -1
    data = np.int64(b[off + 2]) - wire.MIN_LENGTH
    return wire.HEADER_SIZE + data + 2 * ((data + wire.BLOCK - 1) // wire.BLOCK)


@jit()
def _header_ok(b: np.ndarray, o: int) -> bool:
    return _crc(b, o, 8) == u16le(b, o + 8)


@jit()
def dnp3_probe(b: np.ndarray, o: int, n: int) -> bool:
    """``Dnp3Spec.probe``: a link frame's start with a good header CRC."""
    return n >= wire.HEADER_SIZE and dnp3_frame(b, o, n) > 0 and _header_ok(b, o)


@jit()
def _blocks_ok(b: np.ndarray, o: int, length: int) -> bool:
    """Every user data block's CRC (wire.user_data finds no bad block)."""
    remaining = length - wire.MIN_LENGTH
    pos = o + wire.HEADER_SIZE
    while remaining > 0:
        size = min(wire.BLOCK, remaining)
        if _crc(b, pos, size) != u16le(b, pos + size):
            return False
        pos += size + 2
        remaining -= size
    return True


@jit(inline="always")
def _at(b: np.ndarray, o: int, i: int) -> int:
    """Octet ``i`` of the application fragment of the single-frame segment at ``o`` (user
    data octet i + 1, after the transport header; a CRC follows every 16 octets)."""
    j = i + 1
    return np.int64(b[o + wire.HEADER_SIZE + j + 2 * (j >> 4)])


@jit()
def _uint(b: np.ndarray, o: int, i: int, width: int) -> int:
    v = np.int64(0)
    for k in range(width):
        v |= _at(b, o, i + k) << (8 * k)
    return v


@jit()
def _walk(b: np.ndarray, o: int, flen: int, pos: int, group: int, variation: int, qualifier: int,
          count: int) -> int:
    """``objects._objects``: the position after the header's objects, -1 cut short, -2 a
    variation of unknown size."""
    prefix = (qualifier >> 4) & 7
    bits = _PACKED[group, variation] if variation < 16 else 0
    if bits and prefix == 0:
        end = pos + (count * bits + 7) // 8
        return -1 if end > flen else end
    octets = 110 <= group <= 113  # objects._OCTET_GROUPS: the variation is the size
    size = _SIZE[group, variation] if variation < 16 else (variation if octets else -1)
    if size < 0 and prefix < 4:
        return -2
    width = _PREFIX_WIDTH[prefix]
    if width == 0 and size <= 0:
        return pos
    for _ in range(count):  # every object moves on at least one octet, or the walk ends
        if flen < pos + width:
            return -1
        tag = _uint(b, o, pos, width)
        pos += width
        length = tag if prefix >= 4 else max(size, 0)
        if flen < pos + length:
            return -1
        pos += length
    return pos


@jit()
def _objects(b: np.ndarray, o: int, flen: int, pos: int, with_data: bool) -> int:
    """``objects.parse`` from ``pos``: OK (no anomaly), ANOMALY, or GROUP0 (device attributes)."""
    while pos < flen:
        if flen < pos + 3:
            return ANOMALY
        group, variation, qualifier = _at(b, o, pos), _at(b, o, pos + 1), _at(b, o, pos + 2)
        if group == 0:
            return GROUP0
        code = qualifier & 0x0F
        width = _RANGE_WIDTH[code]
        if width < 0 or _PREFIX_WIDTH[(qualifier >> 4) & 7] < 0:
            return ANOMALY
        span = 2 * width if code <= 5 else width
        if flen < pos + 3 + span:
            return ANOMALY
        if code <= 5:
            count = max(_uint(b, o, pos + 3 + width, width) - _uint(b, o, pos + 3, width) + 1, 0)
        else:
            count = _uint(b, o, pos + 3, width)  # 6 (all): width 0, no objects
        pos += 3 + span
        if with_data and code != 6:
            walked = _walk(b, o, flen, pos, group, variation, qualifier, count)
            if walked == -1:
                return ANOMALY
            if walked == -2:
                return OK  # the session stops there too ("unknown_size"), without an anomaly
            pos = walked
    return OK


@jit()
def _sampled(g: np.ndarray) -> bool:
    """1 Read or Unsolicited Response in SAMPLE_READ_EVERY goes to the session (point values)."""
    g[G_SAMPLE_DNP3] += 1
    return (g[G_SAMPLE_DNP3] - 1) % SAMPLE_READ_EVERY == 0


@jit()
def _reassembly(th: int, pair: int, size: int, state: int) -> int:
    """``session._transport`` on the state of one direction: the state after a segment with
    transport header ``th`` and ``size`` octets after it."""
    seq = th & 0x3F
    if th & 0x40:
        total = size
    elif state == 0 or seq != ((state & 0x3F) + 1) & 0x3F:
        return 0  # out of order: the session drops the fragment (dnp3.transport_sequence)
    else:
        total = ((state >> 6) & 0x1FFFF) + size
    if total > MAX_FRAGMENT or th & 0x80:
        return 0  # dropped as too large, or complete
    return IN_PROGRESS | (pair << 23) | (total << 6) | seq


@jit()
def dnp3_pdu(b: np.ndarray, o: int, n: int, d: int, tmp: np.ndarray, g: np.ndarray) -> tuple[int, int]:
    """What happens to the link frame ``b[o:o + n]`` (whole, as ``dnp3_frame`` sized it) sent
    in direction ``d`` (0 to the server)."""
    if not _header_ok(b, o):
        return A_ROUTE, 0  # discarded by the session with its anomaly
    length, control = np.int64(b[o + 2]), np.int64(b[o + 3])
    destination, source = u16le(b, o + 4), u16le(b, o + 6)
    function = control & 0x0F
    counting = g[G_DETECT] == 0 and g[G_LEARN] == 0
    if _NO_USER_DATA[function] or length == wire.MIN_LENGTH:
        primary = (control >> 6) & 1
        if counting and _LINK_KNOWN[(primary << 4) | function]:
            return A_COUNT, (P_DNP3 << 24) | LINK | (primary << 4) | function
        return A_ROUTE, 0
    th = np.int64(b[o + wire.HEADER_SIZE])
    pair = (source << 16) | destination
    mine, other = (T_AUX, T_AUX2) if d == 0 else (T_AUX2, T_AUX)
    state, across = tmp[mine], tmp[other]
    if (state and (state >> 23) & 0xFFFFFFFF != pair) or (across and (across >> 23) & 0xFFFFFFFF == pair):
        return A_HANDOVER, 0  # two address pairs in reassembly one way, or one pair both ways
    flen = length - wire.MIN_LENGTH - 1
    if state or th & 0xC0 != 0xC0:
        tmp[mine] = _reassembly(th, pair, flen, state)
        tmp[T_KEY] = -1  # the session may complete a request under its key: it pairs from now
        return A_ROUTE, 0
    if flen < 2:
        return A_ROUTE, 0
    good = counting and _blocks_ok(b, o, length)
    seq, code = _at(b, o, 0) & 0x0F, _at(b, o, 1)
    if code >= RESPONSE:
        key = (destination << 20) | (source << 4) | seq  # (master, outstation, sequence)
        paired = code == RESPONSE and tmp[T_KEY] == key
        if paired:
            tmp[T_KEY] = -1
        if (good and (paired or code == UNSOLICITED) and flen >= 4
                and _objects(b, o, flen, 4, True) == OK and (paired or not _sampled(g))):
            return A_COUNT, (P_DNP3 << 24) | code
        return (A_PRIME_ROUTE, 0) if paired else (A_ROUTE, 0)
    key = (source << 20) | (destination << 4) | seq
    if code == CONFIRM and good and _objects(b, o, flen, 2, True) == OK:
        return A_COUNT, (P_DNP3 << 24) | CONFIRM
    if (code == READ and good and (tmp[T_KEY] < 0 or tmp[T_KEY] == key)
            and _objects(b, o, flen, 2, False) == OK and not _sampled(g)):
        tmp[T_KEY], tmp[T_LABEL] = key, READ_LABEL
        return A_COUNT, READ_LABEL
    if code != CONFIRM and _REMEMBERED[code] and tmp[T_KEY] == key:
        tmp[T_KEY] = -1  # the session remembers this request under the slot's key instead
    return A_ROUTE, 0
