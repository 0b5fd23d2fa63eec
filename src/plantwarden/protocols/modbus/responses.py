"""Modbus responses ([MB-AP] 6.x "Response" tables, 7 exceptions), read with their request.

Values read (FC 1-4, 23) are placed at the request's starting address; identity answers
(FC 43 / MEI 14, FC 17) fill ``Decoded.identity``.
"""

from __future__ import annotations

from collections.abc import Callable

from plantwarden.protocols.modbus import codes, wire
from plantwarden.protocols.modbus.decode import Decoded, Pending, exact, mei, sub_function


def _expected_bytes(fc: int, quantity: int) -> int:
    return (quantity + 7) // 8 if fc in codes.READ_BITS else quantity * 2


def _read_response(adu: bytes, fc: int, req: Pending | None) -> Decoded:
    data = wire.byte_counted(adu)
    if data is None or len(adu) != 9 + len(data):
        return Decoded(anomaly="invalid_length")
    decoded = Decoded({"byte_count": len(data)})
    if req is None or req.fc != fc:
        return decoded
    if len(data) != _expected_bytes(fc, req.quantity):
        decoded.anomaly = "invalid_length"
    values: list[int] | list[bool]
    values = wire.bits(data, req.quantity) if fc in codes.READ_BITS else wire.registers(data)
    decoded.details.update(address=req.address, quantity=req.quantity, values=values)
    table = codes.TABLES[fc] if fc != 23 else "holding"
    decoded.points = [(table, req.address + i, v) for i, v in enumerate(values)]
    return decoded


def _echo(adu: bytes, fc: int, req: Pending | None) -> Decoded:
    """FC 5, 6, 15, 16: the response repeats address and value/quantity."""
    pair = wire.two_u16(adu)
    if pair is None:
        return Decoded(anomaly="invalid_length")
    key = "quantity" if fc in (15, 16) else "value"
    value: int | bool = pair[1] == 0xFF00 if fc == 5 else pair[1]
    return exact(adu, 12, Decoded({"address": pair[0], key: value}))


def _mask_echo(adu: bytes, fc: int, req: Pending | None) -> Decoded:
    return exact(adu, 14, Decoded())


def _diagnostics(adu: bytes, fc: int, req: Pending | None) -> Decoded:
    return sub_function(adu, fc)


def _device_identification(adu: bytes, fc: int, req: Pending | None) -> Decoded:
    """[MB-AP] 6.21: objects of a Read Device Identification response -> Identity."""
    decoded = mei(adu, fc)
    if decoded.details.get("mei_type") != 14:
        return decoded
    objects = wire.device_id_objects(adu)
    if objects is None:
        decoded.anomaly = "invalid_length"
        return decoded
    identity: dict[str, str] = {}
    for obj_id, raw in objects:
        key = codes.DEVICE_OBJECTS.get(obj_id, ("", f"object_0x{obj_id:02x}"))[1]
        identity[key] = raw.decode("latin-1").strip("\x00 ")
    decoded.details["objects"] = dict(identity)
    decoded.identity = identity
    return decoded


def _server_id(adu: bytes, fc: int, req: Pending | None) -> Decoded:
    """[MB-AP] 6.13 Report Server ID: byte_count, then device-specific server id data.

    The layout inside is the vendor's (some send id byte and run indicator first, others
    text first and the run indicator last), so the printable text is kept as ``server_id``
    and the whole as hex.
    """
    data = wire.byte_counted(adu)
    if not data:
        return Decoded(anomaly="invalid_length")
    text = "".join(chr(b) if 0x20 <= b < 0x7F else " " for b in data)
    identity = {"server_id": " ".join(text.split())} if text.strip() else {}
    return Decoded({"server_id": identity.get("server_id", ""), "raw": data.hex()}, identity=identity)


def _umas(adu: bytes, fc: int, req: Pending | None) -> Decoded:
    """UMAS response: session key u8, status u8 (0xFE ok, 0xFD error), data."""
    status = wire.u8_at(adu, wire.DATA_OFFSET + 1)
    if status is None:
        return Decoded(anomaly="invalid_length")
    ok = {codes.UMAS_OK: "ok", codes.UMAS_ERROR: "error"}.get(status, f"0x{status:02x}")
    return Decoded({"umas_status": ok})


RESPONSES: dict[int, Callable[[bytes, int, Pending | None], Decoded]] = {
    1: _read_response,
    2: _read_response,
    3: _read_response,
    4: _read_response,
    5: _echo,
    6: _echo,
    8: _diagnostics,
    15: _echo,
    16: _echo,
    17: _server_id,
    22: _mask_echo,
    23: _read_response,
    43: _device_identification,
    90: _umas,
}


def response(adu: bytes, fc: int, req: Pending | None) -> Decoded:
    handler = RESPONSES.get(fc)
    return handler(adu, fc, req) if handler is not None else Decoded()


def exception(adu: bytes) -> Decoded:
    """[MB-AP] 7: function code + 0x80, exception_code u8."""
    code = wire.u8_at(adu, wire.DATA_OFFSET)
    if code is None:
        return Decoded(anomaly="invalid_length")
    details: dict[str, object] = {"exception_code": code, "exception": codes.exception_name(code)}
    return exact(adu, 9, Decoded(details))
