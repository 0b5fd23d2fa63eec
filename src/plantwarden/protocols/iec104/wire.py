"""IEC 60870-5-104 byte layouts: APCI framing, ASDU header, information objects.

Pure functions over ``bytes``; no state and no names (those are in ``codes.py``).
"""

from __future__ import annotations

import struct
from typing import NamedTuple

START = 0x68
APCI_LEN = 6  # start, length, four control octets (IEC 60870-5-104 §5, Figure 2)
APDU_MIN_LEN = 4  # the length octet counts the control field and the ASDU
APDU_MAX_LEN = 253  # IEC 60870-5-104 §5: maximum length of the APDU is 253

FORMAT_I = "I"
FORMAT_S = "S"
FORMAT_U = "U"

_H = struct.Struct("<H")
_h = struct.Struct("<h")
_i = struct.Struct("<i")
_I = struct.Struct("<I")
_f = struct.Struct("<f")


def apdu_length(buf: bytes) -> int:
    """TCP framing (IEC 60870-5-104 §5.1): bytes of the APDU that starts in ``buf``.

    Octets before the start character 0x68 belong to the APDU that follows them (they are
    reported as a garbage prefix); a buffer without a start character is consumed whole,
    as Wireshark does. Returns 0 while fewer than the six APCI octets are buffered.
    """
    n = len(buf)
    if n < APCI_LEN:
        return 0
    if buf[0] == START:
        return buf[1] + 2
    off = buf.find(START, 0, n - 1)
    if off < 0:
        return n
    return off + buf[off + 1] + 2


class Apci(NamedTuple):
    """Control field (IEC 60870-5-104 §5.1, Figures 6-8)."""

    start: int  # offset of the start character in the PDU
    length: int  # the APDU length octet
    fmt: str  # "I", "S" or "U"
    send_seq: int  # N(S), I format only
    recv_seq: int  # N(R), I and S formats
    u_function: int  # octet 1 >> 2 for U format (STARTDT act = 0x01 ... TESTFR con = 0x20)


def parse_apci(pdu: bytes) -> Apci | None:
    """The APCI of a PDU cut by :func:`apdu_length`, or None without start/control octets."""
    start = pdu.find(START, 0, max(len(pdu) - 1, 0))
    if start < 0:
        return None
    length = pdu[start + 1]
    if length < APDU_MIN_LEN or len(pdu) < start + APCI_LEN:
        return Apci(start, length, "", 0, 0, 0)
    c1 = pdu[start + 2]
    c3 = _H.unpack_from(pdu, start + 4)[0] >> 1
    if c1 & 0x01 == 0:
        return Apci(start, length, FORMAT_I, _H.unpack_from(pdu, start + 2)[0] >> 1, c3, 0)
    if c1 & 0x03 == 1:
        return Apci(start, length, FORMAT_S, 0, c3, 0)
    return Apci(start, length, FORMAT_U, 0, 0, c1 >> 2)


class AsduHeader(NamedTuple):
    """Data unit identifier (IEC 60870-5-101 §7.2, with the -104 §9 field sizes).

    Type identification (1 octet), variable structure qualifier (SQ bit + number of
    objects), cause of transmission (cause, P/N and T bits, originator address: 2 octets),
    common address of ASDU (2 octets).
    """

    type_id: int
    sq: bool
    number: int  # number of information objects (or elements when SQ=1)
    cause: int
    negative: bool
    test: bool
    originator: int
    common_address: int


ASDU_HEADER_LEN = 6
IOA_LEN = 3


def parse_asdu_header(asdu: bytes) -> AsduHeader | None:
    """The data unit identifier, or None when the ASDU is shorter than its six octets."""
    if len(asdu) < ASDU_HEADER_LEN:
        return None
    vsq = asdu[1]
    cot = asdu[2]
    return AsduHeader(asdu[0], bool(vsq & 0x80), vsq & 0x7F, cot & 0x3F, bool(cot & 0x40),
                      bool(cot & 0x80), asdu[3], _H.unpack_from(asdu, 4)[0])


