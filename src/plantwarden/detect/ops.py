"""How detection reads an Operation: its channel, request symbol, unit and point range."""

from __future__ import annotations

from plantwarden.protocols.base import Direction, Operation

ChannelKey = tuple[str, str, str]  # client, server, proto

#: Protocols that make both ends of a channel OT hosts (and whose anomalies are ``malformed-pdu``).
INDUSTRIAL = frozenset(
    {
        "modbus",
        "s7comm",
        "s7comm-plus",
        "enip",
        "cip",
        "dnp3",
        "iec104",
        "opcua",
        "bacnet",
        "profinet",
        "pn_dcp",
    }
)

#: Operation classes that change something on the device (a write or a command).
COMMANDS = frozenset({"write", "program_download", "mode_change", "firmware_update", "restart"})

#: Requests that write a file to the server: FTP STOR, APPE, STOU (RFC 959 4.1.3) and the TFTP
#: write request (RFC 1350 section 5, opcode 2).
FILE_WRITES = frozenset({("ftp", "STOR"), ("ftp", "APPE"), ("ftp", "STOU"), ("tftp", "2")})


def firmware_push(op: Operation) -> bool:
    """A file transfer that writes a firmware image (the decoder's ``firmware_like``) to the server."""
    return op.details.get("firmware_like") is True and (op.proto, op.code) in FILE_WRITES


def channel(op: Operation) -> ChannelKey:
    """(client, server, proto): the client is the flow's initiator, whichever way the PDU went."""
    ctx = op.ctx
    if ctx.direction == Direction.TO_SERVER:
        return ctx.src, ctx.dst, op.proto
    return ctx.dst, ctx.src, op.proto


def conversation(op: Operation) -> tuple[str, str, str, int]:
    ctx = op.ctx
    if ctx.direction == Direction.TO_SERVER:
        return ctx.src, ctx.dst, ctx.transport, ctx.dport
    return ctx.dst, ctx.src, ctx.transport, ctx.sport


def is_request(op: Operation) -> bool:
    """Requests, and operations that are neither request nor response (cyclic data)."""
    return op.request is not False


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def unit(op: Operation) -> int | None:
    return _int(op.details.get("unit"))


def point_range(op: Operation) -> tuple[int, int] | None:
    """[first, last] address the request touches, when the decoder says (Modbus: address, quantity)."""
    address = _int(op.details.get("address"))
    if address is None:
        return None
    quantity = _int(op.details.get("quantity"))
    values = op.details.get("values")
    if quantity is None and isinstance(values, list):
        quantity = len(values)
    return address, address + max(quantity or 1, 1) - 1


def items_text(op: Operation) -> str | None:
    """Memory areas of a request's variable items (S7 Read/Write Var: ``DB1.0+32``), if decoded."""
    items = op.details.get("items")
    if not isinstance(items, list) or not items:
        return None
    parts = []
    for item in items[:4]:
        if not isinstance(item, dict) or "area" not in item:
            return None
        parts.append(f"{item['area']}.{item.get('byte', 0)}+{item.get('length', 1)}")
    return ",".join(parts)


def symbol(op: Operation) -> str:
    """The request as the sequence automaton and polling periods see it: code, unit, address.

    Requests of one code to different addresses (two data blocks read every cycle) are
    different symbols, each with its own period.
    """
    parts = [op.code]
    u = unit(op)
    if u is not None:
        parts.append(f"u{u}")
    rng = point_range(op)
    if rng is not None:
        parts.append(f"@{rng[0]}+{rng[1] - rng[0] + 1}")
    elif (areas := items_text(op)) is not None:
        parts.append(f"@{areas}")
    return "".join(parts)


def merge_ranges(ranges: set[tuple[int, int]] | list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or adjacent [first, last] ranges joined, sorted."""
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def inside(rng: tuple[int, int], ranges: list[tuple[int, int]]) -> bool:
    return any(lo <= rng[0] and rng[1] <= hi for lo, hi in ranges)


def code_hint(op: Operation) -> dict[str, object]:
    """What ``alert learn`` adds to the baseline for this request (see detect.edit)."""
    client, server, proto = channel(op)
    hint: dict[str, object] = {
        "client": client,
        "server": server,
        "proto": proto,
        "code": op.code,
        "name": op.name,
        "op_class": op.op_class.value,
    }
    u, rng = unit(op), point_range(op)
    if u is not None:
        hint["unit"] = u
    if rng is not None:
        hint["range"] = list(rng)
    return {"code": hint}
