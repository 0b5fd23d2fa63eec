"""VNC / RFB (RFC 6143 7.1.1): the ProtocolVersion handshake, then nothing.

``RFB xxx.yyy\\n`` (12 bytes) is sent by the server first, then echoed (or lowered) by
the client. Code ``version`` per side, a remote access session; identity ``rfb_version``
(e.g. ``3.8``) of the sender.
"""

from __future__ import annotations

from plantwarden.protocols.base import Anomaly, Emitter, Identity, OpClass, PduContext
from plantwarden.protocols.itkit import ItSpec, emit_op

VERSION_LENGTH = 12


def probe(payload: bytes, transport: str) -> bool:
    return transport == "tcp" and len(payload) >= VERSION_LENGTH and payload.startswith(b"RFB 0")


def version_length(buf: bytes) -> int:
    if buf.startswith(b"RFB "):
        return VERSION_LENGTH if len(buf) >= VERSION_LENGTH else 0
    return len(buf)


class VncSession:
    def __init__(self) -> None:
        self.sides = 0

    def on_pdu(self, pdu: bytes, ctx: PduContext, out: Emitter) -> None:
        if self.sides >= 2 or not pdu.startswith(b"RFB "):
            return
        self.sides += 1
        raw = pdu[4:11]
        if pdu[11:12] != b"\n" or raw[3:4] != b"." or not (raw[:3] + raw[4:]).isdigit():
            out.anomaly(Anomaly("vnc.malformed", ctx, f"bad ProtocolVersion {pdu[:12]!r}"))
            return
        version = f"{int(raw[:3])}.{int(raw[4:])}"
        details: dict[str, object] = {"version": version, "remote_access": True}
        emit_op(
            out,
            ctx,
            "vnc",
            "version",
            "ProtocolVersion",
            OpClass.SESSION,
            ctx.direction == "to_server",
            details,
        )
        out.identity(Identity("vnc", ctx, ctx.src, {"rfb_version": version}))


SPEC = ItSpec(
    "vnc", VncSession, tcp_ports=frozenset(range(5900, 5911)), probe_fn=probe, framer=version_length
)
