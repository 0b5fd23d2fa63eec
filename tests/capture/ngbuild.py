"""Builds pcapng files block by block (draft-ietf-opsawg-pcapng §3.1, §4), for the tests.

Only what real tools do not easily write (Simple and obsolete Packet Blocks, other time
resolutions and offsets, several sections) is built here; tests check these files against
tshark where it reads them too.
"""

from __future__ import annotations

import struct


def block(btype: int, body: bytes, e: str = "<") -> bytes:
    """One block: type, total length, body padded to 32 bits, total length again (§3.1)."""
    body += b"\0" * (-len(body) % 4)
    total = 12 + len(body)
    return struct.pack(e + "II", btype, total) + body + struct.pack(e + "I", total)


def option(code: int, value: bytes, e: str = "<") -> bytes:
    """One option, padded (§3.5)."""
    return struct.pack(e + "HH", code, len(value)) + value + b"\0" * (-len(value) % 4)


def end_of_options(e: str = "<") -> bytes:
    return struct.pack(e + "HH", 0, 0)


def shb(e: str = "<", major: int = 1) -> bytes:
    """Section Header Block (§4.1), section length unknown (-1)."""
    return block(0x0A0D0D0A, struct.pack(e + "IHHq", 0x1A2B3C4D, major, 0, -1), e)


def idb(
    linktype: int,
    snaplen: int = 0,
    e: str = "<",
    *,
    tsresol: int | None = None,
    tsoffset: int | None = None,
    fcslen: int | None = None,
) -> bytes:
    """Interface Description Block (§4.2) with the options the readers use."""
    opts = b""
    if tsresol is not None:
        opts += option(9, bytes([tsresol]), e)
    if fcslen is not None:
        opts += option(13, bytes([fcslen]), e)
    if tsoffset is not None:
        opts += option(14, struct.pack(e + "q", tsoffset), e)
    if opts:
        opts += option(2, b"eth-test", e) + end_of_options(e)
    return block(1, struct.pack(e + "HHI", linktype, 0, snaplen) + opts, e)


def epb(
    iid: int, units: int, data: bytes, orig: int | None = None, e: str = "<", incl: int | None = None
) -> bytes:
    """Enhanced Packet Block (§4.3); ``incl`` may lie about the captured length."""
    caplen = len(data) if incl is None else incl
    fixed = struct.pack(
        e + "IIIII", iid, units >> 32, units & 0xFFFFFFFF, caplen, len(data) if orig is None else orig
    )
    return block(6, fixed + data + b"\0" * (-len(data) % 4) + option(1, b"comment", e) + end_of_options(e), e)


def spb(data: bytes, orig: int | None = None, e: str = "<") -> bytes:
    """Simple Packet Block (§4.4)."""
    return block(3, struct.pack(e + "I", len(data) if orig is None else orig) + data, e)


def pb(iid: int, units: int, data: bytes, e: str = "<") -> bytes:
    """Packet Block, obsolete (Appendix A)."""
    fixed = struct.pack(e + "HHIIII", iid, 0, units >> 32, units & 0xFFFFFFFF, len(data), len(data))
    return block(2, fixed + data, e)


def nrb(e: str = "<") -> bytes:
    """Name Resolution Block (§4.5) with one IPv4 record."""
    rec = struct.pack(e + "HH", 1, 4 + 5) + bytes([10, 0, 0, 1]) + b"plc1\0"
    return block(4, rec + b"\0" * (-len(rec) % 4) + struct.pack(e + "HH", 0, 0), e)


def isb(iid: int = 0, e: str = "<") -> bytes:
    """Interface Statistics Block (§4.6) without options."""
    return block(5, struct.pack(e + "III", iid, 0, 0), e)


def custom(e: str = "<") -> bytes:
    """Custom Block (§4.8) with a private enterprise number."""
    return block(0x00000BAD, struct.pack(e + "I", 12345) + b"anything", e)
