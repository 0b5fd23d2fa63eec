"""Opening captures: format by magic, gzip, stdin, chunk boundaries, and what is no capture."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from plantwarden.capture.source import open_capture
from plantwarden.errors import CaptureError
from tests.capture.helpers import read_bytes, read_path, reasons, run
from tests.conftest import SHARED_CAPTURES

DNP3 = SHARED_CAPTURES / "dnp3-iti-select_operate_and_responses.pcap"
S7NG = SHARED_CAPTURES / "s7comm-gymgit-snap7_s300_everything.pcapng"  # classic pcap despite its name
ENIP = SHARED_CAPTURES / "enip-cisa-enip_cip_example.pcap"


@pytest.fixture(scope="module")
def dnp3_ng(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ng") / "dnp3.pcapng"
    run("editcap", "-F", "pcapng", str(DNP3), str(path))
    return path


def test_format_comes_from_the_magic_not_the_name() -> None:
    frames, _ = read_path(S7NG)
    assert len(frames) == 64


@pytest.mark.parametrize("name", ["dnp3", "dnp3_ng"])
def test_gzip_compressed_captures(name: str, dnp3_ng: Path, tmp_path: Path) -> None:
    plain = DNP3 if name == "dnp3" else dnp3_ng
    packed = tmp_path / "capture.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    with open_capture(str(packed)) as source:
        frames = list(source.frames())
    assert frames == read_path(plain)[0]
    assert source.bytes_read == packed.stat().st_size


def test_bytes_read_counts_the_whole_file() -> None:
    with open_capture(str(ENIP)) as source:
        assert sum(1 for _ in source.frames()) == 776
        assert source.bytes_read == ENIP.stat().st_size
        assert source.frames_seen == 776


@pytest.mark.parametrize("chunk", [1, 3, 17, 100, 4096])
@pytest.mark.parametrize("name", ["dnp3", "dnp3_ng"])
def test_records_split_across_chunks(name: str, chunk: int, dnp3_ng: Path) -> None:
    data = (DNP3 if name == "dnp3" else dnp3_ng).read_bytes()
    frames, skipped = read_bytes(data, chunk)
    assert frames == read_bytes(data)[0]
    assert len(frames) == 12
    assert not skipped.entries


def test_gzip_damaged_in_the_middle_reads_what_came_before(tmp_path: Path) -> None:
    packed = gzip.compress(ENIP.read_bytes())
    frames, skipped = read_bytes(packed[: len(packed) // 2])
    assert 0 < len(frames) < 776
    assert frames == read_path(ENIP)[0][: len(frames)]
    assert reasons(skipped)["input_damaged"][1] == len(frames) + 1


STDIN_READER = (
    "import json, sys\n"
    "from plantwarden.capture.source import open_capture\n"
    "with open_capture('-') as s:\n"
    "    f = list(s.frames())\n"
    "print(json.dumps([s.name, len(f), f[0].ts_ns, f[-1].ts_ns, s.skipped.as_list()]))\n"
)


@pytest.mark.parametrize("packed", [False, True], ids=["plain", "gzip"])
def test_stdin_from_a_pipe_fed_in_pieces(packed: bool, dnp3_ng: Path) -> None:
    data = dnp3_ng.read_bytes()
    if packed:
        data = gzip.compress(data)
    reader = subprocess.Popen(
        [sys.executable, "-c", STDIN_READER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=False
    )
    assert reader.stdin is not None
    for start in range(0, len(data), 100):  # small writes: the reader sees partial reads
        reader.stdin.write(data[start : start + 100])
        reader.stdin.flush()
    out, _ = reader.communicate(timeout=60)
    assert reader.returncode == 0
    frames = read_path(DNP3)[0]
    expected = ["<stdin>", 12, frames[0].ts_ns, frames[-1].ts_ns, []]
    assert json.loads(out) == expected


def test_stdin_that_is_no_capture_is_one_line_error() -> None:
    code = "from plantwarden.capture.source import open_capture\nopen_capture('-')"
    done = subprocess.run([sys.executable, "-c", code], input=b"hello\n", capture_output=True, timeout=60)
    assert done.returncode != 0
    assert b"CaptureError: <stdin>: text input, not a pcap or pcapng capture" in done.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file, not a capture"),
        (b"time,value\n1,2\n", "text file, not a pcap or pcapng capture"),
        (b"\x7fELF\x02\x01\x01\x00", "not a pcap or pcapng capture (starts with 7f 45 4c 46)"),
        (b"\xa1\xb2", "not a pcap or pcapng capture (starts with a1 b2)"),
        (gzip.compress(b"just text\n"), "text gzip-compressed data, not a pcap or pcapng capture"),
        (gzip.compress(b""), "empty gzip-compressed data, not a capture"),
        (b"\x1f\x8b\x08\x00garbage", "gzip data damaged"),
        (b"\x34\xcd\xb2\xa1" + bytes(20), "modified (Kuznetzov) pcap"),
    ],
)
def test_what_is_no_capture_raises_capture_error(content: bytes, message: str, tmp_path: Path) -> None:
    path = tmp_path / "input.pcap"
    path.write_bytes(content)
    with pytest.raises(CaptureError) as caught:
        open_capture(str(path))
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_directory_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CaptureError, match=r"is a directory, not a capture file$"):
        open_capture(str(tmp_path))
    with pytest.raises(CaptureError, match=r"nope\.pcap: no such file$"):
        open_capture(str(tmp_path / "nope.pcap"))


def test_frames_twice_goes_on_where_the_first_stopped() -> None:
    with open_capture(str(DNP3)) as source:
        first = next(iter(source.frames()))
        rest = list(source.frames())
        assert list(source.frames()) == []
    assert [first.number] + [f.number for f in rest] == list(range(1, 13))
    assert not source.skipped.entries


class Generous:
    """A raw input whose first read hands out more than asked, as the fast engine's stdin
    wrapper did with the 24 bytes it had already read (``fast.inputs.Prefixed``)."""

    def __init__(self, data: bytes, first: int) -> None:
        self.data, self.first = data, first

    def read(self, size: int = -1, /) -> bytes:
        take = self.first if self.first else (len(self.data) if size < 0 else size)
        self.first = 0
        out, self.data = self.data[:take], self.data[take:]
        return out


@pytest.mark.parametrize("first", [24, 5000])
def test_gzip_from_an_input_that_hands_out_more_than_asked(first: int) -> None:
    from plantwarden.capture.source import CaptureSource
    from plantwarden.fast.inputs import Prefixed

    packed = gzip.compress(DNP3.read_bytes())
    source = CaptureSource("<stdin>", Generous(packed, first))
    assert list(source.frames()) == read_path(DNP3)[0]
    assert not source.skipped.entries
    assert Prefixed(b"0123456789").read(4) == b"0123"  # as a file would: at most what was asked
