"""LLDP frames: one operation each, and the sender's identity (system and port names)."""

from __future__ import annotations

from struct import unpack_from

from plantwarden.protocols.base import Anomaly, Emitter, Identity, OpClass, Operation, PduContext
from plantwarden.protocols.l2base import L2Spec
from plantwarden.protocols.lldp import wire


def decode(pdu: bytes, ctx: PduContext, out: Emitter) -> None:
    fields: dict[str, str] = {}
    ttl = -1
    try:
        for t, v in wire.tlvs(pdu):
            if t == wire.CHASSIS_ID:
                fields["chassis_id"] = wire.subtyped_id(v)
            elif t == wire.PORT_ID:
                fields["port_id"] = wire.subtyped_id(v)
            elif t == wire.TTL and len(v) >= 2:
                (ttl,) = unpack_from("!H", v, 0)
            elif t == wire.PORT_DESCRIPTION:
                fields["port_description"] = v.decode("utf-8", "replace")
            elif t == wire.SYSTEM_NAME:
                fields["name"] = v.decode("utf-8", "replace")
            elif t == wire.SYSTEM_DESCRIPTION:
                fields["system_description"] = v.decode("utf-8", "replace")
            elif t == wire.SYSTEM_CAPABILITIES:
                fields["capabilities"] = ",".join(wire.capabilities(v))
            elif t == wire.MANAGEMENT_ADDRESS:
                fields.setdefault("management_address", wire.management_address(v))
    except wire.TruncatedTlv as exc:
        out.anomaly(Anomaly("lldp.invalid_length", ctx, str(exc)))
    code = "shutdown" if ttl == 0 else "advertise"
    out.operation(Operation("lldp", code, f"LLDP {code}", OpClass.DIAGNOSTICS, ctx, details=dict(fields)))
    if fields:
        out.identity(Identity("lldp", ctx, ctx.src, fields))


SPEC = L2Spec("lldp", frozenset({0x88CC}), decode)
