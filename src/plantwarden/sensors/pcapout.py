"""Writing frames as a classic pcap file, and checking that uploaded bytes are one.

The sensor writes the evidence frames it read (:class:`~plantwarden.capture.records.RawFrame`,
the bytes as the capture holds them) with nanosecond timestamps and the capture's link type
(draft-ietf-opsawg-pcap: magic ``a1b23c4d``, version 2.4). The central reads an upload back
with plantwarden's own pcap reader before it keeps it: a pcap (not pcapng, not anything
else), whole, with at least one frame.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterable
from dataclasses import dataclass

from plantwarden.capture.pcap import MAGIC_NSEC, MAX_CAPLEN, NS_PER_S, pcap_magic
from plantwarden.capture.records import RawFrame
from plantwarden.capture.source import CaptureSource
from plantwarden.errors import CaptureError, InputError

FILE_HEADER = struct.Struct("<IHHIIII")
RECORD_HEADER = struct.Struct("<IIII")
#: What a pcap may hold and still be whole (a frame cut by the capture's snap length is whole).
HARMLESS = frozenset({"cut_by_snaplen"})


def pcap_header(linktype: int) -> bytes:
    return FILE_HEADER.pack(MAGIC_NSEC, 2, 4, 0, 0, MAX_CAPLEN, linktype)


def record(frame: RawFrame) -> bytes:
    sec, nsec = divmod(frame.ts_ns, NS_PER_S)
    size = len(frame.data)
    return RECORD_HEADER.pack(sec, nsec, size, max(frame.orig_len, size)) + frame.data


def write_pcap(linktype: int, frames: Iterable[RawFrame]) -> bytes:
    """The frames (all of ``linktype``) as one pcap file."""
    return pcap_header(linktype) + b"".join(record(f) for f in frames)


@dataclass(frozen=True, slots=True)
class PcapInfo:
    frames: int
    linktype: int


def check_pcap(data: bytes, name: str) -> PcapInfo:
    """The frame count and link type of a whole pcap; :class:`InputError` naming ``name`` else."""
    if pcap_magic(data[:4]) is None:
        raise InputError(f"{name}: not a pcap file (starts with {data[:4].hex(' ') or 'nothing'})")
    try:
        with CaptureSource(name, io.BytesIO(data)) as source:
            frames = list(source.frames())
            problems = [e for e in source.skipped.as_list() if e["reason"] not in HARMLESS]
    except CaptureError as exc:
        raise InputError(exc.message) from exc
    if problems:
        first = problems[0]
        raise InputError(f"{name}: not a whole pcap ({first['reason']}: {first['detail']})")
    if not frames:
        raise InputError(f"{name}: a pcap without frames")
    linktypes = {f.linktype for f in frames}
    return PcapInfo(len(frames), frames[0].linktype if len(linktypes) == 1 else -1)
