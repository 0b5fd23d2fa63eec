"""PROFINET DCP byte layouts (IEC 61158-6-10, 4.3.1): pure functions over the L2 payload.

The payload starts after the ethertype 0x8892 (and VLAN tags): FrameID, then the DCP header
and blocks. Big-endian throughout. Functions return ``None`` on short or inconsistent bytes.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

_HEADER = struct.Struct(">HBBIHH")
HEADER_LEN = _HEADER.size  # FrameID(2) ServiceID(1) ServiceType(1) Xid(4) Delay(2) DataLength(2)
FIRST_DCP_FRAME_ID = 0xFEFC
LAST_DCP_FRAME_ID = 0xFEFF


@dataclass(frozen=True, slots=True)
class Header:
    """DCP header (4.3.1.3): frame id, service id/type, Xid, response delay, data length."""

    frame_id: int
    service_id: int
    service_type: int
    xid: int
    response_delay: int
    data_length: int


@dataclass(frozen=True, slots=True)
class Block:
    """One DCP block (4.3.1.4): option, suboption and its data (BlockInfo/Qualifier included)."""

    option: int
    suboption: int
    data: bytes


def header(payload: bytes) -> Header | None:
    if len(payload) < HEADER_LEN:
        return None
    return Header(*_HEADER.unpack_from(payload, 0))


def blocks(payload: bytes, head: Header) -> list[Block] | None:
    """The blocks of a PDU; a Get request lists bare option/suboption pairs (4.3.1.3.5)."""
    end = HEADER_LEN + head.data_length
    if end > len(payload):
        return None
    if head.service_id == 3 and head.service_type == 0:
        body = payload[HEADER_LEN:end]
        return [Block(body[i], body[i + 1], b"") for i in range(0, len(body) - 1, 2)]
    out: list[Block] = []
    pos = HEADER_LEN
    while pos + 4 <= end:
        option, suboption, length = struct.unpack_from(">BBH", payload, pos)
        if pos + 4 + length > end:
            return None
        out.append(Block(option, suboption, payload[pos + 4 : pos + 4 + length]))
        pos += 4 + length + (length & 1)
    return out


def _ip(data: bytes, pos: int) -> str:
    return ".".join(str(b) for b in data[pos : pos + 4])


def ip_parameter(data: bytes) -> dict[str, str] | None:
    """IP parameter block body after BlockInfo/Qualifier (4.3.1.4.2): ip, netmask, gateway."""
    if len(data) < 14:
        return None
    return {"ip": _ip(data, 2), "netmask": _ip(data, 6), "gateway": _ip(data, 10)}


def text(data: bytes) -> str:
    """A string block (name of station, type of station, alias) after its 2-byte info."""
    return data[2:].decode("latin-1")


def device_id(data: bytes) -> tuple[int, int] | None:
    """Device ID block (4.3.1.4.8): VendorID, DeviceID after BlockInfo."""
    if len(data) < 6:
        return None
    vendor, device = struct.unpack_from(">HH", data, 2)
    return vendor, device


def control_response(data: bytes) -> tuple[int, int, int] | None:
    """Control/Response block of a Set response (4.3.1.4.16): option, suboption, BlockError."""
    if len(data) < 3:
        return None
    return data[0], data[1], data[2]
