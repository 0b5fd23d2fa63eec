"""One direction of a TCP connection, reassembled into an in-order byte stream.

Retransmitted bytes are dropped (never decoded twice); overlapping segments are trimmed;
segments that arrive ahead of a hole wait (bounded) until the hole is filled, or until
the peer acknowledges past it, which means the capture missed those bytes: then the
stream jumps over the hole and reports it. Cutting the stream into PDUs is the protocol's
business (``ProtocolSpec.pdu_length``); see :mod:`plantwarden.net.flows`.
"""

from __future__ import annotations

MAX_PENDING_SEGMENTS = 64
MAX_BUFFER = 4 * 1024 * 1024


def seq_diff(a: int, b: int) -> int:
    """a - b in 32-bit sequence space (RFC 9293 3.4), as a signed number."""
    d = (a - b) & 0xFFFFFFFF
    return d - 0x100000000 if d >= 0x80000000 else d


class TcpStream:
    __slots__ = ("buf", "buf_frame", "gaps", "next_seq", "pending", "retransmitted")

    def __init__(self) -> None:
        self.next_seq: int | None = None
        self.buf = bytearray()
        self.buf_frame = 0  # frame that brought the first byte now in buf
        self.pending: dict[int, tuple[bytes, int]] = {}  # seq -> (data, frame)
        self.retransmitted = 0  # segments whose bytes were all seen before
        self.gaps = 0  # holes the capture never filled

    def start(self, isn: int) -> None:
        """The SYN's sequence number: data starts at isn + 1."""
        self.next_seq = (isn + 1) & 0xFFFFFFFF

    def push(self, seq: int, data: bytes, frame: int) -> bool:
        """Add a segment; True when new in-order bytes were appended to ``buf``."""
        if self.next_seq is None:
            if len(data) <= 1:
                return False  # mid-stream start on a TCP keep-alive (1 byte at next - 1): wait
            self.next_seq = seq
        rel = seq_diff(seq, self.next_seq)
        if rel < 0:
            if rel + len(data) <= 0:
                self.retransmitted += 1
                return False
            data = data[-rel:]
            rel = 0
        if rel > 0:
            if len(self.pending) < MAX_PENDING_SEGMENTS:
                self.pending.setdefault(seq, (data, frame))
                return False
            self.skip_gap()
            return self.push(seq, data, frame)
        self._append(data, frame)
        self._drain()
        return True

    def acked(self, ack: int) -> bool:
        """The peer acknowledged ``ack``: a hole before it will never be filled."""
        if self.pending and self.next_seq is not None and seq_diff(ack, self.next_seq) > 0:
            self.skip_gap()
            return True
        return False

    def skip_gap(self) -> None:
        """Give up on the hole: drop what is buffered and go on at the first waiting segment."""
        if not self.pending or self.next_seq is None:
            return
        base = self.next_seq
        first = min(self.pending, key=lambda s: seq_diff(s, base))
        self.gaps += 1
        self.buf.clear()
        self.next_seq = first
        self._drain()

    def _append(self, data: bytes, frame: int) -> None:
        if not self.buf:
            self.buf_frame = frame
        if len(self.buf) + len(data) > MAX_BUFFER:
            self.buf.clear()
            self.buf_frame = frame
        self.buf += data
        assert self.next_seq is not None
        self.next_seq = (self.next_seq + len(data)) & 0xFFFFFFFF

    def _drain(self) -> None:
        while self.pending and self.next_seq is not None:
            hit = self.pending.pop(self.next_seq, None)
            if hit is None:
                # a waiting segment may overlap next_seq without starting at it
                for s in list(self.pending):
                    rel = seq_diff(s, self.next_seq)
                    if rel < 0:
                        data, frame = self.pending.pop(s)
                        if rel + len(data) > 0:
                            hit = (data[-rel:], frame)
                            break
                if hit is None:
                    return
            self._append(*hit)
