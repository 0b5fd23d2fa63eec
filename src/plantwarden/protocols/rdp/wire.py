"""RDP connection negotiation (MS-RDPBCGR 2.2.1.1-2.2.1.2) over X.224 in TPKT.

TPKT (RFC 1006 6): version 3, reserved, length(2). X.224 Connection Request / Confirm
TPDU (ITU-T X.224 13.3-13.4): LI(1) code (0xE0 CR, 0xD0 CC) DST-REF(2) SRC-REF(2)
class(1). A Connection Request may carry ``Cookie: mstshash=IDENTIFIER\\r\\n`` (2.2.1.1)
or a routing token, then RDP_NEG_REQ (2.2.1.1.1): type(1)=1 flags(1) length(2)=8
requestedProtocols(4). The confirm carries RDP_NEG_RSP (type 2, selectedProtocol) or
RDP_NEG_FAILURE (type 3, failureCode) (2.2.1.2.1-2.2.1.2.2).
"""

from __future__ import annotations

from dataclasses import dataclass
from struct import unpack_from

PROTOCOLS = {0: "rdp", 1: "ssl", 2: "hybrid", 4: "rdstls", 8: "hybrid_ex", 16: "rdsaad"}


@dataclass(frozen=True, slots=True)
class Negotiation:
    code: int  # X.224 TPDU code: 0xE0 CR, 0xD0 CC
    cookie: str
    neg_type: int  # 0 none, 1 request, 2 response, 3 failure
    value: int  # requestedProtocols / selectedProtocol / failureCode


def tpkt_length(buf: bytes) -> int:
    """Framer: one TPKT packet; other bytes (fast-path, TLS) are taken whole."""
    if len(buf) < 4:
        return 0
    if buf[0] != 3 or buf[1] != 0:
        return len(buf)
    return max(4, buf[2] << 8 | buf[3])


def protocols(mask: int) -> str:
    if mask == 0:
        return "rdp"
    return ",".join(name for bit, name in PROTOCOLS.items() if bit and mask & bit)


def negotiation(pdu: bytes) -> Negotiation | None:
    if len(pdu) < 11 or pdu[0] != 3:
        return None
    code = pdu[5] & 0xF0
    if code not in (0xE0, 0xD0):
        return None
    end = min(len(pdu), 5 + pdu[4])
    var = pdu[11:end]
    cookie = ""
    if var.startswith(b"Cookie: mstshash="):
        stop = var.find(b"\r\n")
        cookie = var[17 : stop if stop >= 0 else len(var)].decode("latin-1")
        var = var[stop + 2 :] if stop >= 0 else b""
    elif var.startswith(b"Cookie: "):
        stop = var.find(b"\r\n")
        var = var[stop + 2 :] if stop >= 0 else b""
    if len(var) >= 8 and var[0] in (1, 2, 3):
        return Negotiation(code, cookie, var[0], unpack_from("<I", var, 4)[0])
    return Negotiation(code, cookie, 0, 0)
