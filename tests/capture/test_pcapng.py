"""pcapng: blocks, options, sections and interfaces, checked against tshark where it reads them."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from plantwarden.capture.pcapng_blocks import options, ts_scale
from tests.capture import ngbuild as b
from tests.capture.helpers import (
    read_bytes,
    read_path,
    reasons,
    run,
    split_pcap,
    to_raw_ip,
    tshark_frames,
    usec,
    with_linktype_field,
)
from tests.conftest import SHARED_CAPTURES

PKT = bytes(range(60))
MODBUS = SHARED_CAPTURES / "modbus-iti-modbus_test_data_part1.pcap"
OPCUA = SHARED_CAPTURES / "opcua-cisa-python_opcua-client-server_minimal.pcap"  # LINKTYPE_NULL
S1 = 1_600_000_000


def every_block_kind(e: str) -> bytes:
    """One section using every block kind and three time resolutions."""
    interfaces = b.idb(1, 0, e) + b.idb(1, 0, e, tsresol=9) + b.idb(1, 0, e, tsresol=0x80 | 20, tsoffset=1000)
    packets = (
        b.epb(0, S1 * 10**6 + 123456, PKT, e=e)
        + b.epb(1, S1 * 10**9 + 123456789, PKT, e=e)
        + b.epb(2, (S1 << 20) + (1 << 19), PKT, e=e)
        + b.isb(0, e)
        + b.custom(e)
        + b.spb(PKT, e=e)
        + b.pb(0, (S1 + 1) * 10**6, PKT, e=e)
    )
    return b.shb(e) + interfaces + b.nrb(e) + packets


@pytest.mark.parametrize("e", ["<", ">"], ids=["little-endian", "big-endian"])
def test_every_block_kind_against_tshark(e: str, tmp_path: Path) -> None:
    path = tmp_path / "blocks.pcapng"
    path.write_bytes(every_block_kind(e))
    frames, skipped = read_path(path)
    expected = [
        (1, S1 * 10**9 + 123456000),
        (2, S1 * 10**9 + 123456789),
        (3, (S1 + 1000) * 10**9 + 500_000_000),
        (5, (S1 + 1000) * 10**9 + 500_000_000),
        (6, (S1 + 1) * 10**9),
    ]
    assert [(f.number, f.ts_ns) for f in frames] == expected  # the SPB (5) has the time before it
    assert all(f.data == PKT and f.linktype == 1 for f in frames)
    assert reasons(skipped) == {"non_packet_record": (1, 4)}
    tshark = tshark_frames(path)
    assert len(tshark) == 6
    assert [tshark[f.number - 1][0] for f in frames if f.number != 5] == [
        usec(f.ts_ns) for f in frames if f.number != 5
    ]


def test_new_section_resets_interfaces_and_byte_order() -> None:
    first = b.shb("<") + b.idb(1) + b.idb(101) + b.epb(0, 1, PKT) + b.epb(1, 2, PKT[14:])
    second = b.shb(">") + b.idb(101, 0, ">") + b.epb(0, 3, PKT[14:], e=">") + b.epb(1, 4, PKT, e=">")
    frames, skipped = read_bytes(first + second + b.epb(0, 5, PKT[14:], e=">"))
    assert [(f.number, f.linktype, f.ts_ns) for f in frames] == [
        (1, 1, 1000),
        (2, 101, 2000),
        (3, 101, 3000),
        (5, 101, 5000),
    ]
    assert reasons(skipped) == {"unknown_interface": (1, 4)}


def test_simple_packet_block_uses_the_snaplen_of_interface_zero(tmp_path: Path) -> None:
    path = tmp_path / "spb.pcapng"
    path.write_bytes(b.shb() + b.idb(1, 40) + b.epb(0, 7, PKT[:40], orig=60) + b.spb(PKT[:40], orig=60))
    frames, skipped = read_path(path)
    assert [(len(f.data), f.orig_len, f.ts_ns) for f in frames] == [(40, 60, 7000), (40, 60, 7000)]
    assert reasons(skipped) == {"cut_by_snaplen": (2, 1)}
    assert [n for _, n in tshark_frames(path)] == [40, 40]


def test_fcs_length_option_cuts_the_fcs_off() -> None:
    frames, skipped = read_bytes(b.shb() + b.idb(1, 0, fcslen=4) + b.epb(0, 1, PKT))
    assert not skipped.entries
    assert [f.data for f in frames] == [PKT[:-4]]
    assert frames[0].orig_len == 60


def test_unknown_interface_and_link_type_are_counted_per_frame() -> None:
    packets = b.epb(0, 1, PKT) + b.epb(1, 2, PKT) + b.epb(0, 3, PKT) + b.epb(7, 4, PKT)
    data = b.shb() + b.idb(147) + b.idb(1) + packets
    frames, skipped = read_bytes(data)
    assert [f.number for f in frames] == [2]
    assert reasons(skipped) == {"unknown_linktype": (2, 1), "unknown_interface": (1, 4)}
    assert "147" in skipped.entries["unknown_linktype"].detail


def test_mergecap_of_different_link_types(tmp_path: Path) -> None:
    raw = tmp_path / "raw.pcap"
    raw.write_bytes(to_raw_ip(MODBUS.read_bytes())[0])
    merged = tmp_path / "merged.pcapng"
    run("mergecap", "-F", "pcapng", "-w", str(merged), str(MODBUS), str(raw), str(OPCUA))
    frames, skipped = read_path(merged)
    assert {f.linktype for f in frames} == {0, 1, 101}
    assert [(usec(f.ts_ns), len(f.data)) for f in frames] == tshark_frames(merged)
    parts = [read_path(p)[0] for p in (MODBUS, raw, OPCUA)]
    assert len(frames) == sum(len(p) for p in parts)
    assert not skipped.entries


def test_mergecap_with_an_unknown_link_type(tmp_path: Path) -> None:
    odd = tmp_path / "user0.pcap"
    odd.write_bytes(with_linktype_field(MODBUS.read_bytes(), 147))
    merged = tmp_path / "merged.pcapng"
    run("mergecap", "-F", "pcapng", "-w", str(merged), str(OPCUA), str(odd))
    frames, skipped = read_path(merged)
    out = run("tshark", "-r", str(merged), "-T", "fields", "-e", "frame.number", "-e", "frame.interface_id")
    rows = [line.split("\t") for line in out.splitlines()]
    user0 = [int(n) for n, iface in rows if iface == "1"]
    assert [f.number for f in frames] == [int(n) for n, iface in rows if iface == "0"]
    assert reasons(skipped) == {"unknown_linktype": (len(split_pcap(odd.read_bytes())[1]), user0[0])}


@pytest.mark.parametrize(
    ("tsresol", "scale"),
    [
        (6, (1000, 1)),
        (9, (1, 1)),
        (0, (10**9, 1)),
        (12, (1, 1000)),
        (0x94, (10**9, 1 << 20)),
        (0x80, (10**9, 1)),
    ],
)
def test_timestamp_resolutions(tsresol: int, scale: tuple[int, int]) -> None:
    assert ts_scale(tsresol) == scale


def test_options_stop_at_the_end_marker_and_at_overruns() -> None:
    body = b.option(9, b"\x09") + b.option(2, b"eth0") + b.end_of_options() + b.option(3, b"after end")
    assert options(body, 0, len(body), "<") == {9: b"\x09", 2: b"eth0"}
    overrun = struct.pack("<HH", 2, 200) + b"short"
    assert options(overrun, 0, len(overrun), "<") == {}
