"""Link framing, CRCs and headers on frames of the real ITI captures."""

from __future__ import annotations

from plantwarden.protocols.dnp3 import SPEC, wire

from .helpers import SELECT_OPERATE, TEST_DATA, segments


def test_every_real_frame_is_framed_by_its_length_field() -> None:
    for path in (SELECT_OPERATE, TEST_DATA):
        for seg in segments(path).values():
            if seg.payload[:2] == wire.START:
                assert SPEC.pdu_length(seg.payload) == len(seg.payload), seg.frame
                assert wire.header_crc_ok(seg.payload), seg.frame


def test_pdu_length_waits_then_rejects_what_is_not_a_link_frame() -> None:
    frame = segments(SELECT_OPERATE)[4].payload
    assert SPEC.pdu_length(frame[:2]) == 0
    assert SPEC.pdu_length(frame[:3]) == len(frame)  # 10 + 21 + 2 * 2 blocks
    assert SPEC.pdu_length(b"\x05\x05" + frame[2:]) == -1  # frame 19 of the ITI test data
    assert SPEC.probe(frame, "tcp") and not SPEC.probe(frame[:9], "tcp")


def test_user_data_drops_block_crcs_and_counts_bad_blocks() -> None:
    frame = segments(SELECT_OPERATE)[4].payload
    length, control, destination, source = wire.link_header(frame) or (0, 0, 0, 0)
    assert (length, destination, source) == (26, 10, 1)
    assert wire.control_fields(control) == (True, True, False, False, 4)
    data, bad = wire.user_data(frame, length)
    assert (len(data), bad) == (21, 0)
    assert wire.transport_header(data[0]) == (True, True, 0)
    corrupted = frame[:12] + bytes([frame[12] ^ 0xFF]) + frame[13:]
    assert wire.user_data(corrupted, length)[1] == 1


def test_crc_is_the_dnp3_polynomial() -> None:
    frame = segments(SELECT_OPERATE)[6].payload
    assert wire.crc(frame[:8]) == int.from_bytes(frame[8:10], "little")
