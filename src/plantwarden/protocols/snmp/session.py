"""SNMP (UDP 161/162): one operation per PDU, the system group as identity.

Codes: the PDU type (``get-request``, ``get-next-request``, ``response``, ``set-request``,
``trap``, ``get-bulk-request``, ``inform-request``, ``snmpV2-trap``, ``report``;
``encrypted`` for a v3 PDU under privacy). The community string is never kept: details
hold ``community_present`` and ``community_length``. Responses carrying the MIB-2
system group describe the agent: ``sys_descr``, ``sys_object_id``, ``sys_name``,
``sys_contact``, ``sys_location`` (RFC 3418 2).
"""

from __future__ import annotations

from plantwarden.protocols.base import Anomaly, Emitter, Identity, OpClass, PduContext
from plantwarden.protocols.itkit import ItSpec, emit_op
from plantwarden.protocols.snmp import wire
from plantwarden.protocols.tls.x509 import DerError

PDU_TYPES = {
    0xA0: "get-request",
    0xA1: "get-next-request",
    0xA2: "response",
    0xA3: "set-request",
    0xA4: "trap",
    0xA5: "get-bulk-request",
    0xA6: "inform-request",
    0xA7: "snmpV2-trap",
    0xA8: "report",
}
SYSTEM = {
    "1.3.6.1.2.1.1.1.0": "sys_descr",
    "1.3.6.1.2.1.1.2.0": "sys_object_id",
    "1.3.6.1.2.1.1.4.0": "sys_contact",
    "1.3.6.1.2.1.1.5.0": "sys_name",
    "1.3.6.1.2.1.1.6.0": "sys_location",
}
VERSIONS = {0: "v1", 1: "v2c", 3: "v3"}
OP_CLASS = {0xA3: OpClass.WRITE, 0xA4: OpClass.IO_DATA, 0xA7: OpClass.IO_DATA}


def probe(payload: bytes, transport: str) -> bool:
    return transport == "udp" and len(payload) > 10 and payload[0] == 0x30 and b"\x02\x01" in payload[1:6]


class SnmpSession:
    def on_pdu(self, pdu: bytes, ctx: PduContext, out: Emitter) -> None:
        try:
            msg = wire.parse(pdu)
        except DerError as exc:
            out.anomaly(Anomaly("snmp.malformed", ctx, str(exc)))
            return
        name = "encrypted" if msg.pdu_type < 0 else PDU_TYPES.get(msg.pdu_type, f"unknown-{msg.pdu_type}")
        details: dict[str, object] = {
            "version": VERSIONS.get(msg.version, str(msg.version)),
            "request_id": msg.request_id,
            "oids": [v[0] for v in msg.varbinds[:16]],
        }
        if msg.community_length >= 0:
            details.update(community_present=msg.community_length > 0, community_length=msg.community_length)
        if msg.error_status:
            details["error_status"] = msg.error_status
        op_class = OP_CLASS.get(msg.pdu_type, OpClass.READ if msg.pdu_type != 0xA2 else OpClass.DIAGNOSTICS)
        request = None if msg.pdu_type in (0xA4, 0xA7, 0xA8, -1) else msg.pdu_type != 0xA2
        emit_op(out, ctx, "snmp", name, name, op_class, request, details)
        fields = {SYSTEM[o]: wire.value_text(t, v) for o, t, v in msg.varbinds if o in SYSTEM and t < 0x80}
        if fields and msg.pdu_type in (0xA2, 0xA4, 0xA7):
            out.identity(Identity("snmp", ctx, ctx.src, fields))


SPEC = ItSpec("snmp", SnmpSession, udp_ports=frozenset({161, 162}), probe_fn=probe)
