"""What a Modbus request or response says: details, values and length checks per function.

Each handler reads one ADU through ``wire`` and returns a :class:`Decoded`: the details of
the operation, the point values it carries (``(table, address, value)``) and the name of
an anomaly when the PDU does not have the shape its function requires ([MB-AP] section 6).
Requests are decoded here; responses in ``responses``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from plantwarden.protocols.base import OpClass
from plantwarden.protocols.modbus import codes, wire

Point = tuple[str, int, int | bool]


@dataclass(slots=True)
class Pending:
    """A request waiting for its response (paired by transaction identifier)."""

    fc: int
    unit: int
    name: str
    op_class: OpClass
    address: int = 0
    quantity: int = 0
    frame: int = 0


@dataclass(slots=True)
class Decoded:
    details: dict[str, object] = field(default_factory=dict)
    points: list[Point] = field(default_factory=list)
    anomaly: str | None = None
    identity: dict[str, str] | None = None


def exact(adu: bytes, size: int, decoded: Decoded) -> Decoded:
    """Flag ``invalid_length`` unless the ADU is exactly ``size`` bytes."""
    if len(adu) != size:
        decoded.anomaly = "invalid_length"
    return decoded


def _quantity_ok(fc: int, quantity: int) -> bool:
    return 1 <= quantity <= codes.MAX_QUANTITY.get(fc, 0xFFFF)


# ---- requests ([MB-AP] 6.x "Request" tables)


def _read_request(adu: bytes, fc: int) -> Decoded:
    pair = wire.two_u16(adu)
    if pair is None:
        return Decoded(anomaly="invalid_length")
    decoded = exact(adu, 12, Decoded({"address": pair[0], "quantity": pair[1]}))
    if decoded.anomaly is None and not _quantity_ok(fc, pair[1]):
        decoded.anomaly = "illegal_quantity"
    return decoded


def _write_single(adu: bytes, fc: int) -> Decoded:
    pair = wire.two_u16(adu)
    if pair is None:
        return Decoded(anomaly="invalid_length")
    address, raw = pair
    value: int | bool = raw == 0xFF00 if fc == 5 else raw
    decoded = exact(
        adu, 12, Decoded({"address": address, "value": value}, [(codes.TABLES[fc], address, value)])
    )
    if fc == 5 and raw not in (0, 0xFF00):
        decoded.anomaly = decoded.anomaly or "illegal_value"
    return decoded


def _write_multiple(adu: bytes, fc: int) -> Decoded:
    parsed = wire.write_multiple(adu)
    if parsed is None:
        return Decoded(anomaly="invalid_length")
    start, qty, data = parsed
    values: list[int] | list[bool] = wire.bits(data, qty) if fc == 15 else wire.registers(data)
    table = codes.TABLES[fc]
    decoded = Decoded(
        {"address": start, "quantity": qty, "values": values},
        [(table, start + i, v) for i, v in enumerate(values)],
    )
    want = (qty + 7) // 8 if fc == 15 else qty * 2
    if adu[wire.DATA_OFFSET + 4] != want or len(adu) != 13 + want:
        decoded.anomaly = "invalid_length"
    elif not _quantity_ok(fc, qty):
        decoded.anomaly = "illegal_quantity"
    return decoded


def _mask_write(adu: bytes, fc: int) -> Decoded:
    parsed = wire.mask_write(adu)
    if parsed is None:
        return Decoded(anomaly="invalid_length")
    return exact(adu, 14, Decoded({"address": parsed[0], "and_mask": parsed[1], "or_mask": parsed[2]}))


def _read_write_request(adu: bytes, fc: int) -> Decoded:
    parsed = wire.read_write_multiple(adu)
    if parsed is None:
        return Decoded(anomaly="invalid_length")
    rs, rq, ws, wq, data = parsed
    values = wire.registers(data)
    details: dict[str, object] = {"address": rs, "quantity": rq, "write_address": ws, "values": values}
    decoded = Decoded(details, [("holding", ws + i, v) for i, v in enumerate(values)])
    if adu[wire.DATA_OFFSET + 8] != wq * 2 or len(adu) != 17 + wq * 2:
        decoded.anomaly = "invalid_length"
    elif not (1 <= rq <= 125 and 1 <= wq <= 121):
        decoded.anomaly = "illegal_quantity"
    return decoded


def sub_function(adu: bytes, fc: int) -> Decoded:
    """[MB-AP] 6.8 Diagnostics: sub_function u16 then data."""
    sub = wire.u16_at(adu, wire.DATA_OFFSET)
    if sub is None:
        return Decoded(anomaly="invalid_length")
    data = adu[wire.DATA_OFFSET + 2 :]
    return Decoded({"sub_function": sub, "sub_function_name": codes.diagnostic_name(sub), "data": data.hex()})


def mei(adu: bytes, fc: int) -> Decoded:
    """[MB-AP] 6.19-6.21: mei_type u8; for type 14, read_device_id_code and object_id."""
    mei = wire.u8_at(adu, wire.DATA_OFFSET)
    if mei is None:
        return Decoded(anomaly="invalid_length")
    details: dict[str, object] = {"mei_type": mei, "mei_name": codes.MEI_TYPES.get(mei, f"unknown-{mei}")}
    if mei == 14:
        details["read_device_id_code"] = wire.u8_at(adu, wire.DATA_OFFSET + 1)
        details["object_id"] = wire.u8_at(adu, wire.DATA_OFFSET + 2)
    return Decoded(details)


def _umas(adu: bytes, fc: int) -> Decoded:
    """Schneider UMAS: session key u8, UMAS function code u8, data."""
    code = wire.u8_at(adu, wire.DATA_OFFSET + 1)
    if code is None:
        return Decoded(anomaly="invalid_length")
    key = adu[wire.DATA_OFFSET]
    return Decoded({"umas_session": key, "umas_function": code, "umas_name": codes.umas_name(code)})


def _no_data(adu: bytes, fc: int) -> Decoded:
    return exact(adu, 8, Decoded())


REQUESTS: dict[int, Callable[[bytes, int], Decoded]] = {
    1: _read_request,
    2: _read_request,
    3: _read_request,
    4: _read_request,
    5: _write_single,
    6: _write_single,
    7: _no_data,
    8: sub_function,
    11: _no_data,
    12: _no_data,
    15: _write_multiple,
    16: _write_multiple,
    17: _no_data,
    22: _mask_write,
    23: _read_write_request,
    43: mei,
    90: _umas,
}


def request(adu: bytes, fc: int) -> Decoded:
    handler = REQUESTS.get(fc)
    return handler(adu, fc) if handler is not None else Decoded()
