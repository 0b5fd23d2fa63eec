"""Random and mutated input: no exception escapes a reader, every read ends.

Bounded: each test runs at most ``max_examples`` small inputs with a per-example deadline.
"""

from __future__ import annotations

import gzip
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plantwarden.capture.pcap import MAX_CAPLEN
from plantwarden.capture.records import SUPPORTED_LINKTYPES
from plantwarden.capture.source import CaptureSource
from plantwarden.errors import CaptureError
from tests.capture import ngbuild as b
from tests.conftest import SHARED_CAPTURES

SEEDS = [
    (SHARED_CAPTURES / "dnp3-iti-select_operate_and_responses.pcap").read_bytes(),
    (SHARED_CAPTURES / "bacnet-cisa-bacnet_error_reject_abort.pcap").read_bytes(),
    b.shb()
    + b.idb(1)
    + b.idb(101, 64, tsresol=0x80 | 10)
    + b.epb(0, 5, bytes(60))
    + b.nrb()
    + b.spb(bytes(60))
    + b.epb(1, 9, bytes(30))
    + b.shb(">")
    + b.idb(1, 0, ">")
    + b.pb(0, 10, bytes(42), e=">")
    + b.custom(">"),
]
FUZZ = settings(max_examples=250, deadline=2000, suppress_health_check=[HealthCheck.too_slow])


def check_reads(data: bytes, chunk: int = 64) -> None:
    """Open and read ``data``; only CaptureError at open is allowed, and frames must be sane."""
    try:
        source = CaptureSource("fuzz", io.BytesIO(data), chunk)
    except CaptureError:
        return
    with source:
        last = 0
        for frame in source.frames():
            assert frame.number > last
            assert len(frame.data) <= MAX_CAPLEN
            assert frame.linktype in SUPPORTED_LINKTYPES
            last = frame.number
        assert source.frames_seen >= last
        assert all(e.count > 0 and e.reason for e in source.skipped.entries.values())


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes(data: bytes) -> None:
    check_reads(data)


@FUZZ
@given(st.sampled_from([b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\x3c\x4d", b.shb()[:4]]), st.binary(max_size=2000))
def test_random_bytes_behind_a_capture_magic(magic: bytes, rest: bytes) -> None:
    check_reads(magic + rest)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A real or built capture with bit flips, a cut, and a splice of another one."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 8))):
        pos = draw(st.integers(0, len(data) - 1))
        data[pos] ^= 1 << draw(st.integers(0, 7))
    if draw(st.booleans()):
        other = draw(st.sampled_from(SEEDS))
        at, frm = draw(st.integers(0, len(data))), draw(st.integers(0, len(other)))
        data[at:] = other[frm:]
    return bytes(data[: draw(st.integers(0, len(data)))])


@FUZZ
@given(mutated(), st.sampled_from([7, 64, 1 << 20]))
def test_mutated_captures(data: bytes, chunk: int) -> None:
    check_reads(data, chunk)


@settings(max_examples=40, deadline=2000)
@given(mutated())
def test_mutated_gzip_captures(data: bytes) -> None:
    packed = bytearray(gzip.compress(data))
    packed[len(packed) // 2] ^= 0x10
    check_reads(bytes(packed))
