"""CDP frames (LLC DSAP/SSAP 0xAA, SNAP OUI 00:00:0c, PID 0x2000).

Header: version (1), TTL (1), checksum (2), then TLVs of type (2), length (2, including
the 4-byte TLV header), value. Types used: 0x0001 Device ID, 0x0002 Addresses,
0x0003 Port ID, 0x0004 Capabilities, 0x0005 Software version, 0x0006 Platform,
0x000a native VLAN, 0x0016 management addresses.
"""

from __future__ import annotations

from struct import unpack_from

from plantwarden.net.addr import ipv4
from plantwarden.protocols.base import Anomaly, Emitter, Identity, OpClass, Operation, PduContext
from plantwarden.protocols.l2base import L2Spec

SNAP_CDP = bytes.fromhex("aaaa0300000c2000")
TEXT_TLVS = {1: "name", 3: "port_id", 5: "software", 6: "platform"}
CAPABILITY_BITS = (
    "router",
    "transparent_bridge",
    "source_route_bridge",
    "switch",
    "host",
    "igmp",
    "repeater",
    "phone",
    "remote",
    "cvta",
    "mac_relay",
)


def _addresses(value: bytes) -> str:
    """Addresses TLV: count (4), then entries of protocol type (1), length (1), protocol,
    address length (2), address; IPv4 is NLPID 0xcc."""
    if len(value) < 4:
        return ""
    off = 4
    while off + 2 <= len(value):
        plen = value[off + 1]
        proto = value[off + 2 : off + 2 + plen]
        off += 2 + plen
        if off + 2 > len(value):
            break
        (alen,) = unpack_from("!H", value, off)
        addr = value[off + 2 : off + 2 + alen]
        off += 2 + alen
        if proto == b"\xcc" and len(addr) == 4:
            return ipv4(addr)
    return ""


def decode(pdu: bytes, ctx: PduContext, out: Emitter) -> None:
    if not pdu.startswith(SNAP_CDP):
        return  # another LLC protocol (STP, ...): not ours
    body = pdu[len(SNAP_CDP) :]
    if len(body) < 4:
        out.anomaly(Anomaly("cdp.invalid_length", ctx, f"{len(body)} bytes"))
        return
    version = body[0]
    fields: dict[str, str] = {}
    off = 4
    while off + 4 <= len(body):
        t, n = unpack_from("!HH", body, off)
        if n < 4 or off + n > len(body):
            out.anomaly(Anomaly("cdp.invalid_length", ctx, f"TLV {t:#06x} length {n}"))
            break
        value = body[off + 4 : off + n]
        if t in TEXT_TLVS:
            fields[TEXT_TLVS[t]] = value.decode("utf-8", "replace").strip()
        elif t in (0x0002, 0x0016):
            addr = _addresses(value)
            if addr:
                fields.setdefault("management_address", addr)
        elif t == 0x0004 and len(value) == 4:
            (bits,) = unpack_from("!I", value, 0)
            fields["capabilities"] = ",".join(c for i, c in enumerate(CAPABILITY_BITS) if bits & (1 << i))
        elif t == 0x000A and len(value) == 2:
            fields["native_vlan"] = str(unpack_from("!H", value, 0)[0])
        off += n
    out.operation(
        Operation(
            "cdp", str(version), f"CDP version {version}", OpClass.DIAGNOSTICS, ctx, details=dict(fields)
        )
    )
    if fields:
        out.identity(Identity("cdp", ctx, ctx.src, fields))


SPEC = L2Spec("cdp", frozenset({0}), decode)  # ethertype 0: 802.3 frames carrying LLC
