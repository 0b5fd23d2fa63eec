"""MS SQL Server TDS (TCP 1433): packet types, the server's version, clear client names.

Code: the packet type in decimal (``18`` PRELOGIN, ``16`` LOGIN7, ``1`` SQL batch,
``3`` RPC, ``4`` tabular result...), counted per packet. The server's answer to PRELOGIN
gives its ``sql_version`` (e.g. 16.0.1000 = SQL Server 2022) and ``sql_encryption``; a
LOGIN7 sent in clear (encryption off) gives the client's ``hostname``, ``user``, ``app``,
``library``. Decoding stops after the login exchange. Tested on spec-built frames only: no
SQL Server is available here to capture (see docs/protocols/it.md).
"""

from __future__ import annotations

from plantwarden.protocols.base import Anomaly, Emitter, Identity, OpClass, PduContext
from plantwarden.protocols.itkit import ItSpec, emit_op
from plantwarden.protocols.tds import wire

TYPES = {
    1: "SQL batch",
    2: "pre-TDS7 login",
    3: "RPC",
    4: "tabular result",
    6: "attention",
    7: "bulk load",
    8: "federated auth token",
    14: "transaction manager request",
    16: "TDS7 login",
    17: "SSPI",
    18: "pre-login",
}
MAX_PDUS = 16


def probe(payload: bytes, transport: str) -> bool:
    return (
        transport == "tcp"
        and len(payload) >= 8
        and payload[0] in (16, 18)
        and payload[1] in (0, 1)
        and payload[2] == 0
    )


class TdsSession:
    def __init__(self) -> None:
        self.pdus = 0
        self.prelogin_sent = False

    def on_pdu(self, pdu: bytes, ctx: PduContext, out: Emitter) -> None:
        self.pdus += 1
        if self.pdus > MAX_PDUS:
            return
        ptype, body = pdu[0], pdu[wire.HEADER :]
        request = ptype != 4
        emit_op(
            out,
            ctx,
            "tds",
            str(ptype),
            TYPES.get(ptype, f"unknown-{ptype}"),
            OpClass.SESSION if ptype in (16, 17, 18) else OpClass.OTHER,
            request,
            {},
        )
        try:
            if ptype == 18:
                self.prelogin_sent = True
            elif ptype == 4 and self.prelogin_sent:
                self.prelogin_sent = False
                self._server(body, ctx, out)
            elif ptype == 16:
                out.identity(Identity("tds", ctx, ctx.src, wire.login7(body)))
        except wire.TdsError as exc:
            out.anomaly(Anomaly("tds.malformed", ctx, str(exc)))

    @staticmethod
    def _server(body: bytes, ctx: PduContext, out: Emitter) -> None:
        opts = wire.prelogin(body)
        fields: dict[str, str] = {}
        if 0 in opts:
            fields["sql_version"] = wire.version(opts[0])
        if opts.get(1):
            fields["sql_encryption"] = wire.ENCRYPTION.get(opts[1][0], str(opts[1][0]))
        if fields:
            out.identity(Identity("tds", ctx, ctx.src, fields))


SPEC = ItSpec("tds", TdsSession, tcp_ports=frozenset({1433}), probe_fn=probe, framer=wire.packet_length)
