"""NetBIOS name service (UDP 137) and datagram service / browser (UDP 138).

Name service codes: ``query:NB``, ``response:NB``, ``registration:NB``, ``release:NB``,
``refresh:NB``, ``wack:NB`` (opcode, then the RR type of the first question or record).
Registrations and positive answers bind a NetBIOS name to an address (suffix <00>
unique: ``hostname``; <00> group: ``domain``; <1C>: the address is a domain controller).
NBSTAT answers give the node's names and MAC (``mac``).
Datagram service (proto ``nbdgm``): ``<msg type>`` or, for browser mailslot datagrams,
``browser:<opcode>``; host and master announcements give ``hostname``, ``os_version``
(Windows NT major.minor, e.g. 5.1 = XP), ``roles`` (server type bits) and ``comment``.
"""

from __future__ import annotations

from plantwarden.protocols.base import Anomaly, Emitter, Identity, OpClass, PduContext
from plantwarden.protocols.dns import wire as dns
from plantwarden.protocols.dns.wire import DnsError
from plantwarden.protocols.itkit import ItSpec, emit_op
from plantwarden.protocols.nbns import codes, wire
from plantwarden.protocols.nbns.codes import name_of


def probe(payload: bytes, transport: str) -> bool:
    """A name-service header whose first name is a 32-byte encoded label (RFC 1002 4.2.1),
    or a datagram-service header with a known MSG_TYPE and its length (4.4.1)."""
    if len(payload) >= 14 and payload[0] in codes.DGM_TYPES and payload[1] & 0xF0 == 0:
        return len(payload) < 82 or payload[14] == 0x20
    return len(payload) >= 50 and payload[12] == 0x20 and payload[2] & 0x78 in (0, 0x28, 0x30, 0x38, 0x40)


def names_identity(rec: dns.Record, nb: wire.NbName) -> tuple[str, dict[str, str]] | None:
    """Address and fields that one NB record (RFC 1002 4.2.2) tells about its owner."""
    if rec.rtype != 0x20 or len(rec.rdata) < 6:
        return None
    group = bool(rec.rdata[0] & 0x80)
    addr = ".".join(str(b) for b in rec.rdata[2:6])
    if nb.suffix == 0x1C:
        return addr, {"domain": nb.name, "role": "domain_controller"}
    if nb.suffix in (0x00, 0x20):
        return addr, {"domain": nb.name} if group else {"hostname": nb.name}
    return None


def _shown(qname: str) -> str:
    """The question's NetBIOS name decoded when it is one, else as it stands."""
    if len(qname) < 32 or not qname[:32].isupper():
        return qname
    try:
        return wire.decode_name(qname).name
    except DnsError:
        return qname


class NbnsSession:
    def on_pdu(self, pdu: bytes, ctx: PduContext, out: Emitter) -> None:
        if 138 in (ctx.dport, ctx.sport) and 137 not in (ctx.dport, ctx.sport):
            self._datagram(pdu, ctx, out)
            return
        try:
            hdr = dns.header(pdu)
            questions, records = dns.sections(pdu, hdr)
            nbnames = [wire.decode_name(r.name.split(".", 1)[0]) for r in records]
        except DnsError as exc:
            out.anomaly(Anomaly("nbns.malformed", ctx, str(exc)))
            return
        rtype = questions[0][1] if questions else records[0].rtype if records else -1
        kind = "response" if hdr.qr and hdr.opcode == 0 else name_of(codes.OPCODES, hdr.opcode)
        tname = name_of(codes.RR_TYPES, rtype) if rtype >= 0 else "-"
        qname = questions[0][0] if questions else records[0].name if records else ""
        shown = _shown(qname)
        details: dict[str, object] = {"id": hdr.ident, "name": shown, "rcode": hdr.rcode}
        emit_op(out, ctx, "nbns", f"{kind}:{tname}", f"{kind} {tname}", OpClass.OTHER, not hdr.qr, details)
        if hdr.rcode == 0 and (hdr.qr or hdr.opcode in (5, 8)):
            self._names(records, nbnames, ctx, out)

    def _names(
        self, records: list[dns.Record], nbnames: list[wire.NbName], ctx: PduContext, out: Emitter
    ) -> None:
        for rec, nb in zip(records, nbnames, strict=True):
            if rec.rtype == 0x21:
                self._nbstat(rec, ctx, out)
                continue
            found = names_identity(rec, nb)
            if found is not None:
                out.identity(Identity("nbns", ctx, found[0], found[1]))

    def _nbstat(self, rec: dns.Record, ctx: PduContext, out: Emitter) -> None:
        try:
            names, unit = wire.nbstat_names(rec.rdata)
        except DnsError as exc:
            out.anomaly(Anomaly("nbns.malformed", ctx, str(exc)))
            return
        fields = {"mac": unit}
        for nb, flags in names:
            if nb.suffix == 0x00:
                fields["domain" if flags & 0x8000 else "hostname"] = nb.name
        out.identity(Identity("nbns", ctx, ctx.src, fields))

    def _datagram(self, pdu: bytes, ctx: PduContext, out: Emitter) -> None:
        try:
            msg_type, smb = wire.datagram_user_data(pdu)
            slot, data = wire.mailslot_data(smb) if smb else ("", b"")
        except DnsError as exc:
            out.anomaly(Anomaly("nbdgm.malformed", ctx, str(exc)))
            return
        if not slot.upper().startswith("\\MAILSLOT\\BROWSE") and not slot.upper().startswith(
            "\\MAILSLOT\\LANMAN"
        ):
            name = name_of(codes.DGM_TYPES, msg_type)
            emit_op(out, ctx, "nbdgm", name, name, OpClass.OTHER, None, {"mailslot": slot})
            return
        opcode = data[0] if data else -1
        name = name_of(codes.BROWSER, opcode)
        emit_op(out, ctx, "nbdgm", f"browser:{opcode}", name, OpClass.DIAGNOSTICS, None, {"mailslot": slot})
        ann = wire.announcement(data)
        if ann is not None:
            out.identity(Identity("nbdgm", ctx, ctx.src, announcement_fields(ann)))


def announcement_fields(ann: wire.Announcement) -> dict[str, str]:
    if ann.opcode == 0x0C:  # Domain/Workgroup Announcement: the name is the domain's
        return {"domain": ann.server_name, "master_browser": ann.comment}
    fields = {"hostname": ann.server_name, "os_version": f"{ann.os_major}.{ann.os_minor}"}
    roles = codes.roles(ann.server_type)
    if roles:
        fields["roles"] = roles
    if ann.comment:
        fields["comment"] = ann.comment
    return fields


SPEC = ItSpec("nbns", NbnsSession, udp_ports=frozenset({137, 138}), probe_fn=probe)
