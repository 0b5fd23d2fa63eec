"""pcapng and gzip through the fast engine (fast.pcapng, fast.ngrun.NgRun), equal to the
pure-Python engine field for field.

Every capture the project has is converted with ``editcap -F pcapng`` (and merged with
``mergecap`` for several interfaces); block kinds real tools do not write (Simple and
obsolete Packet Blocks, other time resolutions and offsets, several sections in both byte
orders, FCS, damage) are built with tests.capture.ngbuild around packets of a real capture.
Each case checks that the kernel walked the capture (``G_ALLPY`` stays 0 where every
interface is plain Ethernet) so that equality is not that of a silent fallback.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from plantwarden.analyze.pipeline import analyze_capture
from plantwarden.capture.filehash import FileHash
from plantwarden.capture.pcap import parse_header, pcap_magic
from plantwarden.detect.engine import Detector
from plantwarden.detect.stream import detect_captures, learn_captures
from plantwarden.fast import engine, inputs, ngrun
from plantwarden.fast import layout as L
from plantwarden.site.loader import load_site
from tests.capture import ngbuild as b
from tests.capture.helpers import run, split_pcap
from tests.fast.test_equivalence import BUSY, CAPTURES, ROOT, _same, _small

DATA = ROOT / "tests" / "data" / "captures"
DAIRY = ROOT / "examples" / "dairy"
PCAPS = [p for p in CAPTURES if p.suffix == ".pcap"]


@cache
def _ng_dir() -> Path:
    import tempfile

    return Path(tempfile.mkdtemp(prefix="pw-pcapng-"))


@cache
def _pcapng(capture: Path) -> Path:
    """``capture`` as pcapng, written by editcap."""
    out = _ng_dir() / (capture.stem + ".pcapng")
    run("editcap", "-F", "pcapng", str(capture), str(out))
    return out


def _linktype(capture: Path) -> int:
    head = capture.read_bytes()[:24]
    assert pcap_magic(head) is not None
    return parse_header(head).linktype


def _fast(path: Path) -> tuple[dict[str, Any], int]:
    """The fast engine's document of ``path`` and how many of its packets the kernel did not
    walk (pcapng packets fast.pcapng.convert could not turn into pcap records: they went to
    Python as frames of their own link type)."""
    opened = engine.open_input(str(path))
    assert isinstance(opened, engine.Opened), "the kernel refused the input"
    walker = ngrun.NgRun if opened.kind == "pcapng" else engine.Run
    r = walker(path.name, opened)
    try:
        r.run(None)
    finally:
        opened.close()
    walked = int(r.t.g[L.G_PACKETS]) - getattr(r, "python_frames", 0)
    doc = r.document(str(path), path.name, FileHash(str(path)).hexdigest())
    r.release()
    return doc, doc["packets"] - walked


def _python(path: Path) -> dict[str, Any]:
    return analyze_capture(path, engine="python").doc


def _equal(path: Path, kernel_only: bool) -> dict[str, Any]:
    """Fast equals Python on ``path``; ``kernel_only``: no packet had to go to Python."""
    fast, handed = _fast(path)
    _same(fast, _python(path))
    assert (handed == 0) is kernel_only, handed
    assert analyze_capture(path, engine="fast").doc["sampling"]["engine"] == "fast"
    return fast


# -- every capture the project has, as pcapng ------------------------------------------------
@pytest.mark.parametrize("capture", PCAPS, ids=lambda p: p.name)
def test_every_capture_as_pcapng_equals_python(capture: Path) -> None:
    ng = _pcapng(capture)
    fast = _equal(ng, kernel_only=_linktype(capture) == 1)
    assert fast["packets"] == _python(capture)["packets"]  # the same packets as the pcap


def test_the_shared_pcapng_goes_through_the_kernel() -> None:
    shared = [p for p in CAPTURES if p.suffix == ".pcapng"]
    assert shared
    for capture in shared:
        _equal(capture, kernel_only=True)


@pytest.mark.parametrize("capture", BUSY, ids=lambda p: p.name)
@pytest.mark.parametrize("mapped", [True, False], ids=["mapped", "stream"])
def test_pcapng_in_small_chunks_equals_python(
    capture: Path, mapped: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Small tables, events, chunks and backlog (test_equivalence._small): blocks are carried
    across chunks, the kernel stops often, every table grows; mapped and read into a buffer."""
    ng = _pcapng(capture)
    python = _python(ng)
    _small(monkeypatch)
    if not mapped:
        monkeypatch.setattr(inputs, "map_file", lambda f: None)
    fast, handed = _fast(ng)
    _same(fast, python)
    assert handed == 0


