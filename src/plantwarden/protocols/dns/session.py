"""DNS, mDNS and LLMNR sessions: one operation per message, names of hosts as identity.

The proto name follows the port (53 dns, 5353 mdns, 5355 llmnr). Codes: ``query:<QTYPE>``
and ``response:<QTYPE>`` of the first question (the first record's type when a message
has no question, ``-`` when it has neither); other opcodes give ``<opcode>`` (e.g.
``update``). A and AAAA answers bind a name to an address: ``hostname`` for mDNS/LLMNR
(the host announces itself), ``dns_name`` for unicast DNS. Answers to a domain
controller locator query (``_ldap._tcp.dc._msdcs.<domain>``, MS-ADTS 6.3.2.3) mark the
targets' addresses with ``role=domain_controller`` and ``domain``.
"""

from __future__ import annotations

from plantwarden.net.addr import ipv4, ipv6
from plantwarden.protocols.base import Anomaly, Emitter, Identity, OpClass, PduContext
from plantwarden.protocols.dns import codes, wire
from plantwarden.protocols.itkit import ItSpec, emit_op

DC_LOCATOR = ("_ldap._tcp.dc._msdcs.", "_kerberos._tcp.dc._msdcs.")
MAX_NAMES = 256  # identities remembered per flow (dedup)


def proto_of(ctx: PduContext) -> str:
    return codes.PROTO_BY_PORT.get(ctx.dport) or codes.PROTO_BY_PORT.get(ctx.sport) or "dns"


def tcp_length(buf: bytes) -> int:
    """DNS over TCP: a 2-byte length before each message (RFC 1035 4.2.2)."""
    if len(buf) < 2:
        return 0
    return 2 + int.from_bytes(buf[:2], "big")


def probe(payload: bytes, transport: str) -> bool:
    """A known opcode, a sane question count and a first question that parses."""
    msg = payload[2:] if transport == "tcp" else payload
    try:
        hdr = wire.header(msg)
        if hdr.opcode not in codes.OPCODES or hdr.qdcount > 32 or hdr.qdcount + hdr.ancount == 0:
            return False
        if hdr.qdcount:
            wire.question(msg, wire.HEADER)
        else:
            wire.record(msg, wire.HEADER)
    except wire.DnsError:
        return False
    return True


def ip_of(rdata: bytes) -> str | None:
    if len(rdata) == 4:
        return ipv4(rdata)
    if len(rdata) == 16:
        return ipv6(rdata)
    return None


class DnsSession:
    def __init__(self) -> None:
        self.seen: set[tuple[str, str]] = set()

    def on_pdu(self, pdu: bytes, ctx: PduContext, out: Emitter) -> None:
        proto = proto_of(ctx)
        msg = pdu[2:] if ctx.transport == "tcp" else pdu
        try:
            hdr = wire.header(msg)
            questions, records = wire.sections(msg, hdr)
        except wire.DnsError as exc:
            out.anomaly(Anomaly(f"{proto}.malformed", ctx, str(exc)))
            return
        self._operation(proto, hdr, questions, records, ctx, out)
        if hdr.qr or proto == "mdns":
            self._names(proto, msg, questions, records, ctx, out)

    def _operation(
        self,
        proto: str,
        hdr: wire.Header,
        questions: list[tuple[str, int]],
        records: list[wire.Record],
        ctx: PduContext,
        out: Emitter,
    ) -> None:
        qname, qtype = (
            questions[0] if questions else ((records[0].name, records[0].rtype) if records else ("", -1))
        )
        kind = "response" if hdr.qr else "query"
        tname = codes.type_name(qtype) if qtype >= 0 else "-"
        code = f"{kind}:{tname}" if hdr.opcode == 0 else codes.opcode_name(hdr.opcode)
        details: dict[str, object] = {"id": hdr.ident, "name": qname, "records": len(records)}
        if hdr.qr:
            details["rcode"] = codes.rcode_name(hdr.rcode)
        emit_op(out, ctx, proto, code, f"{kind} {tname}", OpClass.OTHER, not hdr.qr, details)

    def _names(
        self,
        proto: str,
        msg: bytes,
        questions: list[tuple[str, int]],
        records: list[wire.Record],
        ctx: PduContext,
        out: Emitter,
    ) -> None:
        dcs: dict[str, str] = {}
        for qname, _ in questions:
            for prefix in DC_LOCATOR:
                if qname.lower().startswith(prefix):
                    for rec in records:
                        if rec.rtype == 33:
                            try:
                                dcs[wire.srv_target(msg, rec).lower()] = qname[len(prefix) :]
                            except wire.DnsError:
                                out.anomaly(Anomaly(f"{proto}.malformed", ctx, "bad SRV record"))
        key = "dns_name" if proto == "dns" else "hostname"
        for rec in records:
            addr = ip_of(rec.rdata) if rec.rtype in (1, 28) else None
            if addr is None or (addr, rec.name) in self.seen or len(self.seen) >= MAX_NAMES:
                continue
            self.seen.add((addr, rec.name))
            fields = {key: rec.name}
            domain = dcs.get(rec.name.lower())
            if domain is not None:
                fields.update(role="domain_controller", domain=domain)
            out.identity(Identity(proto, ctx, addr, fields))


SPEC = ItSpec(
    "dns",
    DnsSession,
    tcp_ports=frozenset({53}),
    udp_ports=frozenset({53, 5353, 5355}),
    probe_fn=probe,
    framer=tcp_length,
)
