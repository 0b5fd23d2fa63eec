"""HTTP/1.x (and IPP over HTTP on 631): requests, responses, and software names.

Codes: a request's method (``GET``), a response's status code (``200``). Requests give
the client's ``user_agent`` and the server's ``http_host`` (Host header); responses give
the server's ``server`` (Server header), ``powered_by`` and ``auth_realm`` (Basic/Digest
realm, often the device model). IPP bodies (Content-Type application/ipp) add proto
``ipp`` operations: ``<operation-id hex>`` for requests, ``status:<status hex>`` for
responses, and ``printer_model`` etc. from Get-Printer-Attributes answers.
"""

from __future__ import annotations

from plantwarden.protocols.base import Emitter, Identity, OpClass, PduContext
from plantwarden.protocols.http import ipp, wire
from plantwarden.protocols.itkit import ItSpec, emit_op

MAX_IDENTITIES = 32  # distinct identities reported per flow


def probe(payload: bytes, transport: str) -> bool:
    return transport == "tcp" and wire.starts_message(payload)


def realm(value: str) -> str:
    at = value.lower().find('realm="')
    return value[at + 7 : value.find('"', at + 7)] if at >= 0 else ""


class HttpSession:
    def __init__(self) -> None:
        self.seen: set[tuple[str, tuple[tuple[str, str], ...]]] = set()

    def on_pdu(self, pdu: bytes, ctx: PduContext, out: Emitter) -> None:
        msg = wire.parse(pdu)
        if msg is None:
            return
        h = msg.headers
        if msg.request:
            details: dict[str, object] = {"uri": msg.target[:256], "host": h.get("host", "")}
            emit_op(out, ctx, "http", msg.method, msg.method, OpClass.OTHER, True, details)
            self._identity(out, ctx, ctx.src, {"user_agent": h.get("user-agent", "")})
            self._identity(out, ctx, ctx.dst, {"http_host": h.get("host", "")})
        else:
            status = str(msg.status)
            emit_op(out, ctx, "http", status, f"status {status}", OpClass.OTHER, False, {})
            fields = {"server": h.get("server", ""), "powered_by": h.get("x-powered-by", "")}
            fields["auth_realm"] = realm(h.get("www-authenticate", ""))
            self._identity(out, ctx, ctx.src, fields)
        if h.get("content-type", "").startswith("application/ipp"):
            self._ipp(msg, ctx, out)

    def _ipp(self, msg: wire.Message, ctx: PduContext, out: Emitter) -> None:
        hdr = ipp.header(msg.body)
        if hdr is None:
            return
        version, code, req_id = hdr
        details: dict[str, object] = {"version": version, "request_id": req_id}
        if msg.request:
            name = ipp.OPERATIONS.get(code, f"unknown-{code}")
            emit_op(out, ctx, "ipp", f"{code:#06x}", name, OpClass.DIAGNOSTICS, True, details)
            return
        emit_op(
            out, ctx, "ipp", f"status:{code:#06x}", f"status {code:#06x}", OpClass.DIAGNOSTICS, False, details
        )
        self._identity(out, ctx, ctx.src, ipp.printer_fields(msg.body))

    def _identity(self, out: Emitter, ctx: PduContext, address: str, fields: dict[str, str]) -> None:
        kept = tuple((k, v[:256]) for k, v in fields.items() if v)
        if not kept or len(self.seen) >= MAX_IDENTITIES or (address, kept) in self.seen:
            return
        self.seen.add((address, kept))
        out.identity(Identity("http", ctx, address, dict(kept)))


SPEC = ItSpec(
    "http",
    HttpSession,
    tcp_ports=frozenset({80, 631, 8000, 8008, 8080, 8081, 8088}),
    probe_fn=probe,
    framer=wire.message_length,
)
