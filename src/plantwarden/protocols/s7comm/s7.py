"""S7comm (protocol id 0x32): Job / Ack / Ack_Data / Userdata PDUs.

Codes as tshark gives them: ``<rosctr>:<function hex>`` for Job and Ack_Data,
``7:<function group>/<subfunction>`` for Userdata, ``<rosctr>`` otherwise.
Jobs and their acknowledgements pair by PDU reference (either side may send a Job: in a
download the PLC asks the programming station for each block).
"""

from __future__ import annotations

from plantwarden.protocols.base import Anomaly, Direction, Emitter, OpClass, Operation, PduContext, PointValue
from plantwarden.protocols.s7comm import codes, userdata, wire
from plantwarden.protocols.s7comm.values import item_details, item_values

PROTO = "s7comm"
_MAX_PENDING = 4096


class S7State:
    """Jobs awaiting their Ack/Ack_Data, Userdata requests, SZL fragments per direction."""

    __slots__ = ("jobs", "requests", "szl")

    def __init__(self) -> None:
        self.jobs: dict[int, tuple[int, list[wire.Item | None]]] = {}
        self.requests: dict[int, tuple[int, int]] = {}
        self.szl: dict[Direction, bytearray] = {}


def on_s7(state: S7State, pdu: bytes, ctx: PduContext, out: Emitter) -> None:
    head = wire.parse_s7(pdu)
    if head is None:
        out.anomaly(Anomaly("s7comm.invalid_length", ctx, f"S7 header in {len(pdu)} octets"))
        return
    rosctr = head.rosctr
    if rosctr < 1 or rosctr > 7:
        out.anomaly(Anomaly("s7comm.unknown_rosctr", ctx, f"ROSCTR {rosctr}"))
        return
    if head.truncated:
        out.anomaly(Anomaly("s7comm.invalid_length", ctx, "parameter/data lengths exceed the PDU"))
    if rosctr == 1:
        _job(state, head, ctx, out)
    elif rosctr in (2, 3):
        _ack(state, head, ctx, out)
    elif rosctr == 7:
        userdata.on_userdata(state.requests, state.szl, head, ctx, out)
    else:
        out.anomaly(Anomaly("s7comm.unknown_rosctr", ctx, f"ROSCTR {rosctr}"))
        details: dict[str, object] = {"pdu_ref": head.pdu_ref}
        out.operation(Operation(PROTO, str(rosctr), codes.unknown(rosctr), OpClass.OTHER, ctx, None, details))


def _function(func: int, ctx: PduContext, out: Emitter) -> tuple[str, OpClass]:
    known = codes.FUNCTIONS.get(func)
    if known is None:
        out.anomaly(Anomaly("s7comm.unknown_function", ctx, f"function 0x{func:02x}"))
        return codes.unknown(func), OpClass.OTHER
    return known


def _job(state: S7State, head: wire.S7Header, ctx: PduContext, out: Emitter) -> None:
    details: dict[str, object] = {"pdu_ref": head.pdu_ref}
    if not head.param:
        out.operation(Operation(PROTO, "1", "Job", OpClass.OTHER, ctx, True, details))
        return
    func = head.param[0]
    name, op_class = _function(func, ctx, out)
    items: list[wire.Item | None] = []
    if func in (0x04, 0x05):
        items = wire.var_items(head.param)
        details["items"] = [item_details(it) for it in items[:32]]
    else:
        op_class = _job_details(func, head.param, details, op_class)
        if "service" in details:
            name = f"{name} {details['service']}"
    if len(state.jobs) < _MAX_PENDING:
        state.jobs[head.pdu_ref] = (func, items)
    out.operation(Operation(PROTO, f"1:0x{func:02x}", name, op_class, ctx, True, details))
    if func == 0x05:
        for point, value in item_values(items, head.data):
            out.value(_point(ctx, ctx.dst, point, value, "write"))


def _job_details(func: int, param: bytes, details: dict[str, object], op_class: OpClass) -> OpClass:
    if func == 0xF0 and len(param) >= 8:
        details.update(max_amq_calling=wire.unpack_u16(param, 2), max_amq_called=wire.unpack_u16(param, 4),
                       pdu_size=wire.unpack_u16(param, 6))
    elif func in (0x1A, 0x1B, 0x1C, 0x1D):
        details.update(_block(wire.file_name(param)))
    elif func in (0x1E, 0x1F) and len(param) >= 8:
        details["upload_id"] = param[4:8].hex()
    elif func == 0x28:
        service, block = wire.pi_service(param)
        details["service"] = service
        details["argument"] = block.decode("latin-1")
        return codes.PI_SERVICES.get(service, ("", OpClass.OTHER))[1]
    elif func == 0x29 and len(param) > 6:
        details["service"] = wire.file_name(param, 6)
    return op_class


def _block(name: str) -> dict[str, object]:
    """Block file name ``_<type hex><number 5 digits><filesystem>`` (e.g. ``_0A00001P``)."""
    if len(name) < 8 or not (name[3:8].isascii() and name[3:8].isdigit()):
        return {"file": name}
    kind = codes.BLOCK_TYPES.get(name[1:3].upper()) or codes.unknown(int(name[1:3], 16) if
                                                                    _is_hex(name[1:3]) else 0)
    return {"file": name, "block": f"{kind}{int(name[3:8])}", "filesystem": name[8:9]}


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdefABCDEF" for c in text)


def _ack(state: S7State, head: wire.S7Header, ctx: PduContext, out: Emitter) -> None:
    details: dict[str, object] = {"pdu_ref": head.pdu_ref}
    job = state.jobs.pop(head.pdu_ref, None)
    if job is None:
        out.anomaly(Anomaly("s7comm.response_without_request", ctx, f"PDU reference {head.pdu_ref}"))
    if head.error_class or head.error_code:
        cls = codes.ERROR_CLASSES.get(head.error_class) or codes.unknown(head.error_class)
        details.update(error_class=cls, error=f"0x{head.error_class:02x}{head.error_code:02x}")
        out.anomaly(Anomaly("s7comm.ack_error", ctx, f"error 0x{head.error_class:02x}{head.error_code:02x}"))
    if head.rosctr == 2 or not head.param:
        rosctr = str(head.rosctr)
        func = job[0] if job else -1
        op_class = codes.FUNCTIONS.get(func, ("", OpClass.OTHER))[1]
        name = codes.ROSCTR_NAMES[head.rosctr]
        out.operation(Operation(PROTO, rosctr, name, op_class, ctx, False, details))
        return
    func = head.param[0]
    name, op_class = _function(func, ctx, out)
    if func == 0xF0 and len(head.param) >= 8:
        details["pdu_size"] = wire.unpack_u16(head.param, 6)
    elif func in (0x1B, 0x1E):
        details["length"] = max(len(head.data) - 4, 0)
    out.operation(Operation(PROTO, f"3:0x{func:02x}", name, op_class, ctx, False, details))
    if func == 0x04 and job is not None:
        for point, value in item_values(job[1], head.data):
            out.value(_point(ctx, ctx.src, point, value, "read"))


def _point(ctx: PduContext, device: str, point: str, value: float | int | bool | str,
           access: str) -> PointValue:
    return PointValue(PROTO, ctx, device, point, value, access)
