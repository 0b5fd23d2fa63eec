"""The bytes a capture reader walks: a file, a pipe or stdin, gzip-compressed or not.

A :class:`ByteStream` hands out the capture in chunks (``read``) and lets the format
detection look at the first bytes (``peek``) without seeking, so pipes work like files.
Gzip (RFC 1952) is recognised by its magic ``1f 8b`` and decompressed on the fly, one
bounded chunk at a time, so memory does not grow with the file. Damage in the compressed
data never raises: the stream ends there and ``damage`` says why.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Callable
from typing import Protocol

GZIP_MAGIC = b"\x1f\x8b"
FILE_CHUNK = 4 << 20  # regular files: one read of 4 MiB at a time
STREAM_CHUNK = 1 << 20  # pipes: up to 1 MiB, whatever is there (a live capture must not wait)


class Readable(Protocol):
    """What a stream reads from: a binary file object (``FileIO``, ``BytesIO``, a pipe)."""

    def read(self, size: int = -1, /) -> bytes | None: ...


class _Counted:
    """The raw input: peeked bytes first, then the file; counts every byte read."""

    def __init__(self, raw: Readable) -> None:
        self._raw = raw
        self._prefix = b""
        self.bytes_read = 0

    def fill(self, size: int) -> bytes:
        """Read ahead until ``size`` bytes are held (or EOF), and return them without consuming."""
        while len(self._prefix) < size:
            more = self._from_raw(size - len(self._prefix))
            if not more:
                break
            self._prefix += more
        return self._prefix[:size]

    def read(self, size: int = -1, /) -> bytes:
        """At most ``size`` bytes (all that is held for -1): gzip reads its header field by
        field and takes whatever it is handed as that field."""
        if self._prefix:
            if size < 0 or size >= len(self._prefix):
                out, self._prefix = self._prefix, b""
            else:
                out, self._prefix = self._prefix[:size], self._prefix[size:]
            return out
        data = self._from_raw(size)
        if 0 <= size < len(data):  # a raw input that handed out more than asked
            data, self._prefix = data[:size], data[size:]
        return data

    def seek(self, offset: int, /) -> object:
        """Streams are read once, front to back (gzip asks for this only to rewind)."""
        raise io.UnsupportedOperation("a capture stream does not seek")

    def _from_raw(self, size: int) -> bytes:
        data = self._raw.read(size) or b""
        self.bytes_read += len(data)
        return data


class ByteStream:
    """Chunks of capture bytes, decompressed if the input is gzip; ``b""`` means the end."""

    def __init__(self, raw: Readable, name: str, chunk: int = FILE_CHUNK) -> None:
        self.name = name
        self.damage = ""  # why the stream ended early (damaged gzip), empty if it did not
        self._src = _Counted(raw)
        self._pending = b""
        self.compressed = self._src.fill(2) == GZIP_MAGIC
        self._next: Callable[[], bytes] = lambda: self._src.read(chunk)
        if self.compressed:
            unzip = gzip.GzipFile(fileobj=self._src, mode="rb")
            self._next = lambda: unzip.read1(chunk)  # one step at a time: damage loses nothing before it

    @property
    def bytes_read(self) -> int:
        """Bytes read from the file or pipe so far (compressed bytes for gzip input)."""
        return self._src.bytes_read

    def peek(self, size: int) -> bytes:
        """The first ``size`` bytes of the (decompressed) capture, fewer only at its end."""
        while len(self._pending) < size:
            more = self._chunk()
            if not more:
                break
            self._pending += more
        return self._pending[:size]

    def read(self) -> bytes:
        """The next chunk (any size > 0), or ``b""`` at the end of the capture."""
        if self._pending:
            out, self._pending = self._pending, b""
            return out
        return self._chunk()

    def _chunk(self) -> bytes:
        if self.damage:
            return b""
        try:
            return self._next()
        except (EOFError, OSError, zlib.error) as exc:
            what = "gzip data damaged" if self.compressed else "read failed"
            self.damage = f"{what} after {self.bytes_read} bytes of {self.name}: {exc}"
            return b""
