"""TFTP requests on UDP 69 (RFC 1350 section 5, options RFC 2347).

RRQ/WRQ: opcode(2) filename NUL mode NUL [option NUL value NUL]...; ERROR: opcode 5,
ErrorCode(2), ErrMsg NUL. Code: the opcode in decimal (``1`` RRQ, ``2`` WRQ, ``5``
ERROR...). The transfer itself runs between other ports (the server's reply picks a new
port) and is not followed. Details: ``filename``, ``mode``, ``firmware_like``.
"""

from __future__ import annotations

from plantwarden.protocols.base import Anomaly, Emitter, OpClass, PduContext
from plantwarden.protocols.ftp.session import firmware_like
from plantwarden.protocols.itkit import ItSpec, emit_op

OPCODES = {1: "RRQ", 2: "WRQ", 3: "DATA", 4: "ACK", 5: "ERROR", 6: "OACK"}
MODES = (b"netascii", b"octet", b"mail")


def probe(payload: bytes, transport: str) -> bool:
    if transport != "udp" or len(payload) < 4 or payload[:2] not in (b"\x00\x01", b"\x00\x02"):
        return False
    parts = payload[2:].split(b"\x00")
    return len(parts) >= 3 and parts[1].lower() in MODES


class TftpSession:
    def on_pdu(self, pdu: bytes, ctx: PduContext, out: Emitter) -> None:
        if len(pdu) < 4:
            out.anomaly(Anomaly("tftp.invalid_length", ctx, f"{len(pdu)} bytes"))
            return
        opcode = int.from_bytes(pdu[:2], "big")
        name = OPCODES.get(opcode, f"unknown-{opcode}")
        details: dict[str, object] = {}
        if opcode in (1, 2):
            parts = pdu[2:].split(b"\x00")
            if len(parts) < 3:
                out.anomaly(Anomaly("tftp.malformed", ctx, "request without filename and mode"))
                return
            filename = parts[0].decode("utf-8", "replace")
            details.update(filename=filename, mode=parts[1].decode("ascii", "replace").lower())
            details["firmware_like"] = firmware_like(filename)
        elif opcode == 5:
            details.update(error_code=int.from_bytes(pdu[2:4], "big"))
        op_class = OpClass.FILE_TRANSFER if opcode in (1, 2, 3) else OpClass.SESSION
        emit_op(out, ctx, "tftp", str(opcode), name, op_class, opcode in (1, 2), details)


SPEC = ItSpec("tftp", TftpSession, udp_ports=frozenset({69}), probe_fn=probe)
