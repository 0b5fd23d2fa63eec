"""Read/Write Var items as points and values.

Points are named like the Siemens addresses a user knows: ``DB1.0.0`` (DB 1, byte 0,
bit 0), ``M.16.0``, ``I.0.0``, ``Q.4.0``. Values of one to four octets become numbers
according to the item's transport size (BIT, BYTE/WORD/DWORD unsigned, INT/DINT signed,
REAL IEEE 754, all big-endian); longer values become hex text (first 64 octets).
"""

from __future__ import annotations

import struct

from plantwarden.protocols.s7comm import codes, wire

_SIGNED = {0x05: 2, 0x07: 4}  # INT, DINT
_REAL = 0x08
_MAX_HEX = 64


def area_name(item: wire.Item) -> str:
    area = codes.AREAS.get(item.area) or codes.unknown(item.area)
    return f"DB{item.db}" if item.area in (0x84, 0x85) else area


def point_name(item: wire.Item) -> str:
    return f"{area_name(item)}.{item.byte}.{item.bit}"


def item_details(item: wire.Item | None) -> dict[str, object]:
    if item is None:
        return {"syntax": "other"}
    return {"area": area_name(item), "db": item.db, "byte": item.byte, "bit": item.bit,
            "transport": item.transport, "length": item.length}


def decode(transport: int, raw: bytes) -> float | int | bool | str:
    """One item's value (see the module docstring)."""
    n = len(raw)
    if transport == 0x01 and n == 1:
        return bool(raw[0] & 0x01)
    if transport == _REAL and n == 4:
        return float(struct.unpack(">f", raw)[0])
    if n in (1, 2, 4):
        return int.from_bytes(raw, "big", signed=_SIGNED.get(transport) == n)
    return raw[:_MAX_HEX].hex()


def item_values(items: list[wire.Item | None], data: bytes) -> list[tuple[str, float | int | bool | str]]:
    """(point, value) for each item whose data came back (return code 0xff) or is written."""
    out: list[tuple[str, float | int | bool | str]] = []
    for item, (rc, raw) in zip(items, wire.data_items(data, len(items)), strict=False):
        if item is None or rc not in (0x00, 0xFF) or not raw:
            continue
        out.append((point_name(item), decode(item.transport, raw)))
    return out
