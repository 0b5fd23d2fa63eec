"""FTP control connection (RFC 959 sections 4.1, 4.2): commands, replies, file names.

Every CRLF-terminated line is a PDU. Client lines give the command verb as code (``USER``,
``RETR``, ``STOR``...); server lines give the 3-digit reply code (``220``), continuation
lines of multi-line replies (``ddd-``) are not counted again. RETR/STOR/APPE/STOU/DELE
carry ``filename`` (``firmware_like`` when the extension is a typical firmware image).
Passwords are never kept. Identity: the greeting (first 220) is the server's
``ftp_banner``, the SYST answer its ``ftp_system``.
"""

from __future__ import annotations

from plantwarden.protocols.base import Emitter, Identity, OpClass, PduContext
from plantwarden.protocols.itkit import ItSpec, emit_op

MAX_LINE = 2048
TRANSFERS = frozenset({"RETR", "STOR", "APPE", "STOU"})
FILE_ARGS = TRANSFERS | {"DELE", "RNFR", "RNTO", "SIZE", "MDTM"}
SESSION = frozenset({"USER", "PASS", "ACCT", "QUIT", "AUTH", "PBSZ", "PROT", "FEAT", "SYST", "OPTS", "REIN"})
FIRMWARE_EXT = (".bin", ".hex", ".img", ".fw", ".rom", ".s19", ".srec", ".upd", ".pkg", ".cab", ".zip")


def line_length(buf: bytes) -> int:
    end = buf.find(b"\n", 0, MAX_LINE)
    if end < 0:
        return 0 if len(buf) < MAX_LINE else len(buf)
    return end + 1


def probe(payload: bytes, transport: str) -> bool:
    return transport == "tcp" and payload[:4] in (b"220 ", b"220-")


def firmware_like(name: str) -> bool:
    return name.lower().endswith(FIRMWARE_EXT)


class FtpSession:
    def __init__(self) -> None:
        self.greeted = False
        self.last_command = ""

    def on_pdu(self, pdu: bytes, ctx: PduContext, out: Emitter) -> None:
        line = pdu.rstrip(b"\r\n").decode("utf-8", "replace")
        if ctx.direction == "to_server":
            self._command(line, ctx, out)
        elif len(line) >= 4 and line[:3].isdigit() and line[3] == " ":
            self._reply(line, ctx, out)

    def _command(self, line: str, ctx: PduContext, out: Emitter) -> None:
        verb, _, arg = line.partition(" ")
        verb = verb.upper()[:8]
        if not verb.isalpha():
            return
        details: dict[str, object] = {}
        if verb == "USER":
            details["user"] = arg
        elif verb in FILE_ARGS:
            details.update(filename=arg, firmware_like=firmware_like(arg))
        op_class = (
            OpClass.FILE_TRANSFER
            if verb in TRANSFERS
            else OpClass.SESSION
            if verb in SESSION
            else OpClass.OTHER
        )
        emit_op(out, ctx, "ftp", verb, verb, op_class, True, details)
        self.last_command = verb

    def _reply(self, line: str, ctx: PduContext, out: Emitter) -> None:
        code, text = line[:3], line[4:].strip()
        emit_op(out, ctx, "ftp", code, f"reply {code}", OpClass.SESSION, False, {"text": text[:128]})
        if code == "220" and not self.greeted:
            self.greeted = True
            out.identity(Identity("ftp", ctx, ctx.src, {"ftp_banner": text}))
        elif code == "215" and self.last_command == "SYST":
            out.identity(Identity("ftp", ctx, ctx.src, {"ftp_system": text}))


SPEC = ItSpec("ftp", FtpSession, tcp_ports=frozenset({21}), probe_fn=probe, framer=line_length)
