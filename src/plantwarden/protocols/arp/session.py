"""ARP requests and replies: operations, and the sender's IP <-> MAC binding as identity.

RFC 826 packet format: hardware type (2), protocol type (2), hardware length (1), protocol
length (1), opcode (2), sender hardware address, sender protocol address, target
hardware address, target protocol address.
"""

from __future__ import annotations

from struct import unpack_from

from plantwarden.net.addr import ipv4, mac
from plantwarden.protocols.base import Anomaly, Emitter, Identity, OpClass, Operation, PduContext
from plantwarden.protocols.l2base import L2Spec

OPCODES = {1: "request", 2: "reply", 3: "rarp-request", 4: "rarp-reply"}


def decode(pdu: bytes, ctx: PduContext, out: Emitter) -> None:
    if len(pdu) < 28:
        out.anomaly(Anomaly("arp.invalid_length", ctx, f"{len(pdu)} bytes"))
        return
    htype, ptype, hlen, plen, op = unpack_from("!HHBBH", pdu, 0)
    if htype != 1 or ptype != 0x0800 or hlen != 6 or plen != 4:
        out.anomaly(Anomaly("arp.unsupported", ctx, f"htype {htype} ptype {ptype:#06x}"))
        return
    sha, spa, tha, tpa = mac(pdu[8:14]), ipv4(pdu[14:18]), mac(pdu[18:24]), ipv4(pdu[24:28])
    name = OPCODES.get(op, f"unknown-{op}")
    gratuitous = spa == tpa
    out.operation(
        Operation(
            "arp",
            str(op),
            name,
            OpClass.OTHER,
            ctx,
            request=op in (1, 3),
            details={
                "sender_mac": sha,
                "sender_ip": spa,
                "target_mac": tha,
                "target_ip": tpa,
                "gratuitous": gratuitous,
            },
        )
    )
    if spa != "0.0.0.0":
        out.identity(Identity("arp", ctx, sha, {"ip": spa}))


SPEC = L2Spec("arp", frozenset({0x0806}), decode)
