#!/usr/bin/env python3
"""UDP benchmark: `analyze` of a capture that is mostly UDP, against tshark, in one run.

    PYTHONPATH=src .venv/bin/python bench/udp_mix.py --packets 1000000 [--before ../main/src] [--no-bacnet]

Builds bench/out/udp-mix-<N>.pcap from the UDP datagrams of real captures the project holds
(the dairy's DNS, BACnet/IP and DHCP from examples/dairy/captures/normal.pcap; EtherNet/IP
class-1 I/O from ../shared/captures/enip-cisa-enip_cip_example.pcap; DNS, mDNS and LLMNR
from dnsmasq and NTP and SNMP from the IT daemons in tests/data/captures; NBNS and SSDP
from two shared captures), merged (``mergecap``) and repeated end to end with ``editcap -t``
until it holds N packets: every payload byte is what a real stack sent. Then it times, in
turn and the same number of times each, ``analyze --no-store`` with this tree's code and, with
``--before``, with another tree's (the code before a change), and ``tshark -T fields``, and
prints the median wall and CPU seconds and packets/s of each.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SOURCES = (
    ROOT / "examples" / "dairy" / "captures" / "normal.pcap",
    ROOT.parent / "shared" / "captures" / "enip-cisa-enip_cip_example.pcap",
    ROOT / "tests" / "data" / "captures" / "it-dnsmasq.pcap",
    ROOT / "tests" / "data" / "captures" / "it-daemons.pcap",
    ROOT.parent / "shared" / "captures" / "attack-lemay-moving_two_files_modbus_6RTU.pcap",
    ROOT.parent / "shared" / "captures" / "mixed-emre-104deneme2.pcap",
)
T0 = 1_795_310_708.0  # the dairy capture's start (2026-11-22)
FIELDS = "-T fields -e ip.src -e ip.dst -e udp.dstport -e dns.qry.type"


def _run(*args: str) -> None:
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)


def _count(path: Path) -> int:
    out = subprocess.run(["capinfos", "-M", "-c", "-T", "-r", str(path)], check=True, capture_output=True,
                         text=True)
    return int(out.stdout.strip().splitlines()[-1].split("\t")[-1])


def _times(path: Path) -> tuple[float, float]:
    """The first and the last packet's time (``capinfos -a -e``, epoch seconds)."""
    cmd = ["capinfos", "-T", "-r", "-S", "-a", "-e", str(path)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    first, last = (float(x) for x in out.stdout.strip().splitlines()[-1].split("\t")[1:3])
    return first, last


def _span(path: Path) -> float:
    first, last = _times(path)
    return last - first


def build(n: int, bacnet: bool = True) -> Path:
    """The UDP datagrams of SOURCES (without BACnet/IP unless ``bacnet``), one after the other,
    doubled until N packets, cut at N."""
    path = OUT / f"udp-mix-{n}.pcap" if bacnet else OUT / f"udp-mix-nobacnet-{n}.pcap"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=OUT) as tmp:
        parts = []
        for i, src in enumerate(SOURCES):
            part = Path(tmp) / f"part{i}.pcap"
            wanted = "udp and !(ip.flags.mf == 1) and !(ip.frag_offset > 0)"
            if not bacnet:
                wanted += " and !(udp.port == 47808)"
            _run("tshark", "-r", str(src), "-Y", wanted, "-F", "pcap", "-w", str(part))
            moved = Path(tmp) / f"moved{i}.pcap"  # every part starts at the same moment
            _run("editcap", "-t", f"{T0 - _times(part)[0]:.6f}", str(part), str(moved))
            parts.append(str(moved))
        cur = Path(tmp) / "base.pcap"
        _run("mergecap", "-F", "pcap", "-w", str(cur), *parts)
        step = 0
        while _count(cur) < n:
            shifted, doubled = Path(tmp) / f"s{step}.pcap", Path(tmp) / f"d{step}.pcap"
            _run("editcap", "-t", f"{_span(cur) + 1:.6f}", str(cur), str(shifted))
            _run("mergecap", "-F", "pcap", "-a", "-w", str(doubled), str(cur), str(shifted))
            cur, step = doubled, step + 1
        _run("editcap", "-r", str(cur), str(path), f"1-{n}")
    return path


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU (user + system of the children) seconds of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--packets", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--before", type=Path, help="the src/ folder of the code to compare with")
    ap.add_argument("--before-runs", type=int, default=1,
                    help="runs of the --before line (the first rounds only: the Python engine is slow)")
    ap.add_argument("--no-tshark", action="store_true")
    ap.add_argument("--no-bacnet", action="store_true", help="leave BACnet/IP out (not in the kernel yet)")
    args = ap.parse_args()
    path = build(args.packets, not args.no_bacnet)
    n = _count(path)
    print(f"{path.name}: {n:,} packets, {path.stat().st_size / 1e6:.0f} MB")
    lines: list[tuple[str, list[str], dict[str, str]]] = []
    here = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    there_path = str(args.before.resolve()) if args.before is not None else ""
    analyze = [sys.executable, "-m", "plantwarden", "analyze", "--no-store", str(path)]
    lines.append(("plantwarden analyze --no-store (this tree)", analyze, here))
    if args.before is not None:
        there = dict(os.environ, PYTHONPATH=there_path)
        lines.append((f"plantwarden analyze --no-store ({args.before})",
                      analyze, there))
    if not args.no_tshark and shutil.which("tshark"):
        tshark = ["tshark", "-n", "-r", str(path), *FIELDS.split()]
        lines.append(("tshark -T fields", tshark, dict(os.environ)))
    timed(lines[0][1], lines[0][2])  # one warm-up (this tree's compiled caches, the page cache)
    results: dict[str, list[tuple[float, float]]] = {name: [] for name, _, _ in lines}
    for k in range(args.runs):  # interleaved: A B C A B C ...
        for name, cmd, env in lines:
            if k < args.before_runs or env.get("PYTHONPATH") != there_path:
                results[name].append(timed(cmd, env))
    print(f"{'command':<60} {'wall s':>8} {'cpu s':>8} {'M pkt/s':>8}   runs (wall)")
    for name, runs in results.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        spread = ", ".join(f"{w:.2f}" for w, _ in runs)
        print(f"{name:<60} {wall:8.2f} {cpu:8.2f} {n / wall / 1e6:8.3f}   {spread}")


if __name__ == "__main__":
    main()
