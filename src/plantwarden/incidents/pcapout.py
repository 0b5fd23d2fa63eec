"""Writing frames to a classic pcap file with nanosecond timestamps (draft-ietf-opsawg-pcap).

Layouts (draft-ietf-opsawg-pcap §4 "File Header", §5 "Packet Record"), little-endian:

    File Header (24 bytes)      magic 0xa1b23c4d (nanoseconds) u32, major 2 u16, minor 4 u16,
                                reserved1 u32, reserved2 u32, snaplen u32, linktype u32
    Packet Record header (16)   ts_sec u32, ts_nsec u32, captured length u32, original length u32

The frames are written exactly as the source capture holds them (bytes, lengths, times to
the nanosecond), so that an evidence file's frames can be compared with the source's.
"""

from __future__ import annotations

import hashlib
import struct
from typing import BinaryIO

from plantwarden.capture.records import RawFrame

MAGIC_NSEC = 0xA1B23C4D
SNAPLEN = 262144
FILE_HEADER = struct.Struct("<IHHIIII")
RECORD_HEADER = struct.Struct("<IIII")


class PcapWriter:
    """Writes frames of one link type; the SHA-256 and size of what was written are kept."""

    def __init__(self, out: BinaryIO, linktype: int) -> None:
        self.out = out
        self.linktype = linktype
        self.digest = hashlib.sha256()
        self.size = 0
        self._write(FILE_HEADER.pack(MAGIC_NSEC, 2, 4, 0, 0, SNAPLEN, linktype))

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self.digest.update(data)
        self.size += len(data)

    def frame(self, f: RawFrame) -> None:
        sec, nsec = divmod(f.ts_ns, 1_000_000_000)
        self._write(RECORD_HEADER.pack(sec, nsec, len(f.data), f.orig_len) + f.data)

    @property
    def sha256(self) -> str:
        return self.digest.hexdigest()
