"""Classic pcap: the shared captures against tshark's truth, and variants of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from plantwarden.capture.pcap import parse_header
from plantwarden.capture.records import SUPPORTED_LINKTYPES
from tests.capture.helpers import (
    read_bytes,
    read_path,
    reasons,
    run,
    split_pcap,
    to_big_endian,
    to_raw_ip,
    truth_usec,
    usec,
    with_linktype_field,
    with_snaplen,
)
from tests.conftest import SHARED_CAPTURES, shared_captures, truth_for

CAPTURES = shared_captures()
DNP3 = SHARED_CAPTURES / "dnp3-iti-select_operate_and_responses.pcap"
MODBUS = SHARED_CAPTURES / "modbus-iti-modbus_test_data_part1.pcap"
INFO_ONLY = {"cut_by_snaplen"}


def test_the_shared_captures_are_there(shared_dir: Path) -> None:
    assert len(CAPTURES) >= 12


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda p: p.name)
def test_shared_capture_matches_tshark_truth(capture: Path) -> None:
    truth = truth_for(capture)
    frames, skipped = read_path(capture)
    assert len(frames) == truth["packets"]
    assert [f.number for f in frames] == list(range(1, len(frames) + 1))
    assert usec(frames[0].ts_ns) == truth_usec(truth["first_ts"])
    assert usec(frames[-1].ts_ns) == truth_usec(truth["last_ts"])
    assert {f.linktype for f in frames} <= SUPPORTED_LINKTYPES
    assert set(reasons(skipped)) <= INFO_ONLY


def test_frames_cut_by_snaplen_are_yielded_and_counted() -> None:
    capture = SHARED_CAPTURES / "enip-cisa-enip_cip_example.pcap"
    frames, skipped = read_path(capture)
    cut = [f.number for f in frames if len(f.data) < f.orig_len]
    assert cut, "this capture holds frames cut by its snaplen"
    assert reasons(skipped)["cut_by_snaplen"] == (len(cut), cut[0])


@pytest.mark.parametrize("fmt", ["pcapng", "nsecpcap", "pcap"])
@pytest.mark.parametrize("capture", CAPTURES, ids=lambda p: p.name)
def test_editcap_conversions_read_the_same_frames(capture: Path, fmt: str, tmp_path: Path) -> None:
    converted = tmp_path / f"converted.{fmt}"
    run("editcap", "-F", fmt, str(capture), str(converted))
    original, _ = read_path(capture)
    frames, skipped = read_path(converted)
    assert frames == original
    assert set(reasons(skipped)) <= INFO_ONLY


def test_nanosecond_pcap_keeps_nanoseconds(tmp_path: Path) -> None:
    shifted = tmp_path / "shifted.pcap"
    run("editcap", "-F", "nsecpcap", "-t", "0.000000123", str(DNP3), str(shifted))
    original, _ = read_path(DNP3)
    frames, _ = read_path(shifted)
    assert parse_header(shifted.read_bytes()[:24]).nanos
    assert [f.ts_ns for f in frames] == [f.ts_ns + 123 for f in original]


def test_big_endian_pcap_reads_like_little_endian() -> None:
    data = MODBUS.read_bytes()
    swapped = to_big_endian(data)
    assert swapped[:4] == b"\xa1\xb2\xc3\xd4"
    assert read_bytes(swapped)[0] == read_bytes(data)[0]


def test_fcs_bits_in_the_link_type_field_cut_the_fcs_off() -> None:
    data = MODBUS.read_bytes()
    with_fcs = with_linktype_field(data, 1 | 0x04000000 | (2 << 28))  # Ethernet, 2 words = 4 bytes
    header = parse_header(with_fcs[:24])
    assert (header.linktype, header.fcs_len) == (1, 4)
    original, _ = read_bytes(data)
    frames, skipped = read_bytes(with_fcs)
    assert [f.data for f in frames] == [f.data[:-4] for f in original]
    assert [f.orig_len for f in frames] == [f.orig_len for f in original]
    assert reasons(skipped)["fcs_removed"] == (len(frames), 1)


def test_reserved_bits_of_the_link_type_field_are_ignored() -> None:
    data = MODBUS.read_bytes()
    frames, skipped = read_bytes(with_linktype_field(data, 1 | 0x00120000))
    assert frames == read_bytes(data)[0]
    assert not skipped.entries


def test_unknown_link_type_frames_are_counted_not_yielded() -> None:
    data = with_linktype_field(MODBUS.read_bytes(), 147)  # LINKTYPE_USER0
    frames, skipped = read_bytes(data)
    assert frames == []
    entry = skipped.entries["unknown_linktype"]
    assert (entry.count, entry.first_frame) == (len(split_pcap(data)[1]), 1)
    assert "147" in entry.detail


def test_raw_ip_capture(tmp_path: Path) -> None:
    raw, payloads = to_raw_ip(MODBUS.read_bytes())
    path = tmp_path / "raw.pcap"
    path.write_bytes(raw)
    frames, skipped = read_path(path)
    assert [f.data for f in frames] == payloads
    assert {f.linktype for f in frames} == {101}
    assert run("tshark", "-r", str(path), "-T", "fields", "-e", "ip.src").count("\n") == len(frames)
    assert not skipped.entries


def test_caplen_over_snaplen_is_counted_and_the_frame_kept() -> None:
    data = MODBUS.read_bytes()
    original, _ = read_bytes(data)
    frames, skipped = read_bytes(with_snaplen(data, 64))
    assert frames == original
    over = [f.number for f in original if len(f.data) > 64]
    assert reasons(skipped)["caplen_over_snaplen"] == (len(over), over[0])
