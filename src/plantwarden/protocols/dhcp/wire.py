"""DHCP message layout (RFC 2131 section 2, figure 1) and options (RFC 2132).

op(1) htype(1) hlen(1) hops(1) xid(4) secs(2) flags(2) ciaddr(4) yiaddr(4) siaddr(4)
giaddr(4) chaddr(16) sname(64) file(128), then the magic cookie 99.130.83.99 and the
options: code(1) len(1) value, with Pad (0) and End (255) one byte each (RFC 2132 3.1-3.2).
"""

from __future__ import annotations

from dataclasses import dataclass
from struct import unpack_from

FIXED = 236
COOKIE = b"\x63\x82\x53\x63"


class DhcpError(ValueError):
    """The bytes are not a well-formed BOOTP/DHCP message."""


@dataclass(frozen=True, slots=True)
class Message:
    op: int
    xid: int
    ciaddr: str
    yiaddr: str
    chaddr: str
    options: dict[int, bytes]


def _ip(b: bytes) -> str:
    return f"{b[0]}.{b[1]}.{b[2]}.{b[3]}"


def parse(pkt: bytes) -> Message:
    if len(pkt) < FIXED:
        raise DhcpError(f"{len(pkt)} bytes, the fixed part needs {FIXED}")
    op, htype, hlen, _hops, xid = unpack_from("!BBBBI", pkt, 0)
    chaddr = pkt[28 : 28 + min(hlen, 16)].hex(":") if htype == 1 and hlen == 6 else pkt[28:44].hex()
    options = parse_options(pkt[FIXED + 4 :]) if pkt[FIXED : FIXED + 4] == COOKIE else {}
    return Message(op, xid, _ip(pkt[12:16]), _ip(pkt[16:20]), chaddr, options)


def parse_options(raw: bytes) -> dict[int, bytes]:
    """Options by code; a repeated code is concatenated (RFC 3396)."""
    out: dict[int, bytes] = {}
    i = 0
    while i < len(raw):
        code = raw[i]
        if code == 255:
            break
        if code == 0:
            i += 1
            continue
        if i + 2 > len(raw) or i + 2 + raw[i + 1] > len(raw):
            raise DhcpError(f"option {code} runs past the message")
        n = raw[i + 1]
        out[code] = out.get(code, b"") + raw[i + 2 : i + 2 + n]
        i += 2 + n
    return out


def client_fqdn(value: bytes) -> str:
    """Client FQDN option 81 (RFC 4702 2): flags, RCODE1, RCODE2, domain name."""
    name = value[3:]
    if len(value) > 0 and value[0] & 0x04:  # E bit: canonical wire format
        labels = []
        i = 0
        while i < len(name) and name[i]:
            labels.append(name[i + 1 : i + 1 + name[i]].decode("utf-8", "replace"))
            i += 1 + name[i]
        return ".".join(labels)
    return name.decode("utf-8", "replace")
