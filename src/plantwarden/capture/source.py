"""Opening a capture: a file, stdin (``-``) or a live interface, in pcap or pcapng, gzip or not.

The format is told by the first bytes (never by the file name), so a pipe needs no
seeking. What is not a capture at all raises :class:`~plantwarden.errors.CaptureError`
with one line naming the input; a capture that is damaged somewhere is read up to the
damage, and the reader's :class:`SkipReport` says what was skipped and why.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Protocol

from plantwarden.capture.live import LiveChild
from plantwarden.capture.pcap import PcapReader, is_kuznetzov, pcap_magic
from plantwarden.capture.pcapng import PcapngReader
from plantwarden.capture.pcapng_blocks import SHB_MAGIC
from plantwarden.capture.records import RawFrame, SkipReport
from plantwarden.capture.stream import FILE_CHUNK, STREAM_CHUNK, ByteStream, Readable
from plantwarden.errors import CaptureError

STDIN = "-"
STDIN_NAME = "<stdin>"


class _Reader(Protocol):
    frames_seen: int

    def frames(self) -> Iterator[RawFrame]: ...


class CaptureSource:
    """One capture being read: ``frames()`` once, then ``skipped`` says what was not used."""

    def __init__(
        self, name: str, raw: Readable | None = None, chunk: int = FILE_CHUNK, *, owns_raw: bool = False
    ) -> None:
        self.name = name
        self.skipped = SkipReport()
        self._raw = raw
        self._chunk = chunk
        self._stream: ByteStream | None = None
        self._reader: _Reader | None = None
        self._child: LiveChild | None = None
        self._frames: Iterator[RawFrame] | None = None
        self._owns_raw = owns_raw
        if raw is not None:
            try:
                self._reader = self._open_reader(raw)
            except CaptureError:
                self.close()
                raise

    @property
    def bytes_read(self) -> int:
        """Bytes read from the input so far (compressed bytes for a gzip file)."""
        return self._stream.bytes_read if self._stream is not None else 0

    @property
    def frames_seen(self) -> int:
        """Frame number of the last record walked (skipped records count, as in Wireshark)."""
        return self._reader.frames_seen if self._reader is not None else 0

    def frames(self) -> Iterator[RawFrame]:
        """The usable frames, in capture order; a second call goes on where the first stopped."""
        if self._frames is None:
            if self._child is not None:
                self._frames = self._live_frames(self._child)
            else:
                assert self._reader is not None
                self._frames = self._reader.frames()
        return self._frames

    def close(self) -> None:
        """Stop a live child and close what this source opened."""
        if self._child is not None:
            self._child.close()
        close = getattr(self._raw, "close", None)
        if self._owns_raw and close is not None:
            close()

    def __enter__(self) -> CaptureSource:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _open_reader(self, raw: Readable) -> _Reader:
        self._stream = stream = ByteStream(raw, self.name, self._chunk)
        head = stream.peek(12)
        if head[:4] == SHB_MAGIC:
            return PcapngReader(stream, self.skipped)
        if pcap_magic(head) is not None:
            return PcapReader(stream, self.skipped)
        raise CaptureError(f"{self.name}: {_not_a_capture(head, stream)}")

    def _live_frames(self, child: LiveChild) -> Iterator[RawFrame]:
        try:
            try:
                self._reader = self._open_reader(child.stdout)
            except CaptureError as exc:
                if child.stopped and self.bytes_read == 0:
                    return  # the duration was up before the tool wrote anything: no frames
                raise CaptureError(f"{self.name}: {child.failure(wait=True) or exc.message}") from None
            yield from self._reader.frames()
            if failure := child.failure(wait=True):
                self.skipped.add("capture_tool_failed", self._reader.frames_seen, failure)
        finally:
            self.close()


def _not_a_capture(head: bytes, stream: ByteStream) -> str:
    """One line on why these first bytes are no capture."""
    if stream.damage:
        return stream.damage
    what = "gzip-compressed data" if stream.compressed else "input" if stream.name == STDIN_NAME else "file"
    if not head:
        return f"empty {what}, not a capture"
    if is_kuznetzov(head):
        return "a modified (Kuznetzov) pcap, which is not supported; convert it with editcap -F pcap"
    if all(32 <= b < 127 or b in b"\t\r\n" for b in head):
        return f"text {what}, not a pcap or pcapng capture"
    inside = "gzip-compressed, but " if stream.compressed else ""
    return f"{inside}not a pcap or pcapng capture (starts with {head[:4].hex(' ')})"


def open_capture(path: str) -> CaptureSource:
    """Open a capture file, or standard input for ``-``; raises CaptureError if it is none."""
    if path == STDIN:
        return _open_stdin()
    file = Path(path)
    try:
        raw = open(file, "rb", buffering=0)  # noqa: SIM115 - closed by CaptureSource.close()
    except IsADirectoryError as exc:
        raise CaptureError(f"{path}: is a directory, not a capture file") from exc
    except FileNotFoundError as exc:
        raise CaptureError(f"{path}: no such file") from exc
    except OSError as exc:
        raise CaptureError(f"{path}: cannot open: {exc.strerror or exc}") from exc
    chunk = FILE_CHUNK if os.path.isfile(file) else STREAM_CHUNK  # a named pipe streams
    return CaptureSource(path, raw, chunk, owns_raw=True)


def _open_stdin() -> CaptureSource:
    """File descriptor 0, unbuffered (reads return what the pipe holds), never closed."""
    try:
        if os.isatty(0):
            hint = "pipe a capture in (tcpdump -w - | plantwarden analyze -)"
            raise CaptureError(f"{STDIN_NAME}: is a terminal; {hint}")
        stdin = open(0, "rb", buffering=0, closefd=False)  # noqa: SIM115 - closed by CaptureSource.close()
    except OSError as exc:
        raise CaptureError(f"{STDIN_NAME}: cannot read: {exc.strerror or exc}") from exc
    return CaptureSource(STDIN_NAME, stdin, STREAM_CHUNK, owns_raw=True)


def live_capture(
    interface: str, bpf: str | None = None, tool: str = "tcpdump", seconds: float | None = None
) -> CaptureSource:
    """Read what ``tool`` captures on ``interface`` (it only listens; see :mod:`.live`), for
    ``seconds`` of wall time if given (the stream then ends even if no frame came)."""
    child = LiveChild(tool, interface, bpf)
    if seconds is not None:
        child.stop_after(seconds)
    source = CaptureSource(child.name, chunk=STREAM_CHUNK)
    source._child = child
    return source
