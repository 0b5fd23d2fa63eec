"""Damaged captures: everything before the damage is read, the damage is named, nothing raises."""

from __future__ import annotations

import struct

import pytest

from tests.capture import ngbuild as b
from tests.capture.helpers import read_bytes, reasons, record_ends, run, split_pcap
from tests.conftest import SHARED_CAPTURES

DNP3 = SHARED_CAPTURES / "dnp3-iti-select_operate_and_responses.pcap"
MODBUS = SHARED_CAPTURES / "modbus-iti-modbus_test_data_part1.pcap"
PKT = bytes(range(60))


def block_ends(data: bytes) -> list[tuple[int, int]]:
    """(end offset, block type) of each block of a little-endian pcapng file."""
    ends, pos = [], 0
    while pos + 8 <= len(data):
        btype, blen = struct.unpack_from("<II", data, pos)
        pos += blen
        ends.append((pos, btype))
    return ends


@pytest.fixture(scope="module")
def dnp3_ng(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("ng") / "dnp3.pcapng"
    run("editcap", "-F", "pcapng", str(DNP3), str(path))
    return path.read_bytes()


def test_pcap_truncated_at_every_offset() -> None:
    data = DNP3.read_bytes()
    full, _ = read_bytes(data)
    ends = record_ends(data)
    for cut in range(4, len(data)):
        frames, skipped = read_bytes(data[:cut])
        whole = sum(1 for end in ends if end <= cut)
        assert frames == full[:whole], cut
        if cut < 24:
            assert reasons(skipped) == {"truncated_file_header": (1, 0)}, cut
        elif cut in ends or cut == 24:
            assert not skipped.entries, cut
        else:
            assert reasons(skipped) == {"truncated_record": (1, whole + 1)}, cut


def test_pcapng_truncated_at_every_offset(dnp3_ng: bytes) -> None:
    full, _ = read_bytes(dnp3_ng)
    ends = block_ends(dnp3_ng)
    for cut in range(4, len(dnp3_ng)):
        frames, skipped = read_bytes(dnp3_ng[:cut])
        whole = sum(1 for end, btype in ends if end <= cut and btype == 6)
        assert frames == full[:whole], cut
        if cut in {end for end, _ in ends}:
            assert not skipped.entries, cut
        else:
            (entry,) = skipped.entries.values()
            assert entry.reason == "truncated_record", cut
            assert entry.first_frame in (whole, whole + 1), cut


@pytest.mark.parametrize("bad", [0xFFFFFFF0, 262145, 10_000_000])
def test_pcap_impossible_caplen_stops_after_the_last_good_frame(bad: int) -> None:
    header, records = split_pcap(MODBUS.read_bytes())
    head, body = records[40]
    sec, frac, _, orig = struct.unpack("<IIII", head)
    records[40] = (struct.pack("<IIII", sec, frac, bad, orig), body)
    frames, skipped = read_bytes(header + b"".join(h + d for h, d in records))
    assert [f.number for f in frames] == list(range(1, 41))
    assert reasons(skipped) == {"garbage_after_frame": (1, 40)}
    assert str(bad) in skipped.entries["garbage_after_frame"].detail


@pytest.mark.parametrize("garbage", [b"\xff" * 100, b"\x00\x00\x00\x00" * 2 + b"\xff" * 9, b"\x01"])
def test_pcap_garbage_appended(garbage: bytes) -> None:
    data = MODBUS.read_bytes()
    full, _ = read_bytes(data)
    frames, skipped = read_bytes(data + garbage)
    assert frames == full
    assert set(reasons(skipped)) <= {"garbage_after_frame", "truncated_record"}
    assert skipped.total() == 1
    assert next(iter(skipped.entries.values())).first_frame in (len(full), len(full) + 1)


def test_pcapng_garbage_appended(dnp3_ng: bytes) -> None:
    full, _ = read_bytes(dnp3_ng)
    frames, skipped = read_bytes(dnp3_ng + b"\x06\x00\x00\x00\x0d\x00\x00\x00" + b"\xee" * 40)
    assert frames == full
    assert reasons(skipped) == {"garbage_after_frame": (1, 12)}
    assert "impossible block length 13" in skipped.entries["garbage_after_frame"].detail


def test_pcapng_trailer_mismatch_stops(dnp3_ng: bytes) -> None:
    ends = block_ends(dnp3_ng)
    end_of_5th_packet = [end for end, btype in ends if btype == 6][4]
    data = bytearray(dnp3_ng)
    data[end_of_5th_packet - 4 : end_of_5th_packet] = struct.pack("<I", 4)
    frames, skipped = read_bytes(bytes(data))
    assert [f.number for f in frames] == [1, 2, 3, 4]
    assert reasons(skipped) == {"garbage_after_frame": (1, 4)}


def test_pcapng_bad_packet_blocks_are_skipped_and_reading_goes_on() -> None:
    overruns, oversized = b.epb(0, 2, PKT, incl=400), b.epb(0, 3, PKT, incl=300_000)
    too_short = b.block(6, bytes(12))
    data = b.shb() + b.idb(1) + b.epb(0, 1, PKT) + overruns + oversized + too_short + b.epb(0, 4, PKT)
    frames, skipped = read_bytes(data)
    assert [f.number for f in frames] == [1, 5]
    assert reasons(skipped) == {"bad_block": (2, 2), "oversized_record": (1, 3)}


def test_pcapng_unsupported_version_stops() -> None:
    frames, skipped = read_bytes(b.shb(major=2) + b.idb(1) + b.epb(0, 1, PKT))
    assert frames == []
    assert reasons(skipped) == {"unsupported_version": (1, 0)}


def test_pcapng_section_header_without_byte_order_magic_stops() -> None:
    good = b.shb() + b.idb(1) + b.epb(0, 1, PKT)
    broken = bytearray(b.shb())
    broken[8:12] = b"\0\0\0\0"
    frames, skipped = read_bytes(good + bytes(broken) + b.idb(1) + b.epb(0, 2, PKT))
    assert [f.number for f in frames] == [1]
    assert reasons(skipped) == {"garbage_after_frame": (1, 1)}


def test_zero_length_pcap_records_are_frames() -> None:
    header, records = split_pcap(DNP3.read_bytes())
    empty = (struct.pack("<IIII", 1, 2, 0, 0), b"")
    frames, skipped = read_bytes(header + b"".join(h + d for h, d in [*records[:2], empty, *records[2:]]))
    assert len(frames) == 13
    assert frames[2].data == b"" and frames[2].number == 3
    assert not skipped.entries
