"""DNS message layout (RFC 1035 section 4), shared by mDNS (RFC 6762) and LLMNR (RFC 4795).

Header (4.1.1): ID(2) flags(2) QDCOUNT ANCOUNT NSCOUNT ARCOUNT (2 each); flags hold
QR(1) Opcode(4) AA TC RD RA Z(3) RCODE(4). Names (4.1.4) are length-prefixed labels or
2-byte compression pointers (top bits 11). Question (4.1.2): QNAME QTYPE QCLASS.
Resource record (4.1.3): NAME TYPE CLASS TTL(4) RDLENGTH(2) RDATA.
"""

from __future__ import annotations

from dataclasses import dataclass
from struct import unpack_from

HEADER = 12
MAX_HOPS = 32  # compression pointers followed per name
MAX_RECORDS = 64  # records decoded per message


class DnsError(ValueError):
    """The bytes are not a well-formed DNS message."""


@dataclass(frozen=True, slots=True)
class Header:
    ident: int
    qr: bool
    opcode: int
    rcode: int
    qdcount: int
    ancount: int
    nscount: int
    arcount: int


@dataclass(frozen=True, slots=True)
class Record:
    name: str
    rtype: int
    rclass: int
    rdata: bytes
    rdata_offset: int  # where RDATA starts in the message (names inside may be compressed)


def header(msg: bytes) -> Header:
    if len(msg) < HEADER:
        raise DnsError(f"{len(msg)} bytes, header needs {HEADER}")
    ident, flags, qd, an, ns, ar = unpack_from("!HHHHHH", msg, 0)
    return Header(ident, bool(flags & 0x8000), (flags >> 11) & 0xF, flags & 0xF, qd, an, ns, ar)


def name(msg: bytes, offset: int) -> tuple[str, int]:
    """The name at ``offset`` and the offset just after it (RFC 1035 4.1.4)."""
    labels: list[str] = []
    end = -1
    for _ in range(MAX_HOPS):
        if offset >= len(msg):
            raise DnsError("name runs past the message")
        n = msg[offset]
        if n & 0xC0 == 0xC0:
            if offset + 2 > len(msg):
                raise DnsError("truncated compression pointer")
            if end < 0:
                end = offset + 2
            offset = ((n & 0x3F) << 8) | msg[offset + 1]
            continue
        if n & 0xC0:
            raise DnsError(f"label type {n >> 6}")
        if n == 0:
            return ".".join(labels), (offset + 1 if end < 0 else end)
        if offset + 1 + n > len(msg):
            raise DnsError("label runs past the message")
        labels.append(msg[offset + 1 : offset + 1 + n].decode("utf-8", "replace"))
        offset += 1 + n
    raise DnsError("compression loop")


def question(msg: bytes, offset: int) -> tuple[str, int, int, int]:
    """QNAME, QTYPE, QCLASS and the offset after the question (RFC 1035 4.1.2)."""
    qname, offset = name(msg, offset)
    if offset + 4 > len(msg):
        raise DnsError("truncated question")
    qtype, qclass = unpack_from("!HH", msg, offset)
    return qname, qtype, qclass, offset + 4


def record(msg: bytes, offset: int) -> tuple[Record, int]:
    """One resource record and the offset after it (RFC 1035 4.1.3)."""
    rname, offset = name(msg, offset)
    if offset + 10 > len(msg):
        raise DnsError("truncated resource record")
    rtype, rclass, _ttl, rdlen = unpack_from("!HHIH", msg, offset)
    start = offset + 10
    if start + rdlen > len(msg):
        raise DnsError("RDATA runs past the message")
    return Record(rname, rtype, rclass, msg[start : start + rdlen], start), start + rdlen


def sections(msg: bytes, hdr: Header) -> tuple[list[tuple[str, int]], list[Record]]:
    """Questions (name, type) and all answer/authority/additional records, bounded."""
    offset = HEADER
    questions: list[tuple[str, int]] = []
    for _ in range(min(hdr.qdcount, MAX_RECORDS)):
        qname, qtype, _qclass, offset = question(msg, offset)
        questions.append((qname, qtype))
    records: list[Record] = []
    for _ in range(min(hdr.ancount + hdr.nscount + hdr.arcount, MAX_RECORDS)):
        rec, offset = record(msg, offset)
        records.append(rec)
    return questions, records


def srv_target(msg: bytes, rec: Record) -> str:
    """Target of an SRV record (RFC 2782): priority, weight, port, target."""
    if len(rec.rdata) < 7:
        raise DnsError("short SRV record")
    return name(msg, rec.rdata_offset + 6)[0]


def character_strings(rdata: bytes) -> list[str]:
    """<character-string>s of HINFO/TXT RDATA (RFC 1035 3.3)."""
    out: list[str] = []
    i = 0
    while i < len(rdata):
        n = rdata[i]
        out.append(rdata[i + 1 : i + 1 + n].decode("utf-8", "replace"))
        i += 1 + n
    return out
