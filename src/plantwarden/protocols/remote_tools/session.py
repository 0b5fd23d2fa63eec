"""Remote-access tools recognised by port and, where public, by payload signature.

TeamViewer (TCP/UDP 5938): TCP payloads that start with the command magic 0x17 0x24;
UDP datagrams with 0x17 0x24 at offset 11 (the signature public DPI engines use). No
field inside is decoded. AnyDesk (TCP 7070 direct, 6568 relay): TLS records on those
ports; the payload is not otherwise verified (``details["signature"] = "port+tls"``).
One ``session`` operation per flow direction, ``details["remote_access"] = True``; the
server is marked ``remote_access=teamviewer|anydesk``.
"""

from __future__ import annotations

from plantwarden.protocols.base import Emitter, Identity, OpClass, PduContext
from plantwarden.protocols.itkit import ItSpec, emit_op
from plantwarden.protocols.tls.wire import record_length

TV_MAGIC = b"\x17\x24"


def teamviewer_probe(payload: bytes, transport: str) -> bool:
    if transport == "tcp":
        return payload.startswith(TV_MAGIC)
    return len(payload) > 13 and payload[11:13] == TV_MAGIC


def anydesk_probe(payload: bytes, transport: str) -> bool:
    return transport == "tcp" and len(payload) >= 5 and payload[0] == 22 and payload[1] == 3


class _OncePerSide:
    def __init__(self, proto: str, signature: str) -> None:
        self.proto = proto
        self.signature = signature
        self.seen: set[str] = set()

    def on_pdu(self, pdu: bytes, ctx: PduContext, out: Emitter) -> None:
        if ctx.direction in self.seen:
            return
        self.seen.add(ctx.direction)
        verified = (
            teamviewer_probe(pdu, ctx.transport)
            if self.proto == "teamviewer"
            else anydesk_probe(pdu, ctx.transport)
        )
        details: dict[str, object] = {
            "remote_access": True,
            "signature": self.signature,
            "verified": verified,
        }
        emit_op(
            out,
            ctx,
            self.proto,
            "session",
            "remote access",
            OpClass.SESSION,
            ctx.direction == "to_server",
            details,
        )
        if ctx.direction == "to_server" and verified:
            out.identity(Identity(self.proto, ctx, ctx.dst, {"remote_access": self.proto}))


def _teamviewer() -> _OncePerSide:
    return _OncePerSide("teamviewer", "0x1724")


def _anydesk() -> _OncePerSide:
    return _OncePerSide("anydesk", "port+tls")


def _tls_or_whole(buf: bytes) -> int:
    n = record_length(buf)
    return len(buf) if n < 0 else n


TEAMVIEWER_SPEC = ItSpec(
    "teamviewer",
    _teamviewer,
    tcp_ports=frozenset({5938}),
    udp_ports=frozenset({5938}),
    probe_fn=teamviewer_probe,
)
ANYDESK_SPEC = ItSpec(
    "anydesk", _anydesk, tcp_ports=frozenset({6568, 7070}), probe_fn=anydesk_probe, framer=_tls_or_whole
)
