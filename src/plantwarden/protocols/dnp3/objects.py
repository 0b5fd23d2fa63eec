"""DNP3 object headers and the simple point values inside them (IEEE Std 1815-2012).

4.2.2.7 object header: group u8, variation u8, qualifier u8 (bits 4-6 object prefix code,
bits 0-3 range specifier code), then the range field (4.2.2.7.3, Table 4-5), then for
each object its prefix (index or size) and its data. Object sizes are those of Annex A.
Walking stops (``stopped`` says why) at a variation whose size plantwarden does not know.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

# (group, variation) -> size in bytes of one object (Annex A).
_SIZES: dict[tuple[int, int], int] = {
    **{(1, 2): 1, (2, 1): 1, (2, 2): 7, (2, 3): 3, (3, 2): 1, (4, 1): 1, (4, 2): 7, (4, 3): 3},
    **{(10, 2): 1, (11, 1): 1, (11, 2): 7, (12, 1): 11, (12, 2): 11, (13, 1): 1, (13, 2): 7},
    **{(20, v): s for v, s in enumerate((5, 3, 5, 3, 4, 2, 4, 2), 1)},
    **{(21, v): s for v, s in enumerate((5, 3, 5, 3, 11, 9, 11, 9, 4, 2, 4, 2), 1)},
    **{(g, v): s for g in (22, 23) for v, s in enumerate((5, 3, 5, 3, 11, 9, 11, 9), 1)},
    **{(30, v): s for v, s in enumerate((5, 3, 4, 2, 5, 9), 1)},
    **{(31, v): s for v, s in enumerate((5, 3, 11, 9, 4, 2, 5, 9), 1)},
    **{(g, v): s for g in (32, 33, 42, 43) for v, s in enumerate((5, 3, 11, 9, 5, 9, 11, 15), 1)},
    **{(34, 1): 2, (34, 2): 4, (34, 3): 4},
    **{(g, v): s for g in (40, 41) for v, s in enumerate((5, 3, 5, 9), 1)},
    **{(50, 1): 6, (50, 2): 10, (50, 3): 6, (50, 4): 11, (51, 1): 6, (51, 2): 6, (52, 1): 2, (52, 2): 2},
}
# Packed variations: bits per object.
_PACKED: dict[tuple[int, int], int] = {(1, 1): 1, (3, 1): 2, (10, 1): 1, (12, 3): 1, (80, 1): 1}
# Groups whose variation is the length of one object (octet strings, virtual terminal).
_OCTET_GROUPS = frozenset({110, 111, 112, 113})

# Point kinds by group, for PointValue.point.
KINDS: dict[int, str] = {
    **dict.fromkeys((1, 2), "binary-input"),
    **dict.fromkeys((3, 4), "double-bit-input"),
    **dict.fromkeys((10, 11, 12, 13), "binary-output"),
    **dict.fromkeys((20, 21, 22, 23), "counter"),
    **dict.fromkeys((30, 31, 32, 33), "analog-input"),
    **dict.fromkeys((40, 41, 42, 43), "analog-output"),
}

# Values: (group, variation) -> (has flag octet first, struct format of the value).
_F, _N = True, False
_VALUES: dict[tuple[int, int], tuple[bool, str]] = {
    **{(20, v): f for v, f in {1: (_F, "<I"), 2: (_F, "<H"), 5: (_N, "<I"), 6: (_N, "<H")}.items()},
    **{(21, v): f for v, f in {1: (_F, "<I"), 2: (_F, "<H"), 9: (_N, "<I"), 10: (_N, "<H")}.items()},
    **{(22, 1): (_F, "<I"), (22, 2): (_F, "<H")},
    **{
        (30, v): f
        for v, f in enumerate(((_F, "<i"), (_F, "<h"), (_N, "<i"), (_N, "<h"), (_F, "<f"), (_F, "<d")), 1)
    },
    **{
        (g, v): f
        for g in (32, 42)
        for v, f in {
            1: (_F, "<i"),
            2: (_F, "<h"),
            3: (_F, "<i"),
            4: (_F, "<h"),
            5: (_F, "<f"),
            6: (_F, "<d"),
            7: (_F, "<f"),
            8: (_F, "<d"),
        }.items()
    },
    **{(40, v): f for v, f in enumerate(((_F, "<i"), (_F, "<h"), (_F, "<f"), (_F, "<d")), 1)},
    **{(41, v): f for v, f in enumerate(((_N, "<i"), (_N, "<h"), (_N, "<f"), (_N, "<d")), 1)},
}
_BINARY_FLAGS = frozenset({(1, 2), (2, 1), (2, 2), (2, 3), (10, 2), (11, 1), (11, 2)})
_CROB = struct.Struct("<BBIIB")  # 12.3 / A.8: control code, count, on-time, off-time, status

# 4.2.2.7.3 range specifier codes -> (kind, byte width): "range" start/stop, "count", "all".
_RANGES: dict[int, tuple[str, int]] = {
    0: ("range", 1),
    1: ("range", 2),
    2: ("range", 4),
    3: ("range", 1),
    4: ("range", 2),
    5: ("range", 4),
    6: ("all", 0),
    7: ("count", 1),
    8: ("count", 2),
    9: ("count", 4),
    0xB: ("count", 1),
}
_PREFIX_WIDTH = {0: 0, 1: 1, 2: 2, 3: 4, 4: 1, 5: 2, 6: 4}


@dataclass(slots=True)
class ObjectHeader:
    group: int
    variation: int
    qualifier: int
    count: int = 0
    start: int | None = None
    stop: int | None = None
    points: list[tuple[int, object]] = field(default_factory=list)  # (index, value)

    def describe(self) -> dict[str, object]:
        out: dict[str, object] = {"group": self.group, "variation": self.variation}
        out["qualifier"] = f"0x{self.qualifier:02x}"
        if self.start is not None:
            out["range"] = [self.start, self.stop]
        else:
            out["count"] = self.count
        return out


def _uint(data: bytes, pos: int, width: int) -> int:
    return int.from_bytes(data[pos : pos + width], "little")


def object_size(group: int, variation: int) -> int | None:
    if group in _OCTET_GROUPS:
        return variation
    return _SIZES.get((group, variation))


def decode_value(group: int, variation: int, obj: bytes) -> object:
    """The value of one fixed-size object, or None when it is not a simple value."""
    key = (group, variation)
    if key in _BINARY_FLAGS:
        return bool(obj[0] & 0x80)
    if key in ((3, 2), (4, 1), (4, 2), (4, 3)):
        return (obj[0] >> 6) & 3
    if group == 12 and variation in (1, 2):
        code, count, on, off, status = _CROB.unpack_from(obj)
        return {"control_code": code, "count": count, "on_time": on, "off_time": off, "status": status}
    spec = _VALUES.get(key)
    if spec is None:
        return None
    has_flag, fmt = spec
    value: int | float = struct.unpack_from(fmt, obj, 1 if has_flag else 0)[0]
    return value


def _range(data: bytes, pos: int, code: int) -> tuple[int, int | None, int | None, int] | None:
    """(count, start, stop, position after the range field), None when cut short."""
    kind, width = _RANGES[code]
    if len(data) < pos + (2 * width if kind == "range" else width):
        return None
    if kind == "all":
        return 0, None, None, pos
    if kind == "count":
        return _uint(data, pos, width), None, None, pos + width
    start, stop = _uint(data, pos, width), _uint(data, pos + width, width)
    return max(stop - start + 1, 0), start, stop, pos + 2 * width


def parse(data: bytes, pos: int, with_data: bool) -> tuple[list[ObjectHeader], str | None]:
    """Object headers from ``pos``; the second item names why walking stopped early."""
    headers: list[ObjectHeader] = []
    while pos < len(data):
        if len(data) < pos + 3:
            return headers, "truncated"
        group, variation, qualifier = data[pos], data[pos + 1], data[pos + 2]
        if qualifier & 0x0F not in _RANGES or (qualifier >> 4) & 7 not in _PREFIX_WIDTH:
            return headers, "bad_qualifier"
        rng = _range(data, pos + 3, qualifier & 0x0F)
        if rng is None:
            return headers, "truncated"
        header = ObjectHeader(group, variation, qualifier, rng[0], rng[1], rng[2])
        headers.append(header)
        pos = rng[3]
        if with_data and (qualifier & 0x0F) != 6:
            walked = _objects(data, pos, header)
            if walked < 0:
                return headers, "truncated" if walked == -1 else "unknown_size"
            pos = walked
    return headers, None


def _objects(data: bytes, pos: int, h: ObjectHeader) -> int:
    """Walk the objects of one header; position after them, -1 cut short, -2 unknown size."""
    prefix = (h.qualifier >> 4) & 7
    bits = _PACKED.get((h.group, h.variation))
    if bits is not None and prefix == 0:
        end = pos + (h.count * bits + 7) // 8
        if end > len(data):
            return -1
        if bits == 1 and h.group in KINDS:
            first = h.start or 0
            h.points = [(first + i, bool(data[pos + (i >> 3)] >> (i & 7) & 1)) for i in range(h.count)]
        return end
    size = object_size(h.group, h.variation)
    if size is None and prefix < 4:
        return -2
    width = _PREFIX_WIDTH[prefix]
    if width == 0 and not size:
        return pos  # zero-size objects (e.g. g110v0) take no bytes
    for i in range(h.count):
        if len(data) < pos + width:
            return -1
        tag = _uint(data, pos, width) if width else (h.start or 0) + i
        pos += width
        length = tag if prefix >= 4 else size or 0
        if len(data) < pos + length:
            return -1
        if prefix < 4 and h.group in KINDS:
            h.points.append((tag, decode_value(h.group, h.variation, data[pos : pos + length])))
        pos += length
    return pos
