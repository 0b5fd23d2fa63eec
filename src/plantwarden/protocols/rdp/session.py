"""RDP: the X.224 connection request and confirm, then nothing (TLS/encrypted).

Codes ``x224:CR`` and ``x224:CC``, remote access sessions (``details["remote_access"]``).
Identity: the request's ``mstshash`` cookie is the user name typed in the client
(``rdp_user``, on the client); the server gets ``rdp_protocols`` (selected security:
rdp, ssl, hybrid = CredSSP/NLA...) or ``rdp_failure``.
"""

from __future__ import annotations

from plantwarden.protocols.base import Emitter, Identity, OpClass, PduContext
from plantwarden.protocols.itkit import ItSpec, emit_op
from plantwarden.protocols.rdp import wire


def probe(payload: bytes, transport: str) -> bool:
    """A TPKT X.224 CR carrying an RDP cookie or an RDP_NEG_REQ (never S7's CR, which
    carries TSAP parameters instead)."""
    if len(payload) < 11 or payload[0] != 3 or payload[5] != 0xE0:
        return False
    return b"Cookie: " in payload[11:] or (len(payload) == 19 and payload[11] == 1)


class RdpSession:
    def __init__(self) -> None:
        self.done = False

    def on_pdu(self, pdu: bytes, ctx: PduContext, out: Emitter) -> None:
        if self.done:
            return
        neg = wire.negotiation(pdu)
        if neg is None:
            return
        request = neg.code == 0xE0
        details: dict[str, object] = {"remote_access": True}
        fields: dict[str, str] = {}
        if neg.cookie:
            details["cookie"] = fields["rdp_user"] = neg.cookie
        if neg.neg_type in (1, 2):
            key = "requested_protocols" if neg.neg_type == 1 else "rdp_protocols"
            details[key] = wire.protocols(neg.value)
            if neg.neg_type == 2:
                fields["rdp_protocols"] = wire.protocols(neg.value)
        elif neg.neg_type == 3:
            details["failure"] = fields["rdp_failure"] = str(neg.value)
        code = "x224:CR" if request else "x224:CC"
        name = "Connection Request" if request else "Connection Confirm"
        emit_op(out, ctx, "rdp", code, name, OpClass.SESSION, request, details)
        if fields:
            out.identity(Identity("rdp", ctx, ctx.src, fields))
        self.done = not request


SPEC = ItSpec("rdp", RdpSession, tcp_ports=frozenset({3389}), probe_fn=probe, framer=wire.tpkt_length)