def test_several_ethernet_interfaces_stay_in_the_kernel(tmp_path: Path) -> None:
    merged = tmp_path / "merged.pcapng"
    sources = [DATA / "detect-modbus.pcap", DATA / "s7comm-snap7.pcap", DATA / "enip-cpppo.pcap"]
    run("mergecap", "-F", "pcapng", "-w", str(merged), *map(str, sources))
    fast = _equal(merged, kernel_only=True)
    assert fast["packets"] == sum(_python(s)["packets"] for s in sources)


def test_interfaces_of_other_link_types_go_to_python(tmp_path: Path) -> None:
    """Ethernet, BACnet MS/TP and BSD loopback interfaces in one file: from the first packet
    the kernel cannot take, every flow and packet is Python's."""
    merged = tmp_path / "mixed.pcapng"
    opcua = ROOT.parent / "shared" / "captures" / "opcua-cisa-python_opcua-client-server_minimal.pcap"
    sources = [DATA / "modbus-pymodbus.pcap", DATA / "bacnet-mstp-bacpypes3.pcap", opcua]
    run("mergecap", "-F", "pcapng", "-w", str(merged), *map(str, sources))
    fast = _equal(merged, kernel_only=False)
    assert {"modbus", "bacapp", "opcua"} <= set(fast["protocols"])


# -- blocks built around real packets -------------------------------------------------------
@cache
def _frames() -> list[tuple[int, bytes, int]]:
    """(timestamp in µs, data, original length) of every packet of a real Modbus capture."""
    _, records = split_pcap((DATA / "modbus-pymodbus.pcap").read_bytes())
    out = []
    for head, data in records:
        sec, usec, _, orig = np.frombuffer(head, "<u4").tolist()
        out.append((sec * 10**6 + usec, data, orig))
    return out


