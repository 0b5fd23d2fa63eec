"""EtherNet/IP byte layouts (ODVA CIP Vol 2, chapter 2): pure functions over bytes.

All integers are little-endian. Functions return ``None`` when the bytes are too short or
inconsistent; they never raise.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

HEADER_LEN = 24
_HEADER = struct.Struct("<HHII8sI")
_ITEM = struct.Struct("<HH")
_IDENTITY = struct.Struct("<H2s2s4s8sHHHBBHI")  # sockaddr fields are big-endian


@dataclass(frozen=True, slots=True)
class Header:
    """Encapsulation header (Vol 2, 2-3.1, Table 2-3.1)."""

    command: int
    length: int
    session_handle: int
    status: int
    sender_context: bytes
    options: int


@dataclass(frozen=True, slots=True)
class Item:
    """One Common Packet Format item (Vol 2, 2-6.1): type id and data."""

    type_id: int
    data: bytes


@dataclass(frozen=True, slots=True)
class IdentityItem:
    """CIP Identity item 0x0C of a ListIdentity reply (Vol 2, 2-4.3.2, Table 2-4.4)."""

    protocol_version: int
    socket_ip: str
    socket_port: int
    vendor_id: int
    device_type: int
    product_code: int
    revision: tuple[int, int]
    status: int
    serial_number: int
    product_name: str
    state: int | None


def pdu_length(buf: bytes) -> int:
    """Encapsulated PDU length = 24 + header length field (Vol 2, 2-3.1); 0 = need more."""
    if len(buf) < 4:
        return 0
    return HEADER_LEN + int.from_bytes(buf[2:4], "little")


def header(buf: bytes) -> Header | None:
    """The 24-byte encapsulation header at ``buf[0]``."""
    if len(buf) < HEADER_LEN:
        return None
    command, length, session, status, context, options = _HEADER.unpack_from(buf, 0)
    return Header(command, length, session, status, context, options)


def cpf_items(buf: bytes, offset: int) -> list[Item] | None:
    """Common Packet Format at ``offset``: item count then items (Vol 2, 2-6.1, Table 2-6.1)."""
    if offset + 2 > len(buf):
        return None
    count = int.from_bytes(buf[offset : offset + 2], "little")
    pos = offset + 2
    items: list[Item] = []
    for _ in range(count):
        if pos + 4 > len(buf):
            return None
        type_id, length = _ITEM.unpack_from(buf, pos)
        pos += 4
        if pos + length > len(buf):
            return None
        items.append(Item(type_id, buf[pos : pos + length]))
        pos += length
    return items


def rr_items(pdu: bytes) -> list[Item] | None:
    """SendRRData / SendUnitData data: interface handle (4), timeout (2), CPF (Vol 2, 2-4.7)."""
    return cpf_items(pdu, HEADER_LEN + 6)


def connected_address(item: Item) -> int | None:
    """Connection id of a Connected Address item 0xA1 (Vol 2, 2-6.2.2)."""
    return int.from_bytes(item.data[:4], "little") if len(item.data) >= 4 else None


def sequenced_address(item: Item) -> tuple[int, int] | None:
    """(connection id, encapsulation sequence number) of item 0x8002 (Vol 2, 2-6.2.3)."""
    if len(item.data) < 8:
        return None
    conn, seq = struct.unpack_from("<II", item.data, 0)
    return conn, seq


def connected_data(item: Item) -> tuple[int, bytes] | None:
    """Connected Data item 0xB1 of explicit messaging: (CIP sequence count, message) (2-6.3)."""
    if len(item.data) < 2:
        return None
    return int.from_bytes(item.data[:2], "little"), item.data[2:]


def sockaddr(data: bytes) -> tuple[str, int] | None:
    """A big-endian sockaddr_in (Vol 2, 2-6.3.2): family, port, address, zero."""
    if len(data) < 8:
        return None
    port = int.from_bytes(data[2:4], "big")
    return ".".join(str(b) for b in data[4:8]), port


def identity_item(data: bytes) -> IdentityItem | None:
    """Decode a CIP Identity item (Vol 2, 2-4.3.2): fixed part, SHORT_STRING name, state."""
    if len(data) < _IDENTITY.size + 1:
        return None
    version, _family, port, addr, _zero, vendor, dtype, code, major, minor, status, serial = (
        _IDENTITY.unpack_from(data, 0)
    )
    pos = _IDENTITY.size
    name_len = data[pos]
    name = data[pos + 1 : pos + 1 + name_len].decode("latin-1")
    state_pos = pos + 1 + name_len
    state = data[state_pos] if state_pos < len(data) else None
    ip = ".".join(str(b) for b in addr)
    return IdentityItem(version, ip, int.from_bytes(port, "big"), vendor, dtype, code, (major, minor),
                        status, serial, name, state)
