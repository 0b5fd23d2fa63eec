"""SMB1/SMB2 over TCP 445 and NetBIOS 139: every command, and who the peers are.

Codes: ``1:<command hex>`` for SMB1 (``1:0x72`` Negotiate), ``2:<command hex>`` for
SMB2/3 (``2:0x01`` SESSION_SETUP; each command of a compound counts), ``3:transform`` for
an encrypted SMB3 message. Identity: the negotiated dialect describes the server
(``smb_dialect``); SMB1 session setup ``NativeOS``/``NativeLanMan`` describe their sender
(``os``, ``lanman``: "Windows 5.1" is XP, "Windows Server 2003 3790 Service Pack 2"...);
NTLMSSP CHALLENGE gives the server's ``hostname``/``domain``/``dns_*``/``os_version`` and
AUTHENTICATE the client's ``hostname``/``domain``/``user``; an NBSS session request gives
the client's NetBIOS ``hostname``. Identity parsing stops after the first successful
session setup; commands are still counted from their headers.
"""

from __future__ import annotations

from plantwarden.protocols.base import Anomaly, Emitter, Identity, PduContext
from plantwarden.protocols.itkit import ItSpec, emit_op
from plantwarden.protocols.smb import codes, ntlm, wire


def probe(payload: bytes, transport: str) -> bool:
    return len(payload) >= 8 and payload[0] in (0x00, 0x81, 0x85) and payload[4:8] in (wire.SMB1, wire.SMB2)


class SmbSession:
    def __init__(self) -> None:
        self.dialects: list[str] = []
        self.identified = False

    def on_pdu(self, pdu: bytes, ctx: PduContext, out: Emitter) -> None:
        kind, body = pdu[0], pdu[4:]
        try:
            if kind == 0x81:
                out.identity(Identity("smb", ctx, ctx.src, {"hostname": wire.calling_name(body)}))
            elif kind == 0x00 and body[:4] == wire.SMB1:
                self._smb1(body, ctx, out)
            elif kind == 0x00 and body[:4] == wire.SMB2:
                self._smb2(body, ctx, out)
            elif kind == 0x00 and body[:4] == wire.SMB3_TRANSFORM:
                emit_op(out, ctx, "smb", "3:transform", "Encrypted", codes.op_class(2, -1), None)
            elif kind == 0x00:
                out.anomaly(Anomaly("smb.unknown_protocol", ctx, body[:4].hex()))
        except wire.SmbError as exc:
            out.anomaly(Anomaly("smb.malformed", ctx, str(exc)))

    def _smb1(self, msg: bytes, ctx: PduContext, out: Emitter) -> None:
        m = wire.smb1(msg)
        details: dict[str, object] = {"status": m.status}
        emit_op(
            out,
            ctx,
            "smb",
            f"1:{m.command:#04x}",
            codes.smb1_name(m.command),
            codes.op_class(1, m.command),
            not m.reply,
            details,
        )
        if self.identified:
            return
        if m.command == 0x72:
            self._negotiate1(m, ctx, out)
        elif m.command == 0x73:
            self._session_setup1(m, ctx, out)

    def _negotiate1(self, m: wire.Smb1, ctx: PduContext, out: Emitter) -> None:
        if not m.reply:
            self.dialects = wire.dialects(m.data)
            return
        if len(m.words) >= 2:
            index = int.from_bytes(m.words[:2], "little")
            if index < len(self.dialects):
                out.identity(Identity("smb", ctx, ctx.src, {"smb_dialect": self.dialects[index]}))

    def _session_setup1(self, m: wire.Smb1, ctx: PduContext, out: Emitter) -> None:
        wc = len(m.words) // 2
        if m.reply:
            blob_len = int.from_bytes(m.words[6:8], "little") if wc == 4 else 0
        elif wc == 12:
            blob_len = int.from_bytes(m.words[14:16], "little")
        elif wc == 13:
            blob_len = int.from_bytes(m.words[14:16], "little") + int.from_bytes(m.words[16:18], "little")
        else:
            return
        blob = m.data[:blob_len]
        skip = 2 if (wc == 13 and not m.reply) else 0  # AccountName, PrimaryDomain first
        names = wire.strings(m.data, blob_len, m.unicode, m.data_offset, skip + 2)[skip:]
        fields = {k: v for k, v in zip(("os", "lanman"), names, strict=False) if v}
        if fields:
            out.identity(Identity("smb", ctx, ctx.src, fields))
        self._ntlm(blob, ctx, out)
        if m.reply and m.status == 0:
            self.identified = True

    def _smb2(self, msg: bytes, ctx: PduContext, out: Emitter) -> None:
        for off, cmd, response, status in wire.smb2_chain(msg):
            details: dict[str, object] = {"status": status}
            emit_op(
                out,
                ctx,
                "smb",
                f"2:{cmd:#04x}",
                codes.smb2_name(cmd),
                codes.op_class(2, cmd),
                not response,
                details,
            )
            if self.identified or cmd > 1:
                continue
            if cmd == 0 and response:
                out.identity(Identity("smb", ctx, ctx.src, {"smb_dialect": wire.smb2_dialect(msg, off)}))
                self._ntlm(wire.smb2_buffer(msg, off, 56), ctx, out)
            elif cmd == 1:
                self._ntlm(wire.smb2_buffer(msg, off, 4 if response else 12), ctx, out)
                self.identified = response and status == 0

    def _ntlm(self, blob: bytes, ctx: PduContext, out: Emitter) -> None:
        found = ntlm.find(blob)
        if found is None:
            return
        mtype, msg = found
        fields = (
            ntlm.challenge_fields(msg) if mtype == 2 else ntlm.authenticate_fields(msg) if mtype == 3 else {}
        )
        if fields:
            out.identity(Identity("smb", ctx, ctx.src, fields))


SPEC = ItSpec("smb", SmbSession, tcp_ports=frozenset({139, 445}), probe_fn=probe, framer=wire.nbss_length)
