"""IEC 60870-5-104 per-flow session: operations, anomalies and point values.

One operation per APDU, coded as tshark codes it: ``I:<type id>``, ``S``, ``U:<0x..>``.
"""

from __future__ import annotations

from plantwarden.protocols.base import (
    Anomaly,
    Direction,
    Emitter,
    OpClass,
    Operation,
    PduContext,
    PointValue,
    Session,
)
from plantwarden.protocols.iec104 import codes, wire

PROTO = "iec104"
_SEQ_MOD = 1 << 15  # N(S)/N(R) are 15-bit counters (IEC 60870-5-104 §5.1)
_CONFIRMS = {codes.COT_ACTCON: codes.COT_ACT, codes.COT_DEACTCON: codes.COT_DEACT}
# Per type id, computed once: operation code, name and class (the hot path only indexes).
_I_CODES = [f"I:{t}" for t in range(256)]
_I_NAMES = [codes.type_name(t) for t in range(256)]
_I_CLASSES = [codes.type_op_class(t) for t in range(256)]


class Iec104Spec:
    """IEC 60870-5-104 on TCP 2404."""

    name = PROTO
    tcp_ports = frozenset({2404})
    udp_ports: frozenset[int] = frozenset()
    ethertypes: frozenset[int] = frozenset()

    def probe(self, payload: bytes, transport: str) -> bool:
        """A first segment that is exactly STARTDT/TESTFR act, or starts an I/S APDU."""
        if transport != "tcp" or len(payload) < wire.APCI_LEN or payload[0] != wire.START:
            return False
        length = payload[1]
        if length < wire.APDU_MIN_LEN or length + 2 > len(payload):
            return False
        c1 = payload[2]
        if c1 & 0x03 == 0x03:
            return length == 4 and c1 in (0x07, 0x13, 0x43) and payload[3:6] == b"\0\0\0"
        return length == 4 or (c1 & 0x01 == 0 and length >= 4 + wire.ASDU_HEADER_LEN)

    def pdu_length(self, buf: bytes) -> int:
        return wire.apdu_length(buf)

    def new_session(self) -> Session:
        return Iec104Session()


SPEC = Iec104Spec()


