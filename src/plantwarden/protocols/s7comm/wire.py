"""TPKT, COTP and S7comm byte layouts (pure functions over ``bytes``).

TPKT: RFC 1006 §6 (version 3, reserved, 16-bit length counting its own four octets).
COTP: ISO 8073 / X.224 §13 (length indicator, TPDU code; DT class 0: TPDU-NR and EOT bit;
CR/CC: references, class, then parameters such as 0xC1 calling and 0xC2 called TSAP).
S7comm has no public standard: the layouts follow Siemens' S7 protocol as documented by
the Snap7 project and Wireshark's s7comm dissector (header: protocol id 0x32, ROSCTR,
redundancy id, PDU reference, parameter length, data length, error class/code in acks).
"""

from __future__ import annotations

import struct
from typing import NamedTuple

TPKT_VERSION = 3
S7_ID = 0x32
S7PLUS_ID = 0x72
COTP_DT = 0xF0
COTP_CR = 0xE0
COTP_CC = 0xD0

_H = struct.Struct(">H")
_HEAD = struct.Struct(">BBHHHH")  # protocol id, ROSCTR, redundancy id, PDU ref, par len, data len


def tpkt_length(buf: bytes) -> int:
    """RFC 1006 §6 framing: 0 = need more bytes, -1 = not a TPKT header."""
    if len(buf) < 4:
        return 0
    if buf[0] != TPKT_VERSION or buf[1] != 0:
        return -1
    length = (buf[2] << 8) | buf[3]
    return length if length >= 4 else -1


class Cotp(NamedTuple):
    """One COTP TPDU (ISO 8073 §13.2): its code, EOT flag (DT only) and user data."""

    code: int  # TPDU code (high nibble of octet 2; low nibble is CDT for CR/CC)
    eot: bool
    header: bytes  # the fixed and variable part after the length indicator
    payload: bytes


def parse_cotp(tpdu: bytes) -> Cotp | None:
    """The COTP TPDU after a TPKT header, or None when its length indicator overruns it."""
    if len(tpdu) < 2:
        return None
    li = tpdu[0]
    if li < 1 or li + 1 > len(tpdu):
        return None
    code = tpdu[1] & 0xF0
    eot = code == COTP_DT and li >= 2 and bool(tpdu[2] & 0x80)
    return Cotp(code, eot, tpdu[1 : li + 1], tpdu[li + 1 :])


def cotp_params(header: bytes) -> dict[int, bytes]:
    """Variable part of a CR/CC/DR TPDU: parameter code -> value (ISO 8073 §13.3.4)."""
    params: dict[int, bytes] = {}
    off = 6  # code/CDT, dst-ref (2), src-ref (2), class/option
    while off + 2 <= len(header):
        code, size = header[off], header[off + 1]
        params[code] = header[off + 2 : off + 2 + size]
        off += 2 + size
    return params


def tsap_rack_slot(tsap: bytes) -> tuple[int, int, int] | None:
    """S7 TSAP: connection type (1 PG, 2 OP, 3 S7 basic) and rack*32 + slot."""
    if len(tsap) != 2:
        return None
    return tsap[0], tsap[1] >> 5, tsap[1] & 0x1F


class S7Header(NamedTuple):
    rosctr: int
    pdu_ref: int
    param: bytes
    data: bytes
    error_class: int
    error_code: int
    truncated: bool  # parameter/data lengths exceed the PDU


def parse_s7(pdu: bytes) -> S7Header | None:
    """S7comm header (10 octets, 12 for Ack/Ack_Data), parameter and data parts."""
    if len(pdu) < 10 or pdu[0] != S7_ID:
        return None
    _, rosctr, _, ref, plen, dlen = _HEAD.unpack_from(pdu)
    off, ecls, ecode = 10, 0, 0
    if rosctr in (2, 3):
        if len(pdu) < 12:
            return S7Header(rosctr, ref, b"", b"", 0, 0, True)
        ecls, ecode, off = pdu[10], pdu[11], 12
    param = pdu[off : off + plen]
    data = pdu[off + plen : off + plen + dlen]
    truncated = off + plen + dlen > len(pdu)
    return S7Header(rosctr, ref, param, data, ecls, ecode, truncated)


