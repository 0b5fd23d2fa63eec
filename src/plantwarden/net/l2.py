"""Link layers: Ethernet II / 802.3 (LLC), 802.1Q and QinQ, Linux cooked v1/v2, BSD null, raw IP,
BACnet MS/TP.

Each function takes a frame's bytes and fills the L2 fields of a :class:`Packet`, returning
the offset and ethertype of the network layer (ethertype 0 when there is none).
References: IEEE 802.3 clause 3 (MAC frame), IEEE 802.1Q-2018 clause 9 (tag format),
https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html and LINKTYPE_LINUX_SLL2.html,
LINKTYPE_NULL (host-byte-order address family), ISO/IEC 8802-2 (LLC), ANSI/ASHRAE 135-2020
clause 9 (MS/TP frames, CRCs in Annex G) and clause 7 (BACnet on ISO 8802-2: LLC DSAP/SSAP
0x82, UI control 0x03), https://www.tcpdump.org/linktypes/LINKTYPE_BACNET_MS_TP.html.
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
# Not ethertypes (values below 0x0600 are 802.3 lengths, never types): the BACnet NPDU of an
# 802.3 frame with LLC SAP 0x82, or of an MS/TP data frame. Both go to the BACnet decoder.
ETH_BACNET = 0x0082
LLC_BACNET = b"\x82\x82\x03"  # DSAP, SSAP, control (UI): ASHRAE 135 clause 7
MSTP_PREAMBLE = b"\x55\xff"
MSTP_HEADER = 8  # preamble (2), frame type, destination, source, length (2), header CRC
MSTP_DATA_FRAMES = frozenset({5, 6})  # BACnet Data Expecting Reply / Not Expecting Reply (9.3)
MSTP_BROADCAST = 255

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


def llc(data: bytes, off: int, pkt: Packet) -> tuple[int, int, int]:
    """An 802.3 frame's LLC PDU (ISO/IEC 8802-2), bounded by the length field just before
    ``off`` (frames shorter than 64 octets are padded): (offset, ethertype, end). BACnet's
    (SAP 0x82, clause 7) gives ``ETH_BACNET`` and the NPDU after the 3-octet LLC header."""
    length = int.from_bytes(data[off - 2 : off], "big")
    end = min(len(data), off + length)
    if data[off : off + 3] == LLC_BACNET:
        pkt.ethertype = ETH_BACNET
        return off + 3, ETH_BACNET, end
    return off, ETH_LLC, len(data)


def _crc_header(data: bytes) -> int:
    """Annex G.1: the header CRC-8 (x^8 + x^7 + 1), preset to all ones, sent complemented."""
    crc = 0xFF
    for octet in data:
        c = crc ^ octet
        c ^= (c << 1) ^ (c << 2) ^ (c << 3) ^ (c << 4) ^ (c << 5) ^ (c << 6) ^ (c << 7)
        crc = (c & 0xFE) ^ ((c >> 8) & 1)
    return ~crc & 0xFF


def _crc_data(data: bytes) -> int:
    """Annex G.2: the data CRC-16 (CCITT, x^16 + x^12 + x^5 + 1, LSB first), preset to all
    ones, sent complemented, low octet first."""
    crc = 0xFFFF
    for octet in data:
        low = (crc & 0xFF) ^ octet
        crc = (
            (crc >> 8)
            ^ (low << 8)
            ^ (low << 3)
            ^ (low << 12)
            ^ (low >> 4)
            ^ (low & 0x0F)
            ^ ((low & 0x0F) << 7)
        )
        crc &= 0xFFFF
    return ~crc & 0xFFFF


def mstp_address(mac: int) -> str:
    """An MS/TP station as an endpoint: ``mstp:<MAC address 0-254>`` (``mstp:broadcast`` for 255).

    MS/TP has no globally unique addresses and the frame does not say which BACnet network
    it is on, so two MS/TP segments of one capture would share names; one segment per
    capture is the common case (a capture is taken on one RS-485 trunk)."""
    return "mstp:broadcast" if mac == MSTP_BROADCAST else f"mstp:{mac}"


def mstp(data: bytes, pkt: Packet) -> tuple[int, int, int]:
    """ASHRAE 135 clause 9.3: preamble 0x55 0xFF, frame type, destination, source, data length
    (2, big-endian), header CRC, then the data and its 2-octet CRC when the length is not 0.
    Data frames (5, 6) carry an NPDU: (offset, ``ETH_BACNET``, end); other frames (token,
    poll for master, test, reply postponed) carry none: ethertype -1."""
    if len(data) < MSTP_HEADER or data[:2] != MSTP_PREAMBLE:
        pkt.notes.append("mstp.truncated" if len(data) < MSTP_HEADER else "mstp.bad_preamble")
        return len(data), -1, len(data)
    ftype, dst, src = data[2], data[3], data[4]
    length = int.from_bytes(data[5:7], "big")
    pkt.link_dst, pkt.link_src = mstp_address(dst), mstp_address(src)
    if _crc_header(data[2:7]) != data[7]:
        pkt.notes.append("mstp.header_crc")
    end = MSTP_HEADER + length
    if length and len(data) < end + 2:
        pkt.notes.append("mstp.truncated")
    elif length and _crc_data(data[MSTP_HEADER:end]) != int.from_bytes(data[end : end + 2], "little"):
        pkt.notes.append("mstp.data_crc")
    if ftype not in MSTP_DATA_FRAMES or not length:
        return len(data), -1, len(data)
    pkt.ethertype = ETH_BACNET
    return MSTP_HEADER, ETH_BACNET, min(end, len(data))