class Iec104Session:
    """Per-flow state: next expected N(S) per direction, activations awaiting confirmation."""

    __slots__ = ("_next_seq", "_pending")

    def __init__(self) -> None:
        self._next_seq: dict[Direction, int] = {}
        self._pending: set[tuple[int, int, int, int]] = set()

    def on_pdu(self, pdu: bytes, ctx: PduContext, out: Emitter) -> None:
        apci = wire.parse_apci(pdu)
        if apci is None:
            out.anomaly(Anomaly("iec104.garbage", ctx, f"{len(pdu)} octets without a start character"))
            return
        if apci.start:
            out.anomaly(Anomaly("iec104.garbage", ctx, f"{apci.start} octets before the start character"))
        if not apci.fmt:
            out.anomaly(Anomaly("iec104.invalid_length", ctx, f"APDU length {apci.length} < 4"))
            return
        if apci.length > wire.APDU_MAX_LEN:
            out.anomaly(Anomaly("iec104.invalid_length", ctx, f"APDU length {apci.length} > 253"))
        if apci.fmt == wire.FORMAT_I:
            self._on_i(pdu, apci, ctx, out)
        elif apci.fmt == wire.FORMAT_S:
            details: dict[str, object] = {"recv_seq": apci.recv_seq}
            out.operation(Operation(PROTO, "S", "S-format ack", OpClass.SESSION, ctx, None, details))
        else:
            self._on_u(apci.u_function, ctx, out)

    def _on_u(self, function: int, ctx: PduContext, out: Emitter) -> None:
        name = codes.U_NAMES.get(function)
        if name is None:
            name = f"unknown-{function}"
            out.anomaly(Anomaly("iec104.unknown_u_function", ctx, f"U function 0x{function:02x}"))
        request = None if name.startswith("unknown") else name.endswith("act")
        out.operation(Operation(PROTO, f"U:0x{function:02x}", name, OpClass.SESSION, ctx, request))

    def _on_i(self, pdu: bytes, apci: wire.Apci, ctx: PduContext, out: Emitter) -> None:
        self._check_seq(apci.send_seq, ctx, out)
        begin = apci.start + wire.APCI_LEN
        asdu = pdu[begin : apci.start + 2 + apci.length]
        details: dict[str, object] = {"send_seq": apci.send_seq, "recv_seq": apci.recv_seq}
        if not asdu:
            out.anomaly(Anomaly("iec104.invalid_length", ctx, "I-format APDU without ASDU"))
            out.operation(Operation(PROTO, "I:?", "I-format without ASDU", OpClass.OTHER, ctx, None, details))
            return
        type_id = asdu[0]
        op = Operation(PROTO, _I_CODES[type_id], _I_NAMES[type_id], _I_CLASSES[type_id], ctx, None, details)
        head = wire.parse_asdu_header(asdu)
        if type_id not in codes.TYPE_NAMES:
            out.anomaly(Anomaly("iec104.unknown_type_id", ctx, f"type id {type_id}"))
        if head is None:
            out.anomaly(Anomaly("iec104.invalid_length", ctx, f"ASDU of {len(asdu)} octets"))
            out.operation(op)
            return
        self._describe(op, head)
        objects = wire.object_offsets(asdu, head)
        if objects is None and type_id in wire.ELEMENT_SIZE:
            detail = f"ASDU length {len(asdu)} for {head.number} objects"
            out.anomaly(Anomaly("iec104.invalid_length", ctx, detail))
        out.operation(op)
        if objects:
            op.details["ioa"] = [ioa for ioa, _ in objects[:16]]
            self._pair(head, objects[0][0], ctx, out)
            self._values(asdu, head, objects, ctx, out)

    def _describe(self, op: Operation, head: wire.AsduHeader) -> None:
        op.request = _is_request(head)
        op.details.update(
            cause=codes.cause_name(head.cause), common_address=head.common_address,
            originator=head.originator, objects=head.number, sq=head.sq,
        )
        if head.negative:
            op.details["negative"] = True
        if head.test:
            op.details["test"] = True

    def _check_seq(self, seq: int, ctx: PduContext, out: Emitter) -> None:
        expected = self._next_seq.get(ctx.direction)
        if expected is not None and seq != expected:
            out.anomaly(Anomaly("iec104.sequence_gap", ctx, f"N(S)={seq}, expected {expected}"))
        self._next_seq[ctx.direction] = (seq + 1) % _SEQ_MOD

    def _pair(self, head: wire.AsduHeader, ioa: int, ctx: PduContext, out: Emitter) -> None:
        """Activations wait for their confirmation (IEC 60870-5-104 §7.2.6 / -101 §6)."""
        if head.cause in (codes.COT_ACT, codes.COT_DEACT) or (head.type_id == 102 and head.cause == 5):
            cause = codes.COT_ACT if head.cause == 5 else head.cause  # C_RD_NA_1 is sent with cause "request"
            self._pending.add((head.type_id, head.common_address, ioa, cause))
            return
        asked = _CONFIRMS.get(head.cause)
        if asked is None:
            return
        key = (head.type_id, head.common_address, ioa, asked)
        if key in self._pending:
            self._pending.discard(key)
        else:
            detail = f"{codes.type_name(head.type_id)} {codes.cause_name(head.cause)} ioa {ioa}"
            out.anomaly(Anomaly("iec104.response_without_request", ctx, detail))

    def _values(self, asdu: bytes, head: wire.AsduHeader, objects: list[tuple[int, int]],
                ctx: PduContext, out: Emitter) -> None:
        command = codes.is_command(head.type_id)
        if command and head.cause != codes.COT_ACT:
            return
        access, device = ("write", ctx.dst) if command else ("read", ctx.src)
        for ioa, off in objects:
            value = wire.element_value(head.type_id, asdu, off)
            if value is None:
                return
            point = f"ca{head.common_address}/ioa{ioa}"
            out.value(PointValue(PROTO, ctx, device, point, value, access))


def _is_request(head: wire.AsduHeader) -> bool | None:
    if head.cause in (codes.COT_ACT, codes.COT_DEACT):
        return True
    if head.cause in (codes.COT_ACTCON, codes.COT_DEACTCON, codes.COT_ACTTERM):
        return False
    return False if head.type_id < 45 else None
