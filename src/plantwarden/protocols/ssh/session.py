"""SSH: the identification strings of client and server, then nothing (encrypted).

Code ``banner`` (one per side). Identity of the sender: ``ssh_banner`` (the whole line),
``software`` (softwareversion, e.g. ``OpenSSH_9.2p1``) and ``ssh_comment`` (often the
OS package, e.g. ``Debian-2+deb12u3``).
"""

from __future__ import annotations

from plantwarden.protocols.base import Anomaly, Emitter, Identity, OpClass, PduContext
from plantwarden.protocols.itkit import ItSpec, emit_op
from plantwarden.protocols.ssh import wire


def probe(payload: bytes, transport: str) -> bool:
    return transport == "tcp" and payload.startswith(b"SSH-") and payload[4:5].isdigit()


class SshSession:
    def __init__(self) -> None:
        self.sides_done = 0

    def on_pdu(self, pdu: bytes, ctx: PduContext, out: Emitter) -> None:
        if self.sides_done >= 2 or not pdu.startswith(b"SSH-"):
            return
        b = wire.banner(pdu)
        if b is None:
            out.anomaly(Anomaly("ssh.malformed", ctx, "bad identification string"))
            return
        self.sides_done += 1
        details: dict[str, object] = {
            "proto_version": b.proto_version,
            "software": b.software,
            "remote_access": True,
        }
        emit_op(
            out,
            ctx,
            "ssh",
            "banner",
            "identification",
            OpClass.SESSION,
            ctx.direction == "to_server",
            details,
        )
        fields = {"ssh_banner": b.line, "software": b.software}
        if b.comments:
            fields["ssh_comment"] = b.comments
        out.identity(Identity("ssh", ctx, ctx.src, fields))


SPEC = ItSpec("ssh", SshSession, tcp_ports=frozenset({22, 2222}), probe_fn=probe, framer=wire.line_length)
