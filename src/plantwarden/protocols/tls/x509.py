"""The names and validity of an X.509 certificate (RFC 5280 4.1), from DER (X.690 8.1).

Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue };
TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer,
validity SEQUENCE { notBefore, notAfter }, subject, ... }. A Name is a SEQUENCE OF
RelativeDistinguishedName (SET OF AttributeTypeAndValue { type OID, value }).
"""

from __future__ import annotations

from dataclasses import dataclass

SHORT_NAMES = {
    "2.5.4.3": "CN",
    "2.5.4.6": "C",
    "2.5.4.7": "L",
    "2.5.4.8": "ST",
    "2.5.4.10": "O",
    "2.5.4.11": "OU",
    "2.5.4.5": "serialNumber",
    "1.2.840.113549.1.9.1": "emailAddress",
    "0.9.2342.19200300.100.1.25": "DC",
}


class DerError(ValueError):
    """The bytes are not the DER the certificate grammar expects."""


@dataclass(frozen=True, slots=True)
class CertNames:
    subject: str
    issuer: str
    not_before: str
    not_after: str


def tlv(der: bytes, at: int) -> tuple[int, int, int]:
    """(tag, start of contents, end of contents) of the element at ``at`` (X.690 8.1.2-8.1.3)."""
    if at + 2 > len(der):
        raise DerError("truncated element")
    tag, first = der[at], der[at + 1]
    at += 2
    if first & 0x80:
        n = first & 0x7F
        if n == 0 or n > 4 or at + n > len(der):
            raise DerError("bad length")
        length = int.from_bytes(der[at : at + n], "big")
        at += n
    else:
        length = first
    if at + length > len(der):
        raise DerError("element runs past the data")
    return tag, at, at + length


def children(der: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    out = []
    while start < end:
        tag, s, e = tlv(der, start)
        out.append((tag, s, e))
        start = e
    return out


def oid(raw: bytes) -> str:
    """Dotted form of an OBJECT IDENTIFIER's contents (X.690 8.19)."""
    if not raw:
        raise DerError("empty OID")
    parts = [min(raw[0] // 40, 2), raw[0] - 40 * min(raw[0] // 40, 2)]
    value = 0
    for b in raw[1:]:
        value = (value << 7) | (b & 0x7F)
        if not b & 0x80:
            parts.append(value)
            value = 0
    return ".".join(str(p) for p in parts)


def name(der: bytes, start: int, end: int) -> str:
    """RFC 4514-style ``CN=x,O=y`` in the order the RDNs are encoded."""
    out = []
    for _, s, e in children(der, start, end):
        for _, s2, e2 in children(der, s, e):
            attr = children(der, s2, e2)
            if len(attr) < 2:
                raise DerError("short attribute")
            key = oid(der[attr[0][1] : attr[0][2]])
            value = der[attr[1][1] : attr[1][2]]
            text = value.decode("utf-16-be" if attr[1][0] == 0x1E else "utf-8", "replace")
            out.append(f"{SHORT_NAMES.get(key, key)}={text}")
    return ",".join(out)


def time(der: bytes, tag: int, start: int, end: int) -> str:
    """UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime as ISO 8601 (RFC 5280 4.1.2.5)."""
    raw = der[start:end].decode("ascii", "replace").rstrip("Z")
    if tag == 0x17:
        raw = ("19" if int(raw[:2] or 0) >= 50 else "20") + raw
    return f"{raw[0:4]}-{raw[4:6]}-{raw[6:8]}T{raw[8:10]}:{raw[10:12]}:{raw[12:14]}Z"


def cert_names(der: bytes) -> CertNames:
    _, s, _end = tlv(der, 0)
    _, ts, te = tlv(der, s)  # tbsCertificate
    items = children(der, ts, te)
    if items and items[0][0] == 0xA0:  # [0] EXPLICIT version
        items = items[1:]
    if len(items) < 5:
        raise DerError("short TBSCertificate")
    issuer, validity, subject = items[2], items[3], items[4]
    times = children(der, validity[1], validity[2])
    if len(times) < 2:
        raise DerError("short validity")
    return CertNames(
        name(der, subject[1], subject[2]),
        name(der, issuer[1], issuer[2]),
        time(der, *times[0]),
        time(der, *times[1]),
    )
