"""BACnet tagged encoding (ANSI/ASHRAE 135, clause 20.2): tags and application values.

A tag octet holds the tag number (bits 7-4, 15 = extended in the next octet), the class
(bit 3: 1 = context specific) and length/value/type (bits 2-0: 5 = extended length,
context 6/7 = opening/closing tag, application Boolean = the value itself).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from plantwarden.protocols.bacnet.codes import name
from plantwarden.protocols.bacnet.tables import OBJECT_TYPE
from plantwarden.protocols.bacnet.wire import WireError

OPEN, CLOSE, DATA = 6, 7, 0
Value = float | int | bool | str | None


@dataclass(slots=True)
class Tag:
    number: int
    context: bool
    kind: int  # OPEN, CLOSE or DATA
    length: int  # content length; for application Boolean the value
    start: int  # first content octet
    end: int  # first octet after the content


def read_tag(buf: bytes, pos: int) -> Tag:
    """Clause 20.2.1: decode the tag at ``pos``."""
    if pos >= len(buf):
        raise WireError("malformed_tag", "tag expected past the end")
    octet = buf[pos]
    number, context, lvt = octet >> 4, bool(octet & 0x08), octet & 0x07
    pos += 1
    if number == 15:
        number, pos = _byte(buf, pos), pos + 1
    if context and lvt in (OPEN, CLOSE):
        return Tag(number, True, lvt, 0, pos, pos)
    if not context and number == 1:  # 20.2.3 Boolean: value in the LVT, no content
        return Tag(1, False, DATA, lvt, pos, pos)
    if lvt == 5:  # 20.2.1.3.1 extended length
        lvt, pos = _byte(buf, pos), pos + 1
        if lvt == 254:
            lvt, pos = _uint(buf, pos, 2), pos + 2
        elif lvt == 255:
            lvt, pos = _uint(buf, pos, 4), pos + 4
    if pos + lvt > len(buf):
        raise WireError("malformed_tag", f"tag {number} claims {lvt} octets past the end")
    return Tag(number, context, DATA, lvt, pos, pos + lvt)


def _byte(buf: bytes, pos: int) -> int:
    if pos >= len(buf):
        raise WireError("malformed_tag", "tag ends early")
    return buf[pos]


def _uint(buf: bytes, pos: int, n: int) -> int:
    if pos + n > len(buf):
        raise WireError("malformed_tag", "tag length ends early")
    return int.from_bytes(buf[pos : pos + n], "big")


def unsigned(buf: bytes, tag: Tag) -> int:
    """Clause 20.2.4: unsigned integer, big-endian, 1-4 (or more) octets."""
    return int.from_bytes(buf[tag.start : tag.end], "big")


def object_id(buf: bytes, tag: Tag) -> tuple[int, int]:
    """Clause 20.2.14: object type (10 bits) and instance (22 bits)."""
    if tag.length != 4:
        raise WireError("malformed_tag", f"object identifier of {tag.length} octets")
    raw = unsigned(buf, tag)
    return raw >> 22, raw & 0x3FFFFF


def object_name(obj: tuple[int, int]) -> str:
    return f"{name(OBJECT_TYPE, obj[0])}/{obj[1]}"


_CHARSET = {0: "utf-8", 3: "utf-32-be", 4: "utf-16-be", 5: "latin-1"}


def _string(raw: bytes) -> str:
    """Clause 20.2.9: character set octet, then the characters."""
    if not raw:
        return ""
    return raw[1:].decode(_CHARSET.get(raw[0], "latin-1"), errors="replace")


def _date(raw: bytes) -> str:
    """Clause 20.2.12: year-1900, month, day, day of week; 255 = unspecified."""
    y, m, d = (("*" if v == 255 else str(v + (1900 if i == 0 else 0))) for i, v in enumerate(raw[:3]))
    return f"{y}-{m.zfill(2)}-{d.zfill(2)}"


def _time(raw: bytes) -> str:
    """Clause 20.2.13: hour, minute, second, hundredths; 255 = unspecified."""
    h, m, s, c = ("*" if v == 255 else f"{v:02d}" for v in raw[:4])
    return f"{h}:{m}:{s}.{c}"


def app_value(buf: bytes, tag: Tag) -> Value:
    """Clause 20.2.2-20.2.14: the value of an application-tagged datum."""
    raw, n = buf[tag.start : tag.end], tag.number
    if n == 0:
        return None
    if n == 1:
        return bool(tag.length)
    if n in (2, 9):
        return int.from_bytes(raw, "big")
    if n == 3:
        return int.from_bytes(raw, "big", signed=True)
    if n == 4 and len(raw) == 4:
        return float(struct.unpack(">f", raw)[0])
    if n == 5 and len(raw) == 8:
        return float(struct.unpack(">d", raw)[0])
    return _app_text(raw, n, tag)


def _app_text(raw: bytes, n: int, tag: Tag) -> str:
    if n == 7:
        return _string(raw)
    if n == 8 and raw:  # 20.2.10 bit string: unused-bit count, then bits
        bits = "".join(f"{b:08b}" for b in raw[1:])
        return bits[: len(bits) - raw[0]] if raw[0] < 8 else bits
    if n == 10 and len(raw) == 4:
        return _date(raw)
    if n == 11 and len(raw) == 4:
        return _time(raw)
    if n == 12 and len(raw) == 4:
        return object_name(object_id(raw, Tag(12, False, DATA, 4, 0, 4)))
    if n in (4, 5, 10, 11, 12):
        raise WireError("malformed_tag", f"application tag {n} with {tag.length} octets")
    return raw.hex()


def skip_to_close(buf: bytes, pos: int, number: int) -> int:
    """Position after the closing tag matching an opening tag ``number`` already read."""
    depth = 1
    while True:
        tag = read_tag(buf, pos)
        pos = tag.end
        if tag.context and tag.kind == OPEN:
            depth += 1
        elif tag.context and tag.kind == CLOSE:
            depth -= 1
            if depth == 0:
                if tag.number != number:
                    raise WireError("malformed_tag", f"closing tag {tag.number} for opening {number}")
                return pos


def values_until_close(buf: bytes, pos: int, number: int) -> tuple[list[Value], int]:
    """Application values between an opening tag ``number`` (already read) and its close;
    constructed values inside are skipped."""
    values: list[Value] = []
    while True:
        tag = read_tag(buf, pos)
        if tag.context and tag.kind == CLOSE:
            if tag.number != number:
                raise WireError("malformed_tag", f"closing tag {tag.number} for opening {number}")
            return values, tag.end
        if tag.context and tag.kind == OPEN:
            pos = skip_to_close(buf, tag.end, tag.number)
            continue
        if not tag.context:
            values.append(app_value(buf, tag))
        pos = tag.end