# Octets of one information element set (without its IOA) per type identification:
# IEC 60870-5-101 §7.3.1-7.3.6 and IEC 60870-5-104 §8 (CP56Time2a = 7, CP24Time2a = 3).
ELEMENT_SIZE: dict[int, int] = {
    1: 1, 2: 4, 3: 1, 4: 4, 5: 2, 6: 5, 7: 5, 8: 8, 9: 3, 10: 6, 11: 3, 12: 6, 13: 5, 14: 8,
    15: 5, 16: 8, 17: 6, 18: 7, 19: 7, 20: 5, 21: 2, 30: 8, 31: 8, 32: 9, 33: 12, 34: 10,
    35: 10, 36: 12, 37: 12, 38: 10, 39: 11, 40: 11,
    45: 1, 46: 1, 47: 1, 48: 3, 49: 3, 50: 5, 51: 4, 58: 8, 59: 8, 60: 8, 61: 10, 62: 10,
    63: 12, 64: 11, 70: 1, 100: 1, 101: 1, 102: 0, 103: 7, 104: 2, 105: 1, 106: 2, 107: 9,
    110: 3, 111: 3, 112: 5, 113: 1, 120: 6, 121: 7, 122: 4, 123: 5, 124: 4, 126: 13, 127: 16,
}


def object_offsets(asdu: bytes, head: AsduHeader) -> list[tuple[int, int]] | None:
    """(information object address, offset of its element) for each object.

    SQ=0: each object carries its own 3-octet IOA; SQ=1: one IOA, then consecutive
    elements at IOA, IOA+1, ... (IEC 60870-5-101 §7.2.2.1). None when the ASDU length does
    not match the declared objects or the element size of the type is not known.
    """
    size = ELEMENT_SIZE.get(head.type_id)
    if size is None:
        return None
    body = len(asdu) - ASDU_HEADER_LEN
    if head.sq:
        if head.number and body != IOA_LEN + size * head.number:
            return None
        base = _ioa(asdu, ASDU_HEADER_LEN) if body >= IOA_LEN else 0
        first = ASDU_HEADER_LEN + IOA_LEN
        return [(base + i, first + i * size) for i in range(head.number)]
    if body != (IOA_LEN + size) * head.number:
        return None
    step = IOA_LEN + size
    offs = range(ASDU_HEADER_LEN, len(asdu), step)
    return [(_ioa(asdu, off), off + IOA_LEN) for off in offs]


def _ioa(buf: bytes, off: int) -> int:
    return buf[off] | buf[off + 1] << 8 | buf[off + 2] << 16


_SINGLE = frozenset({1, 2, 30, 45, 58})
_DOUBLE = frozenset({3, 4, 31, 46, 59, 47, 60})
_STEP = frozenset({5, 6, 32})
_BITS = frozenset({7, 8, 33, 51, 64})
_NORMALIZED = frozenset({9, 10, 21, 34, 48, 61, 110})
_SCALED = frozenset({11, 12, 35, 49, 62, 111})
_FLOAT = frozenset({13, 14, 36, 50, 63, 112})
_COUNTER = frozenset({15, 16, 37})


def element_value(type_id: int, buf: bytes, off: int) -> float | int | bool | None:
    """The value of one information element (IEC 60870-5-101 §7.2.6), None if it has none.

    SIQ/SCO: bit 0; DIQ/DCO/RCO: bits 0-1; VTI: 7-bit signed; BSI: 32 bits; NVA: signed
    16 bits scaled to [-1, 1); SVA: signed 16 bits; IEEE STD 754 short float; BCR: 32-bit
    signed counter.
    """
    if type_id in _SINGLE:
        return bool(buf[off] & 0x01)
    if type_id in _DOUBLE:
        return buf[off] & 0x03
    if type_id in _FLOAT:
        return float(_f.unpack_from(buf, off)[0])
    if type_id in _NORMALIZED:
        return float(_h.unpack_from(buf, off)[0]) / 32768.0
    if type_id in _SCALED:
        return int(_h.unpack_from(buf, off)[0])
    if type_id in _STEP:
        v = buf[off] & 0x7F
        return v - 0x80 if v & 0x40 else v
    if type_id in _BITS:
        return int(_I.unpack_from(buf, off)[0])
    if type_id in _COUNTER:
        return int(_i.unpack_from(buf, off)[0])
    return None