class Item(NamedTuple):
    """One S7ANY variable specification (syntax id 0x10) of Read/Write Var."""

    transport: int
    length: int  # number of elements of the transport size
    db: int
    area: int
    byte: int
    bit: int


def var_items(param: bytes) -> list[Item | None]:
    """Items of a Read/Write Var parameter: 0x12, spec length, syntax id, then for S7ANY
    transport size, length, DB number, area, 24-bit bit address. Other syntaxes -> None."""
    items: list[Item | None] = []
    off = 2
    for _ in range(param[1] if len(param) > 1 else 0):
        if off + 2 > len(param):
            break
        size = param[off + 1]
        spec = param[off + 2 : off + 2 + size]
        if len(spec) >= 10 and spec[0] == 0x10:
            address = (spec[7] << 16) | (spec[8] << 8) | spec[9]
            items.append(Item(spec[1], _H.unpack_from(spec, 2)[0], _H.unpack_from(spec, 4)[0],
                              spec[6], address >> 3, address & 7))
        else:
            items.append(None)
        off += 2 + size
    return items


def data_items(data: bytes, count: int) -> list[tuple[int, bytes]]:
    """Data part of Write Var requests and Read Var responses: return code, transport
    size, length (in bits for sizes 3, 4, 5), data, fill octet after odd lengths."""
    out: list[tuple[int, bytes]] = []
    off = 0
    for _ in range(count):
        if off + 4 > len(data):
            break
        rc, ts, length = data[off], data[off + 1], _H.unpack_from(data, off + 2)[0]
        if ts in (3, 4, 5):
            length = (length + 7) >> 3
        out.append((rc, data[off + 4 : off + 4 + length]))
        off += 4 + length + (length & 1)
    return out


def file_name(param: bytes, off: int = 8) -> str:
    """Length-prefixed ASCII block file name of download/upload jobs (e.g. ``_0A00001P``)."""
    if off >= len(param):
        return ""
    return param[off + 1 : off + 1 + param[off]].decode("latin-1")


def pi_service(param: bytes) -> tuple[str, bytes]:
    """PI-Service (0x28) parameter: 7 octets, parameter block length, block, service name."""
    if len(param) < 10:
        return "", b""
    plen = _H.unpack_from(param, 8)[0]
    block = param[10 : 10 + plen]
    name = file_name(param, 10 + plen)
    if len(name) + 11 + plen != len(param):  # lengths do not add up: keep the trailing name
        cut = param.rfind(b"_")
        cut -= param[cut - 1 :] == b"P_PROGRAM"  # the one service name not starting with "_"
        name, block = (param[cut:].decode("latin-1"), b"") if cut >= 0 else ("", b"")
    return name, block


class Userdata(NamedTuple):
    """Userdata parameter: head 00 01 12, length, method, type/function group, subfunction,
    sequence number; with length 8 also data unit reference, last data unit, error code."""

    method: int
    kind: int  # 0 push, 4 request, 8 response
    group: int
    sub: int
    seq: int
    more: bool  # another data unit follows
    error: int


def parse_userdata(param: bytes) -> Userdata | None:
    if len(param) < 8 or param[0:3] != b"\x00\x01\x12":
        return None
    more = len(param) >= 12 and param[9] != 0
    error = _H.unpack_from(param, 10)[0] if len(param) >= 12 else 0
    return Userdata(param[4], param[5] >> 4, param[5] & 0x0F, param[6], param[7], more, error)


def userdata_payload(data: bytes) -> tuple[int, bytes]:
    """Return code and payload of a Userdata data part (rc, transport size, length)."""
    if len(data) < 4:
        return -1, b""
    return data[0], data[4 : 4 + _H.unpack_from(data, 2)[0]]


def unpack_u16(buf: bytes, off: int) -> int:
    return int(_H.unpack_from(buf, off)[0])
