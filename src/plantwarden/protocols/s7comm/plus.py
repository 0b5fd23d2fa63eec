"""S7comm-plus (protocol id 0x72), as used by S7-1200/1500 CPUs.

No public specification exists; the layout follows the S7comm-plus Wireshark plugin by
Thomas Wiens: header 0x72, PDU type / version (1 connect, 2 data, 3 data with integrity
part, 0xFE/0xFF keep-alive), data length (2). Version 3 carries an integrity part (digest
length octet and digest) before the data. Data: opcode (0x31 request, 0x32 response,
0x33 notification, 0x02 response2), reserved (2), function code (2), reserved (2),
sequence number (2), and in requests the session id (4) and transport flags.
Operations: proto ``s7comm-plus``, code ``<opcode hex>:<function hex>`` (``0x31:0x04ca``),
``<opcode hex>`` for notifications, ``keepalive`` for keep-alive PDUs.
"""

from __future__ import annotations

import struct

from plantwarden.protocols.base import Anomaly, Emitter, OpClass, Operation, PduContext
from plantwarden.protocols.s7comm import codes

PROTO = "s7comm-plus"
_HDR = struct.Struct(">BBH")
_OP = struct.Struct(">BHHHH")  # opcode, reserved, function, reserved, sequence number
_SESSION = struct.Struct(">I")


def on_plus(pdu: bytes, ctx: PduContext, out: Emitter) -> None:
    if len(pdu) < 4:
        out.anomaly(Anomaly("s7comm-plus.invalid_length", ctx, f"header in {len(pdu)} octets"))
        return
    _, version, length = _HDR.unpack_from(pdu)
    details: dict[str, object] = {"version": version, "length": length}
    if version in (0xFE, 0xFF):
        out.operation(Operation(PROTO, "keepalive", "keep-alive", OpClass.SESSION, ctx, None, details))
        return
    off = 4
    if version == 3:
        digest = pdu[4] if len(pdu) > 4 else 0
        off = 5 + digest
        details.update(integrity_protected=True, digest_length=digest)
    if len(pdu) < off + 1:
        out.anomaly(Anomaly("s7comm-plus.invalid_length", ctx, "no data part"))
        out.operation(Operation(PROTO, "?", "truncated", OpClass.OTHER, ctx, None, details))
        return
    _data(pdu, off, details, ctx, out)


def _data(pdu: bytes, off: int, details: dict[str, object], ctx: PduContext, out: Emitter) -> None:
    opcode = pdu[off]
    op_name = codes.PLUS_OPCODES.get(opcode) or codes.unknown(opcode)
    if opcode == 0x33 or len(pdu) < off + _OP.size:
        if opcode != 0x33:
            out.anomaly(Anomaly("s7comm-plus.invalid_length", ctx, "data part shorter than its header"))
        out.operation(Operation(PROTO, f"0x{opcode:02x}", op_name, OpClass.IO_DATA if opcode == 0x33 else
                                OpClass.OTHER, ctx, None, details))
        return
    _, _, function, _, seq = _OP.unpack_from(pdu, off)
    details["seq"] = seq
    if opcode == 0x31 and len(pdu) >= off + _OP.size + 4:
        details["session_id"] = f"0x{_SESSION.unpack_from(pdu, off + _OP.size)[0]:08x}"
    known = codes.PLUS_FUNCTIONS.get(function)
    if opcode not in codes.PLUS_OPCODES:
        out.anomaly(Anomaly("s7comm-plus.unknown_opcode", ctx, f"opcode 0x{opcode:02x}"))
    if known is None:
        out.anomaly(Anomaly("s7comm-plus.unknown_function", ctx, f"function 0x{function:04x}"))
    name, op_class = known or (codes.unknown(function), OpClass.OTHER)
    request = True if opcode == 0x31 else False if opcode in (0x32, 0x02) else None
    out.operation(Operation(PROTO, f"0x{opcode:02x}:0x{function:04x}", f"{op_name} {name}", op_class, ctx,
                            request, details))
