"""Classic pcap files (draft-ietf-opsawg-pcap, the format libpcap writes).

Layouts (draft-ietf-opsawg-pcap §4 "File Header", §5 "Packet Record"), in the byte order
the magic number shows:

    File Header (24 bytes)      magic u32, major u16, minor u16, reserved1 u32, reserved2 u32,
                                snaplen u32, linktype-and-FCS u32
    Packet Record header (16)   ts_sec u32, ts_frac u32 (µs, or ns with the ns magic),
                                captured length u32, original length u32, then the data

The magic is ``a1b2c3d4`` (microseconds) or ``a1b23c4d`` (nanoseconds), read as written
(big-endian writer) or byte-swapped (little-endian writer). The last header word holds the
link type in its low 16 bits; if bit 26 (``0x04000000``, the "F" bit) is set, bits 28-31
give the number of 16-bit words of FCS at the end of every packet.

The record walk is the hot path: the file is read in large chunks, records are cut with
``struct.unpack_from`` and ``bytes`` slices, the partial record at a chunk's end is carried
over to the next, and nothing per packet touches the file.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass

from plantwarden.capture.records import SUPPORTED_LINKTYPES, RawFrame, SkipReport
from plantwarden.capture.stream import ByteStream

MAGIC_USEC = 0xA1B2C3D4
MAGIC_NSEC = 0xA1B23C4D
MAGIC_KUZNETZOV = 0xA1B2CD34  # "modified" pcap with a longer record header: not read
FILE_HEADER_LEN = 24
RECORD_HEADER_LEN = 16
MAX_CAPLEN = 262144  # the largest packet libpcap and Wireshark accept for these link types
FCS_PRESENT = 0x04000000
NS_PER_S = 1_000_000_000


@dataclass(frozen=True, slots=True)
class PcapHeader:
    """The file header, decoded (draft-ietf-opsawg-pcap §4)."""

    endian: str  # struct prefix: "<" or ">"
    nanos: bool  # timestamps in nanoseconds (else microseconds)
    version: tuple[int, int]
    snaplen: int
    linktype: int
    fcs_len: int  # bytes of FCS at the end of each packet; 0 = none or not stated


def pcap_magic(head: bytes) -> tuple[str, bool] | None:
    """(byte order, nanoseconds) if ``head`` starts with a pcap magic number, else None."""
    if len(head) < 4:
        return None
    for endian in ("<", ">"):
        (magic,) = struct.unpack_from(endian + "I", head)
        if magic in (MAGIC_USEC, MAGIC_NSEC):
            return endian, magic == MAGIC_NSEC
    return None


def is_kuznetzov(head: bytes) -> bool:
    """True for the "modified" pcap variant, whose records this reader cannot walk."""
    return len(head) >= 4 and MAGIC_KUZNETZOV in struct.unpack("<I", head[:4]) + struct.unpack(">I", head[:4])


def parse_header(head: bytes) -> PcapHeader:
    """Decode a 24-byte file header whose magic :func:`pcap_magic` accepted."""
    found = pcap_magic(head)
    assert found is not None
    endian, nanos = found
    _, major, minor, _, _, snaplen, lt_field = struct.unpack_from(endian + "IHHIIII", head)
    fcs_words = lt_field >> 28 if lt_field & FCS_PRESENT else 0
    return PcapHeader(endian, nanos, (major, minor), snaplen, lt_field & 0xFFFF, 2 * fcs_words)


class PcapReader:
    """Walks the packet records of one pcap stream; damage is counted, never raised."""

    def __init__(self, stream: ByteStream, skipped: SkipReport) -> None:
        self.stream = stream
        self.skipped = skipped
        self.frames_seen = 0  # records walked, skipped ones included (the last frame number)
        self.header: PcapHeader | None = None

    def frames(self) -> Iterator[RawFrame]:
        """Every usable packet record in file order (the walk itself, no extra generator layer)."""
        head = self.stream.peek(FILE_HEADER_LEN)
        if len(head) < FILE_HEADER_LEN:
            self.skipped.add("truncated_file_header", 0, f"file header has {len(head)} of 24 bytes")
            return iter(())
        self.header = hdr = parse_header(head)
        return self._walk(hdr, self.stream.read(), FILE_HEADER_LEN)

    def _walk(self, hdr: PcapHeader, buf: bytes, pos: int) -> Iterator[RawFrame]:
        unpack = struct.Struct(hdr.endian + "IIII").unpack_from
        read = self.stream.read
        frame = RawFrame
        mult = 1 if hdr.nanos else 1000
        lt, fcs = hdr.linktype, hdr.fcs_len
        known = lt in SUPPORTED_LINKTYPES
        limit = hdr.snaplen if 0 < hdr.snaplen <= MAX_CAPLEN else MAX_CAPLEN
        n = cut = cut_first = 0
        try:
            while True:
                end = len(buf)
                while pos + 16 <= end:
                    sec, frac, incl, orig = unpack(buf, pos)
                    start, nxt = pos + 16, pos + 16 + incl
                    if nxt > end or incl > limit:  # one test on the common path
                        if incl > MAX_CAPLEN:
                            self._garbage(n, incl)
                            return
                        if nxt > end:
                            break
                        self.skipped.add("caplen_over_snaplen", n + 1, f"{incl} bytes, snaplen {limit}")
                    n += 1
                    pos = nxt
                    if incl < orig:
                        cut_first = cut_first or n
                        cut += 1
                    if known:
                        stop = nxt if not fcs else start + max(0, min(incl, orig - fcs))
                        yield frame(n, sec * NS_PER_S + frac * mult, lt, buf[start:stop], orig)
                more = read()
                if not more:
                    break
                buf = buf[pos:] + more if pos < end else more
                pos = 0
            self._at_end(len(buf) - pos, buf[pos:], n)
        finally:
            self.frames_seen = n
            self._tally(n, cut, cut_first)

    def _garbage(self, n: int, incl: int) -> None:
        detail = f"record header after frame {n} claims {incl} captured bytes; stopped reading"
        self.skipped.add("garbage_after_frame", n, detail)

    def _at_end(self, left: int, rest: bytes, n: int) -> None:
        if left:
            if left < RECORD_HEADER_LEN:
                detail = f"file ends inside the record header of frame {n + 1} ({left} of 16 bytes)"
            else:
                assert self.header is not None
                incl = struct.unpack_from(self.header.endian + "I", rest, 8)[0]
                detail = f"file ends inside frame {n + 1} ({left - 16} of {incl} bytes)"
            self.skipped.add("truncated_record", n + 1, detail)
        if self.stream.damage:
            self.skipped.add("input_damaged", n + 1, self.stream.damage)

    def _tally(self, n: int, cut: int, cut_first: int) -> None:
        assert self.header is not None
        lt = self.header.linktype
        self.skipped.add_count("cut_by_snaplen", cut_first, cut, "captured length < original length")
        if lt not in SUPPORTED_LINKTYPES:
            self.skipped.add_count("unknown_linktype", 1, n, f"linktype {lt}")
        if self.header.fcs_len and n:
            self.skipped.add_count("fcs_removed", 1, n, f"{self.header.fcs_len}-byte FCS cut off each frame")
