"""CIP message router and EPATH layouts (ODVA CIP Vol 1): pure functions over bytes.

Little-endian throughout. Every function returns ``None`` for short or inconsistent bytes
and never raises.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Request:
    """Message Router request (Vol 1, 2-4.1): service, request path (EPATH), data."""

    service: int
    path: bytes
    data: bytes


@dataclass(frozen=True, slots=True)
class Response:
    """Message Router response (Vol 1, 2-4.2): reply service, general and extended status."""

    service: int  # reply service with the 0x80 bit cleared
    general_status: int
    extended_status: tuple[int, ...]
    data: bytes


@dataclass(slots=True)
class Path:
    """A decoded padded EPATH (Vol 1, Appendix C-1)."""

    class_id: int | None = None
    instance: int | None = None
    attribute: int | None = None
    connection_point: int | None = None
    tag: str | None = None  # symbolic (ANSI extended) segments with their element indexes
    ports: list[tuple[int, str]] = field(default_factory=list)  # (port, link address)


def request(msg: bytes) -> Request | None:
    """Split a request: service (1), path size in words (1), path, data."""
    if len(msg) < 2 or msg[0] & 0x80:
        return None
    end = 2 + 2 * msg[1]
    if end > len(msg):
        return None
    return Request(msg[0], msg[2:end], msg[end:])


def response(msg: bytes) -> Response | None:
    """Split a response: service|0x80, reserved, general status, ext. status size (words)."""
    if len(msg) < 4 or not msg[0] & 0x80:
        return None
    end = 4 + 2 * msg[3]
    if end > len(msg):
        return None
    ext = struct.unpack_from(f"<{msg[3]}H", msg, 4)
    return Response(msg[0] & 0x7F, msg[2], ext, msg[end:])


_LOGICAL_SIZE = {0: 1, 1: 2, 2: 4}  # logical format -> value bytes (16/32-bit add a pad byte)


def _logical(path: bytes, pos: int) -> tuple[int, int] | None:
    """One logical segment (Vol 1, C-1.4.2): (value, next position)."""
    fmt = path[pos] & 0x03
    if fmt == 3:
        return None
    size = _LOGICAL_SIZE[fmt]
    start = pos + 1 if size == 1 else pos + 2
    if start + size > len(path):
        return None
    return int.from_bytes(path[start : start + size], "little"), start + size


def _port(path: bytes, pos: int) -> tuple[int, str, int] | None:
    """Port segment (Vol 1, C-1.4.1): (port, link address, next position)."""
    seg = path[pos]
    port, pos = seg & 0x0F, pos + 1
    if port == 0x0F:
        if pos + 2 > len(path):
            return None
        port, pos = int.from_bytes(path[pos : pos + 2], "little"), pos + 2
    if not seg & 0x10:
        return (port, str(path[pos]), pos + 1) if pos < len(path) else None
    if pos >= len(path):
        return None
    size, pos = path[pos], pos + 1
    end = pos + size
    if end > len(path):
        return None
    return port, path[pos:end].decode("latin-1"), end + (size & 1)


def _symbol(path: bytes, pos: int) -> tuple[str, int] | None:
    """ANSI extended symbol segment 0x91 (Vol 1, C-1.4.5): (name, next position)."""
    if pos + 2 > len(path):
        return None
    size = path[pos + 1]
    end = pos + 2 + size
    if end > len(path):
        return None
    return path[pos + 2 : end].decode("latin-1"), end + (size & 1)


_LOGICAL_FIELDS = {0: "class_id", 1: "instance", 3: "connection_point", 4: "attribute"}


def epath(path: bytes) -> Path | None:
    """Decode a padded EPATH into class/instance/attribute/connection point, tag and ports."""
    out = Path()
    pos, tag = 0, ""
    while pos < len(path):
        seg = path[pos]
        kind = seg & 0xE0
        if kind == 0x00:
            port = _port(path, pos)
            if port is None:
                return None
            out.ports.append(port[:2])
            pos = port[2]
        elif kind == 0x20:
            logical = _logical(path, pos)
            if logical is None:
                return None
            ltype = (seg >> 2) & 0x07
            if ltype == 2:  # member id: a Logix array element index
                tag = tag[:-1] + f",{logical[0]}]" if tag.endswith("]") else tag + f"[{logical[0]}]"
            elif ltype in _LOGICAL_FIELDS:
                setattr(out, _LOGICAL_FIELDS[ltype], logical[0])
            pos = logical[1]
        elif seg == 0x91:
            symbol = _symbol(path, pos)
            if symbol is None:
                return None
            tag = f"{tag}.{symbol[0]}" if tag else symbol[0]
            pos = symbol[1]
        else:
            return None
    out.tag = tag or None
    return out


def msp_services(data: bytes) -> list[bytes] | None:
    """Multiple Service Packet body (Vol 1, A-4.10): count, offsets from the count, messages."""
    if len(data) < 2:
        return None
    count = int.from_bytes(data[:2], "little")
    if 2 + 2 * count > len(data):
        return None
    offsets = struct.unpack_from(f"<{count}H", data, 2)
    out: list[bytes] = []
    for i, start in enumerate(offsets):
        end = offsets[i + 1] if i + 1 < count else len(data)
        if not 2 + 2 * count <= start <= end <= len(data):
            return None
        out.append(data[start:end])
    return out


@dataclass(frozen=True, slots=True)
class UnconnectedSend:
    """Unconnected Send request data (Vol 1, 3-5.5.4, Table 3-5.22)."""

    timeout_ticks: int
    message: bytes
    route: bytes


def unconnected_send(data: bytes) -> UnconnectedSend | None:
    """Priority/tick, timeout ticks, message size, message, pad, route path size, reserved, route."""
    if len(data) < 4:
        return None
    size = int.from_bytes(data[2:4], "little")
    end = 4 + size
    if end > len(data):
        return None
    route_pos = end + (size & 1)
    route = b""
    if route_pos + 2 <= len(data):
        route = data[route_pos + 2 : route_pos + 2 + 2 * data[route_pos]]
    return UnconnectedSend(data[1], data[4:end], route)


_FWD_OPEN = struct.Struct("<BBIIHHIB3xI")


def forward_open(data: bytes, large: bool) -> dict[str, object] | None:
    """Forward Open / Large Forward Open request (Vol 1, 3-5.5.2, Tables 3-5.16 and 3-5.17)."""
    psize = 4 if large else 2
    need = _FWD_OPEN.size + psize + 4 + psize + 2
    if len(data) < need:
        return None
    _tick, _ticks, ot_id, to_id, serial, vendor, orig_serial, mult, ot_rpi = _FWD_OPEN.unpack_from(data)
    pos = _FWD_OPEN.size
    ot_params = int.from_bytes(data[pos : pos + psize], "little")
    to_rpi = int.from_bytes(data[pos + psize : pos + psize + 4], "little")
    pos += psize + 4
    to_params = int.from_bytes(data[pos : pos + psize], "little")
    transport, path_words = data[pos + psize], data[pos + psize + 1]
    path = data[pos + psize + 2 : pos + psize + 2 + 2 * path_words]
    return {"o_t_connection_id": ot_id, "t_o_connection_id": to_id, "connection_serial": serial,
            "originator_vendor": vendor, "originator_serial": orig_serial, "timeout_multiplier": mult,
            "o_t_rpi_us": ot_rpi, "t_o_rpi_us": to_rpi, "o_t_params": ot_params,
            "t_o_params": to_params, "transport_trigger": transport, "connection_path": path.hex()}


def forward_open_reply(data: bytes) -> dict[str, object] | None:
    """Successful Forward Open reply (Vol 1, 3-5.5.2, Table 3-5.19): ids, serials, APIs."""
    if len(data) < 26:
        return None
    ot_id, to_id, serial, vendor, orig_serial, ot_api, to_api = struct.unpack_from("<IIHHIII", data)
    return {"o_t_connection_id": ot_id, "t_o_connection_id": to_id, "connection_serial": serial,
            "originator_vendor": vendor, "originator_serial": orig_serial, "o_t_api_us": ot_api,
            "t_o_api_us": to_api}


def forward_close(data: bytes) -> dict[str, object] | None:
    """Forward Close request (Vol 1, 3-5.5.3, Table 3-5.20): connection triad."""
    if len(data) < 10:
        return None
    _tick, _ticks, serial, vendor, orig_serial = struct.unpack_from("<BBHHI", data)
    return {"connection_serial": serial, "originator_vendor": vendor, "originator_serial": orig_serial}
