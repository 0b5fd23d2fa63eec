"""Link layers: Ethernet II / 802.3, 802.1Q and QinQ, Linux cooked v1/v2, BSD null, raw IP.

Each function takes a frame's bytes and fills the L2 fields of a :class:`Packet`, returning
the offset and ethertype of the network layer (ethertype 0 when there is none).
References: IEEE 802.3 clause 3 (MAC frame), IEEE 802.1Q-2018 clause 9 (tag format),
https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html and LINKTYPE_LINUX_SLL2.html,
LINKTYPE_NULL (host-byte-order address family).
"""

from __future__ import annotations

from struct import unpack_from

from plantwarden.net.addr import mac
from plantwarden.net.packet import Packet

ETH_IPV4 = 0x0800
ETH_ARP = 0x0806
ETH_VLAN = 0x8100
ETH_QINQ = 0x88A8
ETH_QINQ_OLD = 0x9100
ETH_IPV6 = 0x86DD
ETH_PROFINET = 0x8892
ETH_GOOSE = 0x88B8
ETH_LLDP = 0x88CC
ETH_LLC = 0  # 802.3 length field: an LLC/SNAP frame follows (CDP, STP)

VLAN_TPIDS = frozenset({ETH_VLAN, ETH_QINQ, ETH_QINQ_OLD})

# BSD loopback address families (DLT_NULL / DLT_LOOP): AF_INET is 2 everywhere,
# AF_INET6 is 24, 28 or 30 depending on the BSD.
_NULL_FAMILIES = {2: ETH_IPV4, 24: ETH_IPV6, 28: ETH_IPV6, 30: ETH_IPV6}


def ethernet(data: bytes, pkt: Packet) -> tuple[int, int]:
    """IEEE 802.3 MAC frame, with any number of 802.1Q / 802.1ad tags."""
    if len(data) < 14:
        pkt.notes.append("eth.truncated")
        return len(data), -1
    pkt.eth_dst = mac(data[0:6])
    pkt.eth_src = mac(data[6:12])
    (etype,) = unpack_from("!H", data, 12)
    off = 14
    vlans: list[int] = []
    while etype in VLAN_TPIDS:
        if len(data) < off + 4:
            pkt.notes.append("vlan.truncated")
            return len(data), -1
        tci, etype = unpack_from("!HH", data, off)
        vlans.append(tci & 0x0FFF)
        off += 4
    if vlans:
        pkt.vlans = tuple(vlans)
    if etype < 0x0600:  # 802.3 length: LLC follows
        etype = ETH_LLC
    pkt.ethertype = etype
    return off, etype


def linux_sll(data: bytes, pkt: Packet) -> tuple[int, int]:
    """Linux cooked capture v1: 16-byte header, protocol at offset 14."""
    if len(data) < 16:
        pkt.notes.append("sll.truncated")
        return len(data), -1
    (halen,) = unpack_from("!H", data, 4)
    if 0 < halen <= 8 and halen == 6:
        pkt.eth_src = mac(data[6:12])
    (etype,) = unpack_from("!H", data, 14)
    pkt.ethertype = etype
    return 16, etype


def linux_sll2(data: bytes, pkt: Packet) -> tuple[int, int]:
    """Linux cooked capture v2: 20-byte header, protocol at offset 0."""
    if len(data) < 20:
        pkt.notes.append("sll2.truncated")
        return len(data), -1
    (etype,) = unpack_from("!H", data, 0)
    halen = data[11]
    if halen == 6:
        pkt.eth_src = mac(data[12:18])
    pkt.ethertype = etype
    return 20, etype


def bsd_null(data: bytes, pkt: Packet, big_endian: bool = False) -> tuple[int, int]:
    """BSD loopback: a 4-byte address family in the capturing host's byte order."""
    if len(data) < 4:
        pkt.notes.append("null.truncated")
        return len(data), -1
    le = int.from_bytes(data[0:4], "little")
    be = int.from_bytes(data[0:4], "big")
    family = be if big_endian else (le if le < 256 else be)
    etype = _NULL_FAMILIES.get(family, -1)
    if etype == -1:
        pkt.notes.append("null.unknown_family")
        return 4, -1
    pkt.ethertype = etype
    return 4, etype


def raw_ip(data: bytes, pkt: Packet) -> tuple[int, int]:
    """Raw IP: the version nibble tells IPv4 from IPv6."""
    if not data:
        return 0, -1
    version = data[0] >> 4
    etype = ETH_IPV4 if version == 4 else ETH_IPV6 if version == 6 else -1
    if etype == -1:
        pkt.notes.append("raw.unknown_version")
    pkt.ethertype = etype if etype != -1 else None
    return 0, etype
