"""Modbus/TCP byte layouts: pure functions over one ADU (``bytes`` from the MBAP header on).

References:
    [MB-TCP] Modbus Messaging on TCP/IP Implementation Guide V1.0b, 3.1.3 MBAP header.
    [MB-AP]  Modbus Application Protocol Specification V1.1b3, section 6 (function codes),
             section 7 (exception responses), 6.21 (FC 43 / MEI 14 Read Device Identification).

Offsets below count from the start of the ADU: the PDU (function code) starts at byte 7.
Every function returns ``None`` when the ADU is too short for the layout it reads.
"""

from __future__ import annotations

import struct

# [MB-TCP] 3.1.3 MBAP header: transaction_identifier u16, protocol_identifier u16,
# length u16 (bytes that follow: unit_identifier + PDU), unit_identifier u8.
MBAP = struct.Struct(">HHHB")
MBAP_SIZE = 7
FC_OFFSET = 7
DATA_OFFSET = 8
MAX_LENGTH = 256  # [MB-TCP] 3.1.3: an ADU is at most 260 bytes (length <= 254); a little slack

_U16 = struct.Struct(">H")
_U16X2 = struct.Struct(">HH")
_U16X3 = struct.Struct(">HHH")
_RW_MULTIPLE = struct.Struct(">HHHHB")
_WRITE_MULTIPLE = struct.Struct(">HHB")


def frame_length(buf: bytes) -> int:
    """ADU length from the MBAP header: 0 = need more bytes, -1 = not an MBAP header.

    Like tshark, nothing is judged before the 6 header bytes are there: a short tail left
    after a PDU joins the next segment and the two are rejected together. A length of 1
    still frames (7 bytes) so the stream stays in step; the session reports it as
    ``modbus.invalid_length``.
    """
    if len(buf) < 6:
        return 0
    if buf[2] or buf[3]:
        return -1
    length = (buf[4] << 8) | buf[5]
    if length == 0 or length > MAX_LENGTH:
        return -1
    return 6 + length


def looks_like_mbap(payload: bytes) -> bool:
    """[MB-TCP] 3.1.3: protocol identifier 0, a whole ADU of sane length, a function code."""
    if len(payload) < 8 or payload[2] or payload[3]:
        return False
    length = (payload[4] << 8) | payload[5]
    return 2 <= length <= MAX_LENGTH and length + 6 <= len(payload) and payload[FC_OFFSET] != 0


def header(adu: bytes) -> tuple[int, int, int, int] | None:
    """(transaction_identifier, protocol_identifier, length, unit_identifier)."""
    if len(adu) < MBAP_SIZE:
        return None
    tid, pid, length, unit = MBAP.unpack_from(adu, 0)
    return tid, pid, length, unit


def u8_at(adu: bytes, offset: int) -> int | None:
    return adu[offset] if len(adu) > offset else None


def u16_at(adu: bytes, offset: int) -> int | None:
    if len(adu) < offset + 2:
        return None
    value: int = _U16.unpack_from(adu, offset)[0]
    return value


def two_u16(adu: bytes) -> tuple[int, int] | None:
    """[MB-AP] 6.1-6.6: starting_address/output_address and quantity/output_value."""
    if len(adu) < DATA_OFFSET + 4:
        return None
    a, b = _U16X2.unpack_from(adu, DATA_OFFSET)
    return a, b


def mask_write(adu: bytes) -> tuple[int, int, int] | None:
    """[MB-AP] 6.16 Mask Write Register: reference_address, and_mask, or_mask."""
    if len(adu) < DATA_OFFSET + 6:
        return None
    a, b, c = _U16X3.unpack_from(adu, DATA_OFFSET)
    return a, b, c


def write_multiple(adu: bytes) -> tuple[int, int, bytes] | None:
    """[MB-AP] 6.11/6.12: starting_address, quantity_of_outputs, byte_count, outputs_value."""
    if len(adu) < DATA_OFFSET + 5:
        return None
    start, qty, count = _WRITE_MULTIPLE.unpack_from(adu, DATA_OFFSET)
    return start, qty, adu[DATA_OFFSET + 5 : DATA_OFFSET + 5 + count]


def read_write_multiple(adu: bytes) -> tuple[int, int, int, int, bytes] | None:
    """[MB-AP] 6.17 Read/Write Multiple registers request:
    read_starting_address, quantity_to_read, write_starting_address, quantity_to_write,
    write_byte_count, write_registers_value."""
    if len(adu) < DATA_OFFSET + 9:
        return None
    rs, rq, ws, wq, count = _RW_MULTIPLE.unpack_from(adu, DATA_OFFSET)
    return rs, rq, ws, wq, adu[DATA_OFFSET + 9 : DATA_OFFSET + 9 + count]


def byte_counted(adu: bytes) -> bytes | None:
    """[MB-AP] 6.1-6.4, 6.17, 6.13: byte_count u8 then that many bytes (None if short)."""
    if len(adu) <= DATA_OFFSET:
        return None
    count = adu[DATA_OFFSET]
    end = DATA_OFFSET + 1 + count
    return adu[DATA_OFFSET + 1 : end] if len(adu) >= end else None


def bits(data: bytes, quantity: int) -> list[bool]:
    """[MB-AP] 6.1: coil/input status packed LSB first, first address in bit 0 of byte 0."""
    quantity = min(quantity, len(data) * 8)
    return [bool(data[i >> 3] >> (i & 7) & 1) for i in range(quantity)]


def registers(data: bytes) -> list[int]:
    """[MB-AP] 6.3: registers as big-endian u16 (a trailing odd byte is ignored)."""
    return [v for (v,) in struct.iter_unpack(">H", data[: len(data) & ~1])]


# [MB-AP] 6.21 Read Device Identification response, after mei_type (0x0E):
# read_device_id_code u8, conformity_level u8, more_follows u8, next_object_id u8,
# number_of_objects u8, then objects: object_id u8, object_length u8, object_value.
_DEVICE_ID = struct.Struct(">BBBBB")


def device_id_objects(adu: bytes) -> list[tuple[int, bytes]] | None:
    """Objects of an FC 43 / MEI 14 response (None when the list is cut short)."""
    base = DATA_OFFSET + 1
    if len(adu) < base + _DEVICE_ID.size:
        return None
    count = _DEVICE_ID.unpack_from(adu, base)[4]
    pos = base + _DEVICE_ID.size
    objects: list[tuple[int, bytes]] = []
    for _ in range(count):
        if len(adu) < pos + 2:
            return None
        obj_id, obj_len = adu[pos], adu[pos + 1]
        if len(adu) < pos + 2 + obj_len:
            return None
        objects.append((obj_id, adu[pos + 2 : pos + 2 + obj_len]))
        pos += 2 + obj_len
    return objects
