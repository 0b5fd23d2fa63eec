"""DHCP (UDP 67/68): one operation per message; the client's identity from its options.

Code: the DHCP message type (option 53) in decimal (``3`` = DHCPREQUEST), or
``bootp:<op>`` for plain BOOTP. A client message (op 1) describes the client, keyed by
its hardware address: ``hostname`` (option 12), ``vendor_class`` (60), ``dhcp_fingerprint``
(the parameter request list, option 55, as comma-separated numbers), ``fqdn`` (81) and
``ip`` (ciaddr or requested address, 50). A DHCPACK gives the client's ``ip`` (yiaddr) and
``domain`` (15), and marks the sender ``role=dhcp_server``.
"""

from __future__ import annotations

from plantwarden.protocols.base import Anomaly, Emitter, Identity, OpClass, PduContext
from plantwarden.protocols.dhcp import codes, wire
from plantwarden.protocols.itkit import ItSpec, emit_op, text


def probe(payload: bytes, transport: str) -> bool:
    return len(payload) >= wire.FIXED + 4 and payload[0] in (1, 2) and payload[236:240] == wire.COOKIE


def client_fields(msg: wire.Message) -> dict[str, str]:
    opts = msg.options
    fields: dict[str, str] = {}
    if 12 in opts:
        fields["hostname"] = text(opts[12])
    if 60 in opts:
        fields["vendor_class"] = text(opts[60])
    if 55 in opts:
        fields["dhcp_fingerprint"] = ",".join(str(b) for b in opts[55])
    if 81 in opts and len(opts[81]) > 3:
        fields["fqdn"] = wire.client_fqdn(opts[81])
    ip = msg.ciaddr if msg.ciaddr != "0.0.0.0" else ".".join(str(b) for b in opts.get(50, b"")[:4])
    if ip and len(ip.split(".")) == 4:
        fields["ip"] = ip
    return fields


class DhcpSession:
    def on_pdu(self, pdu: bytes, ctx: PduContext, out: Emitter) -> None:
        try:
            msg = wire.parse(pdu)
        except wire.DhcpError as exc:
            out.anomaly(Anomaly("dhcp.malformed", ctx, str(exc)))
            return
        mtype = msg.options.get(53, b"")
        if len(mtype) == 1:
            code, name, request = str(mtype[0]), codes.message_type_name(mtype[0]), mtype[0] in codes.REQUESTS
        else:
            code, name, request = (
                f"bootp:{msg.op}",
                "BOOTREQUEST" if msg.op == 1 else "BOOTREPLY",
                msg.op == 1,
            )
        details: dict[str, object] = {"xid": msg.xid, "client_mac": msg.chaddr}
        emit_op(out, ctx, "dhcp", code, name, OpClass.OTHER, request, details)
        if msg.op == 1:
            fields = client_fields(msg)
            if fields:
                out.identity(Identity("dhcp", ctx, msg.chaddr, fields))
        elif code == "5":
            ack = {"ip": msg.yiaddr}
            if 15 in msg.options:
                ack["domain"] = text(msg.options[15])
            out.identity(Identity("dhcp", ctx, msg.chaddr, ack))
            out.identity(Identity("dhcp", ctx, ctx.src, {"role": "dhcp_server"}))


SPEC = ItSpec("dhcp", DhcpSession, udp_ports=frozenset({67, 68}), probe_fn=probe)
