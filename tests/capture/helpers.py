"""Reading helpers and capture surgery for the capture tests.

The surgery walks classic little-endian microsecond pcap itself (the layout of every shared
capture), so the variants it makes do not depend on the reader under test.
"""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from plantwarden.capture.records import RawFrame, SkipReport
from plantwarden.capture.source import CaptureSource, open_capture

Record = tuple[bytes, bytes]  # (16-byte record header, captured data)


def read_path(path: Path | str) -> tuple[list[RawFrame], SkipReport]:
    """Every frame of a capture file and its skip report."""
    with open_capture(str(path)) as source:
        frames = list(source.frames())
    return frames, source.skipped


def read_bytes(data: bytes, chunk: int = 1 << 20) -> tuple[list[RawFrame], SkipReport]:
    """Every frame of an in-memory capture, read ``chunk`` bytes at a time."""
    with CaptureSource("memory", io.BytesIO(data), chunk) as source:
        frames = list(source.frames())
    return frames, source.skipped


def usec(ts_ns: int) -> int:
    """Nanoseconds to whole microseconds, rounded."""
    return (ts_ns + 500) // 1000


def truth_usec(ts: float) -> int:
    """A truth file's float timestamp in whole microseconds."""
    return round(ts * 1_000_000)


def reasons(skipped: SkipReport) -> dict[str, tuple[int, int]]:
    """{reason: (count, first frame)}."""
    return {e.reason: (e.count, e.first_frame) for e in skipped.entries.values()}


def split_pcap(data: bytes) -> tuple[bytes, list[Record]]:
    """The file header and records of a little-endian microsecond pcap."""
    assert data[:4] == b"\xd4\xc3\xb2\xa1", "surgery expects little-endian microsecond pcap"
    pos, records = 24, []
    while pos + 16 <= len(data):
        incl = struct.unpack_from("<I", data, pos + 8)[0]
        records.append((data[pos : pos + 16], data[pos + 16 : pos + 16 + incl]))
        pos += 16 + incl
    return data[:24], records


def join_pcap(header: bytes, records: list[Record]) -> bytes:
    return header + b"".join(h + d for h, d in records)


def record_ends(data: bytes) -> list[int]:
    """File offset just past each record of a little-endian microsecond pcap."""
    ends, pos = [], 24
    for head, body in split_pcap(data)[1]:
        pos += len(head) + len(body)
        ends.append(pos)
    return ends


def to_big_endian(data: bytes) -> bytes:
    """The same capture as a big-endian writer would have written it."""
    header, records = split_pcap(data)
    fields = struct.unpack("<IHHiIII", header)
    swapped = [(struct.pack(">IIII", *struct.unpack("<IIII", h)), d) for h, d in records]
    return join_pcap(struct.pack(">IHHiIII", *fields), swapped)


def with_linktype_field(data: bytes, value: int) -> bytes:
    """The capture with the header's link-type word (link type and FCS bits) replaced."""
    return data[:20] + struct.pack("<I", value) + data[24:]


def with_snaplen(data: bytes, snaplen: int) -> bytes:
    return data[:16] + struct.pack("<I", snaplen) + data[20:]


def to_raw_ip(data: bytes) -> tuple[bytes, list[bytes]]:
    """Ethernet capture -> LINKTYPE_RAW (101) capture of its untagged IPv4/IPv6 frames."""
    header, records = split_pcap(data)
    kept: list[Record] = []
    for head, body in records:
        if body[12:14] in (b"\x08\x00", b"\x86\xdd"):
            sec, frac, incl, orig = struct.unpack("<IIII", head)
            kept.append((struct.pack("<IIII", sec, frac, incl - 14, orig - 14), body[14:]))
    return with_linktype_field(join_pcap(header, kept), 101), [d for _, d in kept]


def need_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed")
    return path


def run(*argv: str) -> str:
    """Run a Wireshark tool (editcap, mergecap, tshark) and return its stdout."""
    need_tool(argv[0])
    return subprocess.run(argv, capture_output=True, text=True, check=True, timeout=60).stdout


def tshark_frames(path: Path) -> list[tuple[int, int]]:
    """(timestamp in µs or -1 if none, captured length) of every frame, as tshark reads the file."""
    out = run("tshark", "-r", str(path), "-T", "fields", "-e", "frame.time_epoch", "-e", "frame.cap_len")
    rows = [line.split("\t") for line in out.splitlines() if line.strip()]
    return [(round(Decimal(t) * 1_000_000) if t else -1, int(n)) for t, n in rows]