def _section(
    e: str, *, tsresol: int | None = None, tsoffset: int = 0, kinds: str = "e", later: int = 0
) -> bytes:
    """A section of every packet of ``_frames`` (``later`` seconds later) in blocks of
    ``kinds`` (e EPB, s SPB, p PB), in turn, on an Ethernet interface with the given time
    resolution (µs, ns or 2^-20 s) and offset (seconds).

    Time never goes backwards: the kernel keeps a MAC-IP binding's earliest and latest time,
    the Python engine its first and last (the same only in time order)."""
    out = b.shb(e) + b.idb(1, 0, e, tsresol=tsresol, tsoffset=tsoffset or None) + b.nrb(e)
    for i, (stamp, data, orig) in enumerate(_frames()):
        us = stamp + (later - tsoffset) * 10**6
        units = {None: us, 9: us * 1000, 0x80 | 20: (us << 20) // 10**6}[tsresol]
        kind = kinds[i % len(kinds)]
        if kind == "e":
            out += b.epb(0, units, data, orig, e)
        elif kind == "s":
            out += b.spb(data, orig, e)
        else:
            out += b.pb(0, units, data, e)
        if i % 7 == 3:
            out += b.isb(0, e)
    return out


def _write(tmp_path: Path, data: bytes, name: str = "built.pcapng") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("e", ["<", ">"], ids=["little-endian", "big-endian"])
@pytest.mark.parametrize("tsresol", [None, 9, 0x80 | 20], ids=["usec", "nsec", "binary"])
def test_block_kinds_and_time_resolutions(e: str, tsresol: int | None, tmp_path: Path) -> None:
    path = _write(tmp_path, _section(e, tsresol=tsresol, tsoffset=5 if tsresol else 0, kinds="esp"))
    fast = _equal(path, kernel_only=True)
    assert fast["packets"] == len(_frames())


def test_sections_switch_byte_order_and_interfaces(tmp_path: Path) -> None:
    """A second section (big-endian) replaces the interfaces of the first; its packets on an
    interface it never described are skipped as the Python reader skips them."""
    data = _section("<") + _section(">", tsresol=9, later=1) + _section("<", kinds="es", later=2)
    stray = b.epb(
        3, _frames()[-1][0] + 3 * 10**6, _frames()[0][1]
    )  # interface 3 of the last section: never described
    fast = _equal(_write(tmp_path, data + stray), kernel_only=True)
    assert fast["skipped"][0]["reason"] == "unknown_interface"


def test_snaplen_fcs_and_bad_blocks(tmp_path: Path) -> None:
    """Per-interface snaplen (records over it are counted), an interface with FCS (its packets
    go to Python), bad and oversized packet blocks, custom and unknown blocks."""
    frames = _frames()
    e = "<"
    data = b.shb(e) + b.idb(1, 64, e) + b.idb(1, 0, e) + b.custom(e) + b.block(0x0BADBEEF, b"????")
    for i, (us, pkt, orig) in enumerate(frames):
        data += b.epb(i % 2, us, pkt, orig, e)
        if i == 10:
            data += (
                b.epb(1, us, pkt, incl=len(pkt) + 400)
                + b.epb(1, us, pkt, incl=300_000)
                + b.block(6, bytes(12))
            )
    with_fcs = b.idb(1, 0, e, fcslen=4) + b.epb(2, frames[-1][0] + 1, frames[-1][1] + b"\x01\x02\x03\x04")
    fast = _equal(_write(tmp_path, data + with_fcs), kernel_only=False)
    reasons = {s["reason"] for s in fast["skipped"]}
    assert {"caplen_over_snaplen", "bad_block", "oversized_record", "non_packet_record"} <= reasons
    assert "unknown_block_type" in reasons


def test_snaplen_alone_stays_in_the_kernel(tmp_path: Path) -> None:
    data = b.shb() + b.idb(1, 64) + b"".join(b.epb(0, us, pkt, orig) for us, pkt, orig in _frames())
    fast = _equal(_write(tmp_path, data), kernel_only=True)
    assert [s["reason"] for s in fast["skipped"]] == ["caplen_over_snaplen"]


# -- damage --------------------------------------------------------------------------------
def _ends(data: bytes) -> list[int]:
    ends, pos = [], 0
    while pos + 8 <= len(data):
        pos += int(np.frombuffer(data[pos + 4 : pos + 8], "<u4")[0])
        ends.append(pos)
    return ends


def test_truncated_pcapng_equals_python(tmp_path: Path) -> None:
    """Cut inside the section header, an interface block, a packet block's header, its data
    and its trailer, and at a block boundary."""
    data = _pcapng(DATA / "modbus-pymodbus.pcap").read_bytes()
    ends = _ends(data)
    for cut in (20, ends[0] + 10, ends[5] + 5, ends[5] + 40, ends[6] - 2, ends[9], len(data) - 1):
        path = _write(tmp_path, data[:cut], f"cut{cut}.pcapng")
        fast = _equal(path, kernel_only=True)
        if cut != ends[9]:
            assert fast["skipped"][-1]["reason"] == "truncated_record", cut


def test_bad_block_length_trailer_and_byte_order_equal_python(tmp_path: Path) -> None:
    data = _pcapng(DATA / "modbus-pymodbus.pcap").read_bytes()
    ends = _ends(data)
    garbage = data + b"\x06\x00\x00\x00\x0d\x00\x00\x00" + b"\xee" * 40
    trailer = bytearray(data)
    trailer[ends[8] - 4 : ends[8]] = (4).to_bytes(4, "little")
    broken_shb = bytearray(b.shb())
    broken_shb[8:12] = bytes(4)
    mid_file = data[: ends[12]] + bytes(broken_shb) + data[ends[12] :]
    for name, variant in (("garbage", garbage), ("trailer", bytes(trailer)), ("magic", mid_file)):
        fast = _equal(_write(tmp_path, variant, name + ".pcapng"), kernel_only=True)
        assert [s["reason"] for s in fast["skipped"]] == ["garbage_after_frame"], name


# -- gzip and standard input ----------------------------------------------------------------
@pytest.mark.parametrize("kind", ["pcap", "pcapng"])
def test_gzip_files_go_through_the_kernel(kind: str, tmp_path: Path) -> None:
    plain = DAIRY / "captures" / "normal.pcap"
    source = plain if kind == "pcap" else _pcapng(plain)
    squeezed = _write(tmp_path, gzip.compress(source.read_bytes()), f"normal.{kind}.gz")
    fast = _equal(squeezed, kernel_only=True)
    assert fast["size"] == squeezed.stat().st_size
    assert fast["packets"] == _python(plain)["packets"]
    damaged = _write(tmp_path, squeezed.read_bytes()[: squeezed.stat().st_size // 2], f"half.{kind}.gz")
    fast = _equal(damaged, kernel_only=True)
    assert "input_damaged" in {s["reason"] for s in fast["skipped"]}


@pytest.mark.parametrize("squeeze", [False, True], ids=["plain", "gzip"])
def test_pcapng_on_stdin_goes_through_the_kernel(squeeze: bool) -> None:
    ng = _pcapng(DATA / "detect-ops.pcap")
    data = ng.read_bytes()
    cmd = [sys.executable, "-m", "plantwarden", "analyze", "--no-store", "--json", "-"]
    done = subprocess.run(
        cmd, input=gzip.compress(data) if squeeze else data, capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr
    piped = json.loads(done.stdout)["captures"][0]
    file = _python(ng)
    assert piped["sampling"]["engine"] == "fast"
    for key in ("packets", "bytes", "hosts", "conversations", "protocols", "flows", "skipped", "identities"):
        assert piped[key] == file[key], key


def test_gzip_stdin_the_kernel_cannot_read_is_replayed_to_python() -> None:
    """A gzip'd pcap of another link type on stdin: the bytes gzip detection consumed are
    handed to the Python engine, which reads the whole capture."""
    capture = DATA / "bacnet-mstp-bacpypes3.pcap"
    cmd = [sys.executable, "-m", "plantwarden", "analyze", "--no-store", "--json", "-"]
    done = subprocess.run(cmd, input=gzip.compress(capture.read_bytes()), capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    piped = json.loads(done.stdout)["captures"][0]
    assert piped["sampling"]["engine"] == "python"
    assert piped["packets"] == _python(capture)["packets"] and piped["skipped"] == []


# -- detection -----------------------------------------------------------------------------
def test_detection_on_pcapng_equals_python() -> None:
    """The dairy's incidents as pcapng, with a baseline learned from its normal day: the same
    alerts as the Python engine, and the kernel judged requests."""
    incidents = _pcapng(DAIRY / "captures" / "incidents.pcap")
    baseline = learn_captures([str(DAIRY / "captures" / "normal.pcap")])
    site = load_site(DAIRY / "site.yaml")
    results = []
    for which in ("fast", "python"):
        detector = Detector(baseline, site)
        alerts = [a.to_json() for a in detect_captures([str(incidents)], detector, engine=which).alerts]
        results.append((alerts, detector.kernel))
    (fast, used), (slow, _) = results
    assert fast == slow and fast
    assert used["records"] > 1000, used


@pytest.mark.parametrize("mapped", [True, False], ids=["mapped", "stream"])
def test_sections_across_small_chunks_equal_python(
    mapped: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four editcap files one after the other (four sections, one of BACnet MS/TP between
    plant traffic) in the small settings: section and interface blocks and the first packet
    the kernel cannot take fall anywhere in a chunk, blocks are carried across chunks."""
    parts = [
        DAIRY / "captures" / "normal.pcap",
        DAIRY / "captures" / "incidents.pcap",
        DATA / "bacnet-mstp-bacpypes3.pcap",
        DATA / "detect-ops.pcap",
    ]
    path = _write(tmp_path, b"".join(_pcapng(p).read_bytes() for p in parts), "sections.pcapng")
    python = _python(path)
    _small(monkeypatch)
    if not mapped:
        monkeypatch.setattr(inputs, "map_file", lambda f: None)
    fast, handed = _fast(path)
    _same(fast, python)
    assert handed == _python(parts[2])["packets"]  # the MS/TP packets (the rest the kernel walked)
    assert fast["packets"] == sum(_python(p)["packets"] for p in parts)
