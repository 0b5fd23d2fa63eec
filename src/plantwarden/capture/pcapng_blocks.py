"""pcapng block layouts and the parsing of the blocks that describe, not carry, packets.

All from draft-ietf-opsawg-pcapng (the PCAP Next Generation capture file format):

    §3.1 General Block Structure   block type u32, block total length u32, body,
                                   block total length u32 again; lengths are multiples of 4
    §3.5 Options                   option code u16, option length u16, value padded to 4;
                                   opt_endofopt (0) ends the list
    §4.1 Section Header Block      type 0x0A0D0D0A, length, byte-order magic 0x1A2B3C4D,
                                   major u16, minor u16, section length i64, options
    §4.2 Interface Description     type 1: link type u16, reserved u16, snaplen u32, options
                                   (if_tsresol = 9, if_fcslen = 13, if_tsoffset = 14)
    §4.3 Enhanced Packet Block     type 6: interface id u32, timestamp high u32, low u32,
                                   captured length u32, original length u32, data, options
    §4.4 Simple Packet Block       type 3: original length u32, data (snaplen of interface 0)
    Appendix A Packet Block        type 2 (obsolete): interface id u16, drops u16, timestamp
                                   high, low, captured length, original length, data, options

The byte order of a section is the one in which its byte-order magic reads 0x1A2B3C4D.
"""

from __future__ import annotations

import struct
from typing import NamedTuple

BT_SHB = 0x0A0D0D0A
BT_IDB = 0x00000001
BT_PB = 0x00000002
BT_SPB = 0x00000003
BT_NRB = 0x00000004
BT_ISB = 0x00000005
BT_EPB = 0x00000006
BT_SJE = 0x00000009  # systemd journal export
BT_DSB = 0x0000000A  # decryption secrets
BT_CB = 0x00000BAD  # custom block, may be copied
BT_CB_NOCOPY = 0x40000BAD
# Blocks that carry no packets and that a reader may pass over without a word.
KNOWN_OTHER_BLOCKS = frozenset({BT_NRB, BT_ISB, BT_DSB})
# Blocks that carry no packets but that Wireshark shows (and numbers) as records.
RECORD_BLOCKS = frozenset({BT_SJE, BT_CB, BT_CB_NOCOPY})
PACKET_BLOCKS = frozenset({BT_EPB, BT_SPB, BT_PB})

SHB_MAGIC = b"\x0a\x0d\x0d\x0a"
BYTE_ORDER_MAGIC = 0x1A2B3C4D
SHB_MIN_LEN = 28
IDB_MIN_LEN = 20
EPB_MIN_LEN = 32  # header 8 + fixed 20 + trailer 4
SPB_MIN_LEN = 16
MAX_BLOCK_LEN = 16 << 20  # no sane block is larger; a larger length means damage

OPT_ENDOFOPT = 0
OPT_IF_TSRESOL = 9
OPT_IF_FCSLEN = 13
OPT_IF_TSOFFSET = 14
NS_PER_S = 1_000_000_000


class Interface(NamedTuple):
    """One interface of a section: what its packets need (§4.2)."""

    linktype: int
    snaplen: int  # 0 = no limit
    ts_mul: int  # timestamp units * ts_mul // ts_div = nanoseconds
    ts_div: int
    ts_offset_ns: int  # if_tsoffset, in nanoseconds
    fcs_len: int  # if_fcslen: bytes of FCS at the end of each packet


def section_endian(buf: bytes, pos: int) -> str | None:
    """The struct byte order of the Section Header Block at ``pos`` (12 bytes held), or None."""
    for endian in ("<", ">"):
        if struct.unpack_from(endian + "I", buf, pos + 8)[0] == BYTE_ORDER_MAGIC:
            return endian
    return None


def section_version(buf: bytes, pos: int, endian: str) -> tuple[int, int]:
    """(major, minor) of the Section Header Block at ``pos`` (§4.1)."""
    major, minor = struct.unpack_from(endian + "HH", buf, pos + 12)
    return major, minor


def options(buf: bytes, start: int, end: int, endian: str) -> dict[int, bytes]:
    """The options between ``start`` and ``end`` (§3.5), first value of each code kept."""
    found: dict[int, bytes] = {}
    head = struct.Struct(endian + "HH")
    while start + 4 <= end:
        code, length = head.unpack_from(buf, start)
        if code == OPT_ENDOFOPT or start + 4 + length > end:
            break
        found.setdefault(code, buf[start + 4 : start + 4 + length])
        start += 4 + (length + 3) // 4 * 4
    return found


def ts_scale(tsresol: int) -> tuple[int, int]:
    """(multiplier, divisor) from units of if_tsresol to nanoseconds (§4.2, if_tsresol).

    The high bit clear means 10^-v seconds, set means 2^-v seconds (v = the low 7 bits).
    """
    value = tsresol & 0x7F
    if tsresol & 0x80:
        return NS_PER_S, 1 << value
    if value <= 9:
        return 10 ** (9 - value), 1
    return 1, 10 ** (value - 9)


def parse_idb(buf: bytes, pos: int, blen: int, endian: str) -> Interface:
    """The Interface Description Block at ``pos`` of total length ``blen`` (>= 20)."""
    linktype, _, snaplen = struct.unpack_from(endian + "HHI", buf, pos + 8)
    opts = options(buf, pos + 16, pos + blen - 4, endian)
    mul, div = ts_scale(opts[OPT_IF_TSRESOL][0]) if opts.get(OPT_IF_TSRESOL) else (1000, 1)
    offset = opts.get(OPT_IF_TSOFFSET, b"")
    offset_ns = struct.unpack(endian + "q", offset)[0] * NS_PER_S if len(offset) == 8 else 0
    fcs = opts.get(OPT_IF_FCSLEN, b"")
    return Interface(linktype, snaplen, mul, div, offset_ns, fcs[0] if len(fcs) == 1 else 0)


def block_name(btype: int) -> str:
    """A short name of a block type, for report details."""
    names = {BT_SHB: "section header", BT_IDB: "interface description", BT_EPB: "enhanced packet",
             BT_SPB: "simple packet", BT_PB: "packet", BT_NRB: "name resolution",
             BT_ISB: "interface statistics", BT_DSB: "decryption secrets", BT_SJE: "systemd journal export",
             BT_CB: "custom", BT_CB_NOCOPY: "custom (do not copy)"}
    return names.get(btype, f"type 0x{btype:08x}")
