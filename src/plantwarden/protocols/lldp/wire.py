"""LLDPDU layout, IEEE 802.1AB-2016 clause 8.

A sequence of TLVs: 7-bit type and 9-bit length (8.4), ended by the End TLV (type 0).
"""

from __future__ import annotations

from collections.abc import Iterator
from struct import unpack_from

from plantwarden.net.addr import ipv4, ipv6, mac

# 8.5 basic TLVs
END = 0
CHASSIS_ID = 1
PORT_ID = 2
TTL = 3
PORT_DESCRIPTION = 4
SYSTEM_NAME = 5
SYSTEM_DESCRIPTION = 6
SYSTEM_CAPABILITIES = 7
MANAGEMENT_ADDRESS = 8

# 8.5.8.1 system capabilities bits
CAPABILITIES = (
    "other",
    "repeater",
    "bridge",
    "wlan_ap",
    "router",
    "telephone",
    "docsis",
    "station",
    "c_vlan",
    "s_vlan",
    "tpmr",
)


class TruncatedTlv(ValueError):
    pass


def tlvs(pdu: bytes) -> Iterator[tuple[int, bytes]]:
    off = 0
    while off + 2 <= len(pdu):
        (head,) = unpack_from("!H", pdu, off)
        t, n = head >> 9, head & 0x1FF
        if off + 2 + n > len(pdu):
            raise TruncatedTlv(f"TLV type {t} claims {n} bytes, {len(pdu) - off - 2} left")
        yield t, pdu[off + 2 : off + 2 + n]
        if t == END:
            return
        off += 2 + n


def subtyped_id(value: bytes) -> str:
    """Chassis ID (8.5.2) and port ID (8.5.3): subtype 4/3 MAC address, 5/4 network address."""
    if not value:
        return ""
    sub, body = value[0], value[1:]
    if len(body) == 6 and sub in (3, 4):
        return mac(body)
    if sub in (4, 5) and body and body[0] == 1 and len(body) == 5:
        return ipv4(body[1:])
    return body.decode("utf-8", "replace")


def management_address(value: bytes) -> str:
    """8.5.9: address string length, subtype (IANA family: 1 IPv4, 2 IPv6), address."""
    if len(value) < 2:
        return ""
    n, family = value[0], value[1]
    addr = value[2 : 1 + n]
    if family == 1 and len(addr) == 4:
        return ipv4(addr)
    if family == 2 and len(addr) == 16:
        return ipv6(addr)
    return addr.hex()


def capabilities(value: bytes) -> list[str]:
    if len(value) < 4:
        return []
    (enabled,) = unpack_from("!H", value, 2)
    return [name for bit, name in enumerate(CAPABILITIES) if enabled & (1 << bit)]
