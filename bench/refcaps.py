"""The benchmark's two reference captures, made once into bench/out/ (not committed).

- ``plant``: ../shared/tools/plantcap (pymodbus, python-snap7, asyncua, cpppo on loopback),
  scaled by its ``scale_pcap.py``;
- ``util``: the utility and building mix of ``bench/utilcap.py`` (c104, bacpypes3, cpppo,
  dnspython, impacket, ntplib on loopback; DNP3 and class-1 I/O from the public captures),
  scaled by ``bench/utilscale.py`` (plantcap's method, for TCP and UDP).

Each also as pcapng (``editcap -F pcapng``), as gzip'd pcap, and its first 10 % of packets
(``editcap -r``: what the stale baseline is learned on).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLANTCAP = ROOT.parent / "shared" / "tools" / "plantcap"
BENCH = ROOT / "bench"
OUT = BENCH / "out"
PY = sys.executable
NAMES = ("plant", "util")


def seed(cap: str) -> Path:
    path = OUT / ("seed.pcap" if cap == "plant" else "util-seed.pcap")
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        tool = PLANTCAP / "gen_seed.py" if cap == "plant" else BENCH / "utilcap.py"
        seconds = "30" if cap == "plant" else "20"
        subprocess.run([PY, str(tool), str(path), "--seconds", seconds], check=True)
    return path


def scaled(n: int, cap: str = "plant") -> Path:
    path = OUT / f"{cap}-{n}.pcap"
    if not path.exists():
        tool = PLANTCAP / "scale_pcap.py" if cap == "plant" else BENCH / "utilscale.py"
        subprocess.run([PY, str(tool), str(seed(cap)), str(path), str(n)], check=True)
    return path


def as_pcapng(n: int, cap: str = "plant") -> Path:
    """The same packets as ``scaled(n)``, written as pcapng by editcap (what Wireshark and
    dumpcap write by default: one Enhanced Packet Block per packet)."""
    path = OUT / f"{cap}-{n}.pcapng"
    if not path.exists():
        subprocess.run(["editcap", "-F", "pcapng", str(scaled(n, cap)), str(path)], check=True)
    return path


def as_gzip(n: int, cap: str = "plant") -> Path:
    """The same packets as ``scaled(n)``, gzip-compressed (level 1)."""
    path = OUT / f"{cap}-{n}.pcap.gz"
    if not path.exists():
        with path.open("wb") as out:
            subprocess.run(["gzip", "-1", "-c", str(scaled(n, cap))], check=True, stdout=out)
    return path


def head(n: int, cap: str = "plant", share: float = 0.1) -> Path:
    """The first ``share`` of ``scaled(n)``'s packets (the stale baseline's capture)."""
    k = max(1, int(n * share))
    path = OUT / f"{cap}-{n}-first{k}.pcap"
    if not path.exists():
        subprocess.run(["editcap", "-F", "pcap", "-r", str(scaled(n, cap)), str(path), f"1-{k}"], check=True)
    return path


def learned(path: Path, db: Path) -> Path:
    """A store holding the baseline ``baseline learn`` makes of ``path`` (made once)."""
    if not db.exists():
        tmp = db.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        subprocess.run([str(Path(PY).parent / "plantwarden"), "baseline", "learn", "--db", f"sqlite:///{tmp}",
                        str(path)], check=True, stdout=subprocess.DEVNULL)
        tmp.rename(db)
    return db


def stale_baseline(n: int, cap: str) -> Path:
    """The baseline learned on the first 10 % of ``scaled(n)``: most pairs of the rest are new."""
    return learned(head(n, cap), OUT / f"stale-{cap}-{n}.db")
