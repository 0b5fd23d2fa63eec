"""The inputs the kernel reads: a regular file (mapped), standard input (a big pipe buffer),
gzip over either (the Python reader's own decompressor), classic pcap over Ethernet or pcapng.

:func:`open_input` decides from the first bytes; what the kernel cannot read is left to the
Python engine (:class:`Prefixed` replays standard input's first bytes to it).
"""

from __future__ import annotations

import mmap
import os
import stat
from typing import IO, Any

import numpy as np

from plantwarden.capture import pcapng_blocks as nb
from plantwarden.capture.pcap import FILE_HEADER_LEN, parse_header, pcap_magic
from plantwarden.capture.records import LINKTYPE_ETHERNET
from plantwarden.capture.source import STDIN_NAME
from plantwarden.capture.stream import FILE_CHUNK, GZIP_MAGIC, STREAM_CHUNK, ByteStream

PIPE_BYTES = 1 << 20


def fill(f: IO[bytes], buf: np.ndarray, start: int, stop: int) -> int:
    """Read until ``buf[start:stop]`` is full or the input ends; returns the new end."""
    view = buf.data
    while start < stop:
        got = f.readinto(view[start:stop])  # type: ignore[attr-defined]
        if not got:
            break
        start += got
    return start


def map_file(f: IO[bytes]) -> mmap.mmap | None:
    """The whole file mapped copy-on-write, when ``f`` is a regular file that mmap can map."""
    try:
        fd = f.fileno()
        if not stat.S_ISREG(os.fstat(fd).st_mode) or os.fstat(fd).st_size <= FILE_HEADER_LEN:
            return None
        return mmap.mmap(fd, 0, access=mmap.ACCESS_COPY)
    except (OSError, ValueError, AttributeError):
        return None  # not a file descriptor (a test's stream), or a file system without mmap


def _big_pipe(fd: int) -> None:
    """A 1 MiB pipe buffer (Linux F_SETPIPE_SZ): fewer wake-ups of the writer and the reader."""
    try:
        import fcntl

        fcntl.fcntl(fd, 1031, PIPE_BYTES)  # F_SETPIPE_SZ
    except (ImportError, OSError):
        pass  # not a pipe, not Linux, or above /proc/sys/fs/pipe-max-size


class Unzipped:
    """A gzip input (:class:`plantwarden.capture.stream.ByteStream`, the Python reader's own
    decompressor, so damage reads the same) as a file the chunked reader fills a buffer from."""

    def __init__(self, stream: ByteStream) -> None:
        self.stream = stream
        self.rest = memoryview(b"")

    def readinto(self, view: memoryview) -> int:
        if not self.rest:
            self.rest = memoryview(self.stream.read())
            if not self.rest:
                return 0
        n = min(len(view), len(self.rest))
        view[:n] = self.rest[:n]
        self.rest = self.rest[n:]
        return n

    def close(self) -> None:
        """The file under it is closed by whoever opened it."""


class Recorder:
    """The raw bytes of standard input that gzip detection consumed, to replay them
    (:class:`Prefixed`) when the kernel cannot read what they decompress to."""

    def __init__(self, head: bytes, raw: IO[bytes]) -> None:
        self.head, self.raw = head, raw
        self.seen: list[bytes] | None = [head]

    def read(self, size: int = -1, /) -> bytes:
        if self.head:
            cut = len(self.head) if size < 0 else size
            out, self.head = self.head[:cut], self.head[cut:]
            return out
        data = self.raw.read(size) or b""
        if self.seen is not None:
            self.seen.append(data)
        return data

    def stop(self) -> bytes:
        """Everything read so far; recording ends."""
        seen, self.seen = b"".join(self.seen or []), None
        return seen


class Opened:
    """An input the kernel reads: ``kind`` "pcap" or "pcapng", the file (or the gzip
    decompressor over it), its first bytes (already read), and the gzip stream if any."""

    def __init__(self, kind: str, f: Any, head: bytes, stream: ByteStream | None, raw: IO[bytes]) -> None:
        self.kind, self.f, self.head, self.stream, self.raw = kind, f, head, stream, raw

    def close(self) -> None:
        self.raw.close()


def _head(f: Any, n: int) -> bytes:
    """Up to ``n`` first bytes (a pipe may hand them out a few at a time)."""
    buf = bytearray(n)
    got = 0
    while got < n:
        k = f.readinto(memoryview(buf)[got:])
        if not k:
            break
        got += k
    return bytes(buf[:got])


def open_input(path: str) -> Opened | Prefixed | None:
    """The input when the kernel can read it; for stdin it cannot read, what to read it
    from (:class:`Prefixed`); else None (the caller opens the file again for Python)."""
    if path == "-":
        _big_pipe(0)
        raw: IO[bytes] = open(0, "rb", buffering=0, closefd=False)  # noqa: SIM115
        name, chunk = STDIN_NAME, STREAM_CHUNK
    else:
        try:
            if not os.path.isfile(path):
                return None
            raw = open(path, "rb", buffering=0)  # noqa: SIM115
        except OSError:
            return None
        name, chunk = path, FILE_CHUNK
    head = consumed = _head(raw, FILE_HEADER_LEN)
    f: Any = raw
    stream = None
    if head[:2] == GZIP_MAGIC:
        recorder = Recorder(head, raw)
        stream = ByteStream(recorder, name, chunk)
        f = Unzipped(stream)
        head = _head(f, FILE_HEADER_LEN)
        consumed = recorder.stop()
    kind = ""
    if head[:4] == nb.SHB_MAGIC:
        kind = "pcapng"
    elif len(head) == FILE_HEADER_LEN and pcap_magic(head) is not None:
        hdr = parse_header(head)
        kind = "pcap" if hdr.linktype == LINKTYPE_ETHERNET and not hdr.fcs_len else ""
    if not kind:
        raw.close()
        return Prefixed(consumed) if path == "-" else None
    return Opened(kind, f, head, stream, raw)


class Prefixed:
    """Standard input whose first bytes were already read: those first, then the rest."""

    def __init__(self, head: bytes) -> None:
        self.head = head
        self.raw = open(0, "rb", buffering=0, closefd=False)  # noqa: SIM115

    def read(self, size: int = -1, /) -> bytes | None:
        """At most ``size`` bytes, as a file gives (gzip on stdin asks for 2, then 8 ...)."""
        if self.head:
            cut = len(self.head) if size < 0 else size
            out, self.head = self.head[:cut], self.head[cut:]
            return out
        return self.raw.read(size)
