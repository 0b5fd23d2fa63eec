"""TLS/SSL 3.0-1.3 handshakes: versions, server names and clear-text certificates.

Codes: ``handshake:<type>`` for each handshake message (``handshake:client_hello``,
``handshake:certificate``...; ``handshake:encrypted`` after ChangeCipherSpec),
``change_cipher_spec``, ``alert``, ``heartbeat`` and ``application_data``. Once a
direction carries application data it is no longer decoded (one ``application_data``
operation per direction). Identity: the ClientHello's SNI names the server (``sni``);
the ServerHello gives the server's ``tls_version`` (supported_versions when present);
a clear-text Certificate (TLS <= 1.2) gives ``cert_subject``, ``cert_issuer``,
``cert_not_before``, ``cert_not_after`` of the server's end-entity certificate.
"""

from __future__ import annotations

from plantwarden.protocols.base import Anomaly, Emitter, Identity, OpClass, PduContext
from plantwarden.protocols.itkit import ItSpec, emit_op
from plantwarden.protocols.tls import wire, x509

HANDSHAKES = {
    0: "hello_request",
    1: "client_hello",
    2: "server_hello",
    4: "new_session_ticket",
    8: "encrypted_extensions",
    11: "certificate",
    12: "server_key_exchange",
    13: "certificate_request",
    14: "server_hello_done",
    15: "certificate_verify",
    16: "client_key_exchange",
    20: "finished",
}
MAX_HANDSHAKE_BUFFER = 65536


def probe(payload: bytes, transport: str) -> bool:
    return (
        len(payload) >= 6
        and payload[0] == 22
        and payload[1] == 3
        and payload[2] <= 4
        and payload[5] in (1, 2)
    )


class _Side:
    __slots__ = ("done", "encrypted", "pending")

    def __init__(self) -> None:
        self.pending = b""
        self.encrypted = False
        self.done = False


class TlsSession:
    def __init__(self) -> None:
        self.sides = (_Side(), _Side())

    def on_pdu(self, pdu: bytes, ctx: PduContext, out: Emitter) -> None:
        side = self.sides[0 if ctx.direction == "to_server" else 1]
        if side.done or len(pdu) < 5:
            return
        ctype, body = pdu[0], pdu[5:]
        request = ctx.direction == "to_server"
        if ctype == 22 and not side.encrypted:
            self._handshake(side, body, ctx, out)
            return
        name = "handshake:encrypted" if ctype == 22 else wire.CONTENT_TYPES.get(ctype, f"unknown-{ctype}")
        emit_op(
            out,
            ctx,
            "tls",
            name,
            name,
            OpClass.SESSION,
            request,
            {"version": wire.version_name(pdu[1] << 8 | pdu[2])},
        )
        side.encrypted = side.encrypted or ctype == 20
        side.done = ctype == 23

    def _handshake(self, side: _Side, body: bytes, ctx: PduContext, out: Emitter) -> None:
        msgs, side.pending = wire.handshakes(side.pending + body)
        if len(side.pending) > MAX_HANDSHAKE_BUFFER:
            out.anomaly(Anomaly("tls.oversized_handshake", ctx, f"{len(side.pending)} bytes buffered"))
            side.pending, side.done = b"", True
        for mtype, msg in msgs:
            name = HANDSHAKES.get(mtype, f"unknown-{mtype}")
            details: dict[str, object] = {}
            try:
                self._identity(mtype, msg, ctx, out, details)
            except (wire.TlsError, x509.DerError, ValueError) as exc:
                out.anomaly(Anomaly("tls.malformed", ctx, f"{name}: {exc}"))
            emit_op(
                out,
                ctx,
                "tls",
                f"handshake:{name}",
                name,
                OpClass.SESSION,
                ctx.direction == "to_server",
                details,
            )

    def _identity(
        self, mtype: int, msg: bytes, ctx: PduContext, out: Emitter, details: dict[str, object]
    ) -> None:
        if mtype == 1:
            version, ext = wire.client_hello(msg)
            details["version"] = wire.version_name(version)
            if 16 in ext:
                details["alpn"] = ",".join(wire.alpn(ext[16]))
            if 0 in ext:
                sni = details["sni"] = wire.server_name(ext[0])
                out.identity(Identity("tls", ctx, ctx.dst, {"sni": sni}))
        elif mtype == 2:
            version, suite, ext = wire.server_hello(msg)
            if 43 in ext and len(ext[43]) >= 2:
                version = int.from_bytes(ext[43][:2], "big")
            details.update(version=wire.version_name(version), cipher_suite=f"{suite:#06x}")
            out.identity(Identity("tls", ctx, ctx.src, {"tls_version": wire.version_name(version)}))
        elif mtype == 11 and ctx.direction == "to_client":
            names = x509.cert_names(wire.first_certificate(msg))
            fields = {
                "cert_subject": names.subject,
                "cert_issuer": names.issuer,
                "cert_not_before": names.not_before,
                "cert_not_after": names.not_after,
            }
            details["subject"] = names.subject
            out.identity(Identity("tls", ctx, ctx.src, fields))


SPEC = ItSpec(
    "tls",
    TlsSession,
    tcp_ports=frozenset({443, 465, 636, 853, 993, 995, 4843, 5061, 8443}),
    probe_fn=probe,
    framer=wire.record_length,
)
