"""Evidence at opening: the alerts' frames and the window around them copied into a pcap whose
SHA-256 is stored; re-read by independent readers (dpkt, tshark), it holds exactly the frames
named and the source's frames of the window, bytes and times unchanged."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
from pathlib import Path

import dpkt
import pytest

from plantwarden.incidents import service
from plantwarden.incidents.service import OpenRequest
from plantwarden.site.model import SiteModel
from tests.conftest import ROOT

from .helpers import plc_stop, program_download

SOURCE = ROOT / "examples" / "dairy" / "captures" / "incidents.pcap"


def frames(path: Path) -> list[tuple[int, bytes]]:
    """(nanosecond time, bytes) of every frame, as dpkt reads them."""
    with open(path, "rb") as f:
        return [(round(float(ts) * 1e9), bytes(buf)) for ts, buf in dpkt.pcap.Reader(f)]


def test_the_evidence_file_holds_exactly_the_frames_named(
    demo_db: str, dairy: SiteModel, tmp_path: Path
) -> None:
    req = OpenRequest(
        alerts=(plc_stop(demo_db), program_download(demo_db)),
        by="jonas",
        why="two alerts",
        evidence_dir=tmp_path / "ev",
        window_s=2.0,
    )
    inc = service.open_incident(demo_db, None, req, dairy)
    (ev,) = inc.evidence
    path = Path(ev.path)
    assert path.parent == (tmp_path / "ev").resolve()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == ev.sha256 and path.stat().st_size == ev.size
    assert ev.source_sha256 == hashlib.sha256(SOURCE.read_bytes()).hexdigest()
    assert ev.taken_by == "jonas" and ev.source_name == "incidents.pcap" and ev.source_path == str(SOURCE)
    assert ev.named == [3428, 8985]  # the program download and the PLC STOP request
    source = frames(SOURCE)
    # the window, computed here from dpkt's times: alerts' first/last detection +- 2 s
    first, last = 1795310872.1654131, 1795310933.2777028
    expected = sorted(
        {n for n, (ts, _) in enumerate(source, 1) if (first - 2) * 1e9 <= ts <= (last + 2) * 1e9}
        | {3428, 8985}
    )
    assert ev.copied == expected
    copied = frames(path)
    assert copied == [source[n - 1] for n in ev.copied]
    tshark = shutil.which("tshark")
    if tshark is None:
        pytest.skip("tshark is not installed")
    out = subprocess.run(
        [
            tshark,
            "-r",
            str(path),
            "-Y",
            "s7comm.param.func == 0x29 || s7comm.param.func == 0x1a",
            "-T",
            "fields",
            "-e",
            "frame.time_epoch",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert "1795310933.277703000" in out and "1795310872.165413000" in out
    total = subprocess.run([tshark, "-r", str(path)], capture_output=True, text=True, check=True).stdout
    assert len(total.splitlines()) == len(ev.copied)


def _repoint(db: str, path: str) -> None:
    con = sqlite3.connect(db.removeprefix("sqlite:///"))
    with con:
        con.execute(
            "UPDATE captures SET document = json_set(document, '$.path', ?) WHERE name = ?",
            (path, "incidents.pcap"),
        )
    con.close()


@pytest.mark.parametrize("damage", ["gone", "changed"])
def test_a_capture_gone_or_changed_is_not_copied_and_the_incident_says_why(
    demo_db: str, dairy: SiteModel, tmp_path: Path, damage: str
) -> None:
    moved = tmp_path / "incidents.pcap"
    if damage == "changed":
        data = bytearray(SOURCE.read_bytes())
        data[-1] ^= 0xFF
        moved.write_bytes(bytes(data))
    _repoint(demo_db, str(moved))
    req = OpenRequest(alerts=(plc_stop(demo_db),), by="jonas", why="x", evidence_dir=tmp_path / "ev")
    inc = service.open_incident(demo_db, None, req, dairy)
    assert inc.evidence == []
    (note,) = [e for e in inc.entries if e.kind == "evidence"]
    assert (
        "not preserved" in note.text
        and ("is gone" if damage == "gone" else "changed since its analysis") in note.text
    )
    assert list((tmp_path / "ev").iterdir()) == []
