"""SNMP messages in BER (X.690 8.1) (RFC 1157 4, RFC 3416 3, RFC 3412 6).

v1/v2c Message ::= SEQUENCE { version INTEGER, community OCTET STRING, data PDU };
v3 SNMPv3Message ::= SEQUENCE { msgVersion 3, msgGlobalData SEQUENCE,
msgSecurityParameters OCTET STRING, msgData (ScopedPDU SEQUENCE { contextEngineID,
contextName, data PDU } or encryptedPDU OCTET STRING) }. PDU (context tags 0xA0-0xA8):
request-id, error-status, error-index, variable-bindings SEQUENCE OF SEQUENCE { name OID,
value }; the v1 Trap-PDU (0xA4) has enterprise, agent-addr, generic-trap, specific-trap,
time-stamp before its variable-bindings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from plantwarden.protocols.tls.x509 import DerError, children, oid, tlv

MAX_VARBINDS = 64


@dataclass(slots=True)
class Message:
    version: int  # 0 v1, 1 v2c, 3 v3
    community_length: int  # -1 for v3
    pdu_type: int  # 0xA0..0xA8, -1 when encrypted (v3 privacy)
    request_id: int = 0
    error_status: int = 0
    varbinds: list[tuple[str, int, bytes]] = field(default_factory=list)  # (oid, tag, value)


def _int(raw: bytes) -> int:
    return int.from_bytes(raw, "big", signed=True) if raw else 0


def parse(pkt: bytes) -> Message:
    tag, s, e = tlv(pkt, 0)
    if tag != 0x30:
        raise DerError("not a SEQUENCE")
    items = children(pkt, s, e)
    if len(items) < 3 or items[0][0] != 0x02:
        raise DerError("short SNMP message")
    version = _int(pkt[items[0][1] : items[0][2]])
    if version == 3:
        if len(items) < 4:
            raise DerError("short SNMPv3 message")
        tag, ps, pe = items[3]
        if tag != 0x30:
            return Message(3, -1, -1)
        scoped = children(pkt, ps, pe)
        if len(scoped) < 3:
            raise DerError("short ScopedPDU")
        return _pdu(pkt, Message(3, -1, scoped[2][0]), scoped[2])
    return _pdu(pkt, Message(version, items[1][2] - items[1][1], items[2][0]), items[2])


def _pdu(pkt: bytes, msg: Message, pdu: tuple[int, int, int]) -> Message:
    parts = children(pkt, pdu[1], pdu[2])
    if msg.pdu_type == 0xA4:
        if len(parts) < 6:
            raise DerError("short Trap-PDU")
        vb = parts[5]
    else:
        if len(parts) < 4:
            raise DerError("short PDU")
        msg.request_id = _int(pkt[parts[0][1] : parts[0][2]])
        msg.error_status = _int(pkt[parts[1][1] : parts[1][2]])
        vb = parts[3]
    for _, s, e in children(pkt, vb[1], vb[2])[:MAX_VARBINDS]:
        pair = children(pkt, s, e)
        if len(pair) < 2 or pair[0][0] != 0x06:
            raise DerError("bad VarBind")
        msg.varbinds.append((oid(pkt[pair[0][1] : pair[0][2]]), pair[1][0], pkt[pair[1][1] : pair[1][2]]))
    return msg


def value_text(tag: int, raw: bytes) -> str:
    """A VarBind value as text: OCTET STRING, OBJECT IDENTIFIER, INTEGER-like, else hex."""
    if tag == 0x04:
        return raw.decode("utf-8", "replace")
    if tag == 0x06:
        return oid(raw)
    if tag in (0x02, 0x41, 0x42, 0x43, 0x46):
        return str(int.from_bytes(raw, "big", signed=tag == 0x02))
    return raw.hex()
