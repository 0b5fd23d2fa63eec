"""Values carried by CIP messages: Logix tag data and Identity object attributes.

Tag data layouts follow Rockwell publication 1756-PM020 ("Logix 5000 Data Access");
the Identity object's Get_Attributes_All reply follows CIP Vol 1, 5A-2.2.
"""

from __future__ import annotations

import struct

from plantwarden.protocols.cip.codes import DATA_TYPES

MAX_VALUES = 64  # values kept per message: enough for a view, bounded on the hot path
STRUCT_TYPE = 0x02A0  # structure type marker, followed by a 16-bit structure handle

Value = float | int | bool


def _atomic(type_code: int, data: bytes, count: int) -> list[Value]:
    name, size, fmt = DATA_TYPES[type_code]
    n = min(count, len(data) // size, MAX_VALUES)
    values: list[Value] = [struct.unpack_from(fmt, data, i * size)[0] for i in range(n)]
    return [bool(v) for v in values] if name == "BOOL" else values


def _type_end(data: bytes) -> tuple[int, int] | None:
    """(type code, offset after the type) of tag data: UINT type, plus handle for structures."""
    if len(data) < 2:
        return None
    code = int.from_bytes(data[:2], "little")
    return (code, 4) if code == STRUCT_TYPE else (code, 2)


def read_reply(data: bytes) -> tuple[int, list[Value]] | None:
    """Read Tag reply data (1756-PM020): (type code, values); structures are not decoded."""
    typed = _type_end(data)
    if typed is None or typed[0] not in DATA_TYPES:
        return None
    code, pos = typed
    return code, _atomic(code, data[pos:], (len(data) - pos) // DATA_TYPES[code][1])


def write_request(data: bytes, fragmented: bool) -> tuple[int, list[Value]] | None:
    """Write Tag (Fragmented) request data: (type code, values) after count [and byte offset]."""
    typed = _type_end(data)
    if typed is None or typed[0] not in DATA_TYPES:
        return None
    code, pos = typed
    if pos + 2 > len(data):
        return None
    count = int.from_bytes(data[pos : pos + 2], "little")
    pos += 6 if fragmented else 2
    return code, _atomic(code, data[pos:], count)


def element_count(data: bytes) -> int:
    """Element count of a Read Tag (Fragmented) request (1 when absent)."""
    return int.from_bytes(data[:2], "little") if len(data) >= 2 else 1


_IDENTITY = struct.Struct("<HHHBBHI")


def identity_attributes(data: bytes) -> dict[str, int | str] | None:
    """Identity Get_Attributes_All reply (Vol 1, 5A-2.2): attributes 1-7."""
    if len(data) < _IDENTITY.size + 1:
        return None
    vendor, dtype, code, major, minor, status, serial = _IDENTITY.unpack_from(data)
    size = data[_IDENTITY.size]
    name = data[_IDENTITY.size + 1 : _IDENTITY.size + 1 + size].decode("latin-1")
    return {"vendor_id": vendor, "device_type": dtype, "product_code": code,
            "revision": f"{major}.{minor}", "status": status, "serial": serial, "product_name": name}
