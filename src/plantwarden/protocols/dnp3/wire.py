"""DNP3 byte layouts: link frames, CRC blocks, transport and application headers.

References (IEEE Std 1815-2012):
    9.2.2 link frame: start 0x05 0x64, length, control, destination, source, header CRC,
          then user data in blocks of at most 16 bytes, each followed by its CRC.
    9.2.4.1.1 length counts control, destination, source and user data (not the CRCs).
    9.2.5 CRC: polynomial 0x3D65, bit-reversed processing, complemented, little-endian.
    8.2.1 transport header: FIN (0x80), FIR (0x40), SEQUENCE (0x3F).
    4.2.2.4 application control: FIR 0x80, FIN 0x40, CON 0x20, UNS 0x10, SEQ 0x0F;
    4.2.2.5 function code; 4.2.2.6 internal indications (responses only, 2 bytes).
"""

from __future__ import annotations

import struct

START = b"\x05\x64"
HEADER_SIZE = 10  # start(2) length(1) control(1) destination(2) source(2) crc(2)
MIN_LENGTH = 5  # control + destination + source
BLOCK = 16

# 9.2.2 link header after the start bytes: length u8, control u8, destination u16 LE, source u16 LE.
LINK_HEADER = struct.Struct("<BBHH")
_CRC = struct.Struct("<H")


def _crc_table() -> list[int]:
    table = []
    for i in range(256):
        crc = i
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA6BC if crc & 1 else crc >> 1
        table.append(crc)
    return table


_TABLE = _crc_table()


def crc(data: bytes | memoryview) -> int:
    """9.2.5 DNP3 CRC-16 of ``data``."""
    value = 0
    table = _TABLE
    for byte in data:
        value = (value >> 8) ^ table[(value ^ byte) & 0xFF]
    return ~value & 0xFFFF


def frame_size(length: int) -> int:
    """Bytes on the wire of a link frame whose length field is ``length`` (9.2.4.1.1)."""
    data = length - MIN_LENGTH
    return HEADER_SIZE + data + 2 * ((data + BLOCK - 1) // BLOCK)


def frame_length(buf: bytes) -> int:
    """Size of the link frame starting at buf[0]: 0 = need more bytes, -1 = not a frame."""
    if len(buf) < 3:
        return 0 if START.startswith(buf[:2]) else -1
    if buf[0] != 0x05 or buf[1] != 0x64 or buf[2] < MIN_LENGTH:
        return -1
    return frame_size(buf[2])


def link_header(frame: bytes) -> tuple[int, int, int, int] | None:
    """(length, control, destination, source), or None when the frame is too short."""
    if len(frame) < HEADER_SIZE:
        return None
    length, control, destination, source = LINK_HEADER.unpack_from(frame, 2)
    return length, control, destination, source


def header_crc_ok(frame: bytes) -> bool:
    return len(frame) >= HEADER_SIZE and crc(frame[:8]) == _CRC.unpack_from(frame, 8)[0]


def user_data(frame: bytes, length: int) -> tuple[bytes, int]:
    """User data with the block CRCs removed, and the number of blocks whose CRC failed.

    Blocks cut short by the end of ``frame`` are kept as far as they go and count as failed.
    """
    remaining = length - MIN_LENGTH
    pos, bad, parts = HEADER_SIZE, 0, []
    while remaining > 0:
        size = min(BLOCK, remaining)
        block = frame[pos : pos + size]
        stored = frame[pos + size : pos + size + 2]
        if len(stored) < 2 or crc(block) != _CRC.unpack(stored)[0]:
            bad += 1
        parts.append(block)
        pos += size + 2
        remaining -= size
    return b"".join(parts), bad


def control_fields(control: int) -> tuple[bool, bool, bool, bool, int]:
    """9.2.4.1.2 control octet: DIR, PRM, FCB, FCV (DFC when secondary), function code."""
    return (
        bool(control & 0x80),
        bool(control & 0x40),
        bool(control & 0x20),
        bool(control & 0x10),
        control & 0x0F,
    )


def transport_header(octet: int) -> tuple[bool, bool, int]:
    """8.2.1: (FIN, FIR, sequence)."""
    return bool(octet & 0x80), bool(octet & 0x40), octet & 0x3F


def app_control(octet: int) -> tuple[bool, bool, bool, bool, int]:
    """4.2.2.4: (FIR, FIN, CON, UNS, SEQ)."""
    return bool(octet & 0x80), bool(octet & 0x40), bool(octet & 0x20), bool(octet & 0x10), octet & 0x0F


def is_response(function: int) -> bool:
    """4.2.2.5: responses (129, 130, 131) carry IIN after the function code."""
    return function >= 0x81


def app_header_size(function: int) -> int:
    """4.2.2: request header is control + function; responses add 2 IIN octets."""
    return 4 if is_response(function) else 2
