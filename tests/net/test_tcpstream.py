"""TCP stream reassembly rules (RFC 9293 sequence arithmetic)."""

from __future__ import annotations

from plantwarden.net.tcpstream import TcpStream, seq_diff


def test_in_order_segments_append() -> None:
    s = TcpStream()
    s.start(999)
    assert s.push(1000, b"abc", 1) and s.push(1003, b"def", 2)
    assert bytes(s.buf) == b"abcdef" and s.buf_frame == 1


def test_retransmission_is_dropped_and_counted() -> None:
    s = TcpStream()
    s.start(0)
    s.push(1, b"hello", 1)
    assert not s.push(1, b"hello", 2)
    assert s.retransmitted == 1 and bytes(s.buf) == b"hello"


def test_overlap_is_trimmed() -> None:
    s = TcpStream()
    s.start(0)
    s.push(1, b"hello", 1)
    assert s.push(4, b"lo world", 2)
    assert bytes(s.buf) == b"hello world"


def test_out_of_order_waits_for_the_hole() -> None:
    s = TcpStream()
    s.start(0)
    assert not s.push(6, b"world", 2)
    assert s.push(1, b"hello", 1)
    assert bytes(s.buf) == b"helloworld" and not s.pending


def test_hole_acknowledged_by_the_peer_is_skipped() -> None:
    s = TcpStream()
    s.start(0)
    s.push(1, b"aaaa", 1)
    s.buf.clear()
    s.push(10, b"bbbb", 3)  # bytes 5..9 were never captured
    assert not s.buf
    assert s.acked(14)
    assert bytes(s.buf) == b"bbbb" and s.gaps == 1


def test_sequence_numbers_wrap() -> None:
    s = TcpStream()
    s.start(0xFFFFFFFD)
    assert s.push(0xFFFFFFFE, b"xyz", 1)
    assert s.next_seq == 1
    assert s.push(1, b"!", 2) and bytes(s.buf) == b"xyz!"
    assert seq_diff(1, 0xFFFFFFFF) == 2 and seq_diff(0xFFFFFFFF, 1) == -2


def test_pending_is_bounded() -> None:
    s = TcpStream()
    s.start(0)
    for i in range(200):
        s.push(100 + 10 * i, b"x", i)
    assert len(s.pending) <= 64
