"""Modbus/TCP session: framing, request/response pairing, operations, anomalies, values.

Operation codes follow ../shared/tools/groundtruth.py: the function code in decimal with
the exception bit stripped, plus ``:exc`` for an exception response ("3", "1:exc").
A PDU is a request when it goes to TCP port 502 and a response when it comes from it
(as tshark judges); on other ports the flow direction decides.
"""

from __future__ import annotations

from plantwarden.protocols.base import (
    Anomaly,
    Direction,
    Emitter,
    Identity,
    OpClass,
    Operation,
    PduContext,
    PointValue,
)
from plantwarden.protocols.modbus import codes, decode, responses, wire
from plantwarden.protocols.modbus.decode import Decoded, Pending

PORT = 502
MAX_PENDING = 512  # requests kept waiting for a response per flow; the oldest goes first


class ModbusSpec:
    """How the engine finds and frames Modbus/TCP ([MB-TCP] 3.1.3, port 502)."""

    name = "modbus"
    tcp_ports = frozenset({PORT})
    udp_ports = frozenset({PORT})
    ethertypes: frozenset[int] = frozenset()

    def probe(self, payload: bytes, transport: str) -> bool:
        return transport in ("tcp", "udp") and wire.looks_like_mbap(payload)

    def pdu_length(self, buf: bytes) -> int:
        return wire.frame_length(buf)

    def new_session(self) -> ModbusSession:
        return ModbusSession()


SPEC = ModbusSpec()


def _is_request(ctx: PduContext) -> bool:
    if ctx.dport == PORT and ctx.sport != PORT:
        return True
    if ctx.sport == PORT and ctx.dport != PORT:
        return False
    return ctx.direction is Direction.TO_SERVER


def _int(details: dict[str, object], key: str) -> int:
    value = details.get(key, 0)
    return value if isinstance(value, int) else 0


def _label(fc: int, details: dict[str, object]) -> tuple[str, OpClass]:
    """Human name and class, refined by the sub-function of FC 8, 43 and 90."""
    name, op_class = codes.function_name(fc), codes.function_class(fc)
    if fc == 8 and "sub_function" in details:
        sub = _int(details, "sub_function")
        return f"{name}: {codes.diagnostic_name(sub)}", codes.DIAGNOSTIC_CLASSES.get(sub, op_class)
    if fc == 43 and "mei_name" in details:
        return f"{name}: {details['mei_name']}", op_class
    if fc == 90 and "umas_function" in details:
        umas = _int(details, "umas_function")
        known = codes.UMAS.get(umas)
        return f"{name}: {codes.umas_name(umas)}", known[1] if known else op_class
    return name, op_class


class ModbusSession:
    """Per-flow state: requests waiting for their response, by transaction identifier."""

    __slots__ = ("_pending",)

    def __init__(self) -> None:
        self._pending: dict[int, Pending] = {}

    def on_pdu(self, pdu: bytes, ctx: PduContext, out: Emitter) -> None:
        head = wire.header(pdu)
        if head is None:
            out.anomaly(Anomaly("modbus.invalid_length", ctx, f"{len(pdu)} bytes, no MBAP header"))
            return
        tid, pid, length, unit = head
        if pid:
            out.anomaly(Anomaly("modbus.protocol_id_nonzero", ctx, f"protocol identifier {pid}"))
            return
        if length + 6 != len(pdu) or len(pdu) <= wire.FC_OFFSET:
            out.anomaly(Anomaly("modbus.invalid_length", ctx, f"MBAP length {length}, {len(pdu)} bytes"))
            if len(pdu) <= wire.FC_OFFSET:
                return
        raw_fc = pdu[wire.FC_OFFSET]
        if _is_request(ctx):
            self._request(pdu, raw_fc, tid, unit, ctx, out)
        else:
            self._response(pdu, raw_fc, tid, unit, ctx, out)

    def _request(self, pdu: bytes, raw_fc: int, tid: int, unit: int, ctx: PduContext, out: Emitter) -> None:
        fc = raw_fc & 0x7F
        decoded = responses.exception(pdu) if raw_fc & 0x80 else decode.request(pdu, fc)
        name, op_class = _label(fc, decoded.details)
        self._check_function(fc, ctx, out)
        if not raw_fc & 0x80:
            address, quantity = _int(decoded.details, "address"), _int(decoded.details, "quantity")
            self._remember(tid, Pending(fc, unit, name, op_class, address, quantity, ctx.frame))
        self._emit(pdu, raw_fc, tid, unit, (name, op_class), decoded, True, ctx, out)

    def _response(self, pdu: bytes, raw_fc: int, tid: int, unit: int, ctx: PduContext, out: Emitter) -> None:
        fc = raw_fc & 0x7F
        req = self._pending.pop(tid, None)
        if req is None:
            out.anomaly(Anomaly("modbus.response_without_request", ctx, f"transaction {tid}, function {fc}"))
        elif req.fc != fc:
            out.anomaly(Anomaly("modbus.function_mismatch", ctx, f"request {req.fc}, response {fc}"))
            req = None
        decoded = responses.exception(pdu) if raw_fc & 0x80 else responses.response(pdu, fc, req)
        label = (req.name, req.op_class) if req is not None else _label(fc, decoded.details)
        if req is None:
            self._check_function(fc, ctx, out)
        self._emit(pdu, raw_fc, tid, unit, label, decoded, False, ctx, out)

    def _remember(self, tid: int, pending: Pending) -> None:
        if len(self._pending) >= MAX_PENDING:
            del self._pending[next(iter(self._pending))]
        self._pending[tid] = pending

    @staticmethod
    def _check_function(fc: int, ctx: PduContext, out: Emitter) -> None:
        if fc not in codes.FUNCTIONS and fc not in codes.USER_DEFINED:
            out.anomaly(Anomaly("modbus.unknown_function", ctx, codes.function_name(fc)))

    @staticmethod
    def _emit(
        pdu: bytes,
        raw_fc: int,
        tid: int,
        unit: int,
        label: tuple[str, OpClass],
        decoded: Decoded,
        request: bool,
        ctx: PduContext,
        out: Emitter,
    ) -> None:
        fc = raw_fc & 0x7F
        code = f"{fc}:exc" if raw_fc & 0x80 else str(fc)
        details = decoded.details
        details["unit"] = unit
        details["transaction"] = tid
        out.operation(Operation("modbus", code, label[0], label[1], ctx, request, details))
        if decoded.anomaly is not None:
            out.anomaly(Anomaly(f"modbus.{decoded.anomaly}", ctx, f"function {fc}"))
        device = ctx.dst if request else ctx.src
        access = "write" if request else "read"
        for table, address, value in decoded.points:
            out.value(PointValue("modbus", ctx, device, f"unit{unit}/{table}/{address}", value, access))
        if decoded.identity:
            out.identity(Identity("modbus", ctx, ctx.src, decoded.identity))
