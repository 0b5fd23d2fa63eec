#!/usr/bin/env python3
"""Capture-engine benchmark: plantwarden against tshark, nfstream and dpkt, in one run.

    make bench                      # both reference captures, 1 M and 10 M packets
    .venv/bin/python bench/run.py --sizes 1000000

Two reference captures (bench/refcaps.py), each made once into bench/out/ (not committed):
``plant`` by ../shared/tools/plantcap (Modbus/TCP, S7comm, OPC UA, EtherNet/IP from real
stacks on loopback; needs root and tcpdump; about a minute), ``util`` by bench/utilcap.py
(the utility and building mix: IEC 104, BACnet/IP, EtherNet/IP, DNS, NBNS, NTP, SMB from real
stacks, DNP3 and class-1 I/O from the public captures) and bench/utilscale.py; each scaled to
every size. Every tool runs on every size and capture and the script prints packets/s, MB/s
and peak RSS (GNU time's maximum resident set size) side by side; each command runs once more
for the summed PSS of its processes (sampling slows the run it samples, so that run is not
timed). With detection (unless ``--no-detect``) it learns each capture's baseline from the
run's largest size once (``baseline learn``) and adds the lines of ``analyze --detect`` and
``detect`` against it; unless ``--no-stale``, also ``analyze --detect`` against a baseline
learned on the capture's first 10 % (most pairs of the rest unknown to it). Unless
``--no-formats``, the same packets also run as pcapng (``editcap -F pcapng``; file and stdin,
and tshark on it) and as gzip'd pcap. For sizes up to ``--learn-max`` (1 M), the ``baseline
learn`` line. Then the whole command on the dairy's 9,760-packet capture, the time ratios of
the same packets in other formats, and issue 19's checklist (bench/checklist.py): each
required ratio met or not met with its figure. The equality check compares both engines'
documents (and alerts) on ``--check`` packets of each capture, as pcap and as pcapng.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import checklist
from refcaps import NAMES, OUT, PY, ROOT, as_gzip, as_pcapng, learned, scaled, stale_baseline
from rich.console import Console
from rich.table import Table

BIN = Path(PY).parent
DAIRY = ROOT / "examples" / "dairy" / "captures" / "normal.pcap"  # 9,760 packets: the small capture


def _tree(pid: int) -> list[int]:
    out = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                for child in f.read().split():
                    out += _tree(int(child))
    except OSError:
        pass
    return out


def _comm(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return ""


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure(cmd: str, sample: bool = False) -> tuple[float, float, bool, float]:
    """Wall seconds, peak RSS (MiB, GNU time: the largest single process), success, and, with
    ``sample``, the peak of the summed PSS (MiB) of every process of the command, sampled every
    25 ms (the store import runs in a forked child, so the memory of the whole command is the
    sum; 0.0 without ``sample``).

    Sampling is for a run of its own, not a timed one: reading ``smaps_rollup`` walks the
    process's page tables under its memory-map lock, which the kernel's walk over the mapped
    capture (page faults, ``MADV_DONTNEED``) needs too. Measured 2026-12-03 on the 10 M
    capture: 3.87 s unsampled, 4.81 s sampled (medians of 7)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(
        ["/usr/bin/time", "-f", "%M", "bash", "-c", cmd],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    pss = 0
    if sample:
        while p.poll() is None:
            pss = max(pss, sum(_pss_kib(q) for q in _tree(p.pid) if _comm(q) not in ("time", "bash")))
            time.sleep(0.025)
    _, stderr = p.communicate()
    wall = time.perf_counter() - t0
    rss_kib = int(stderr.strip().splitlines()[-1]) if stderr.strip() else 0
    return wall, rss_kib / 1024, p.returncode == 0, pss / 1024


def baseline_db(console: Console, cap: str, n: int) -> Path:
    """A store holding the baseline learned from the ``n``-packet capture (the run's largest;
    made once, by ``baseline learn``: the fast engine's pass)."""
    path = OUT / f"baseline-{cap}-{n}.db"
    if not path.exists():
        console.print(f"learning the {cap} baseline from {n:,} packets once (baseline learn)")
    return learned(scaled(n, cap), path)


LEARN_LINE = "plantwarden baseline learn (file)"
STALE_LINE = "plantwarden analyze --detect, stale baseline (first 10 %)"
FIELDS = {  # tshark -T fields: the addresses and each protocol's code
    "plant": "-T fields -e ip.src -e ip.dst -e modbus.func_code",
    "util": "-T fields -e ip.src -e ip.dst -e dnp3.al.func -e iec60870_asdu.typeid",
}


def tools(n: int, cap: str, baseline: Path | None, formats: bool, learn: bool = False,
          stale: Path | None = None) -> list[tuple[str, str]]:
    """Each tool's shell command. plantwarden runs its whole default path: analysis, the store
    (a new SQLite file each run), the inventory and the JSON document (``--out FILE``); with
    ``--detect``, also detection against the stored baseline (a fresh copy of its store):
    once as every run after the first finds it (its tables in the per-user cache), once as the
    first run after a new baseline version (the cache off); with ``stale``, against the
    baseline learned on the capture's first 10 % (issue 19: >= 1 M packets/s, <= 512 MiB).
    With ``formats``, the same packets as pcapng (file and stdin) and as gzip'd pcap. With
    ``learn``, ``baseline learn`` of the capture into a new store (issue 19: within 2x of the
    time of ``analyze``)."""
    path = scaled(n, cap)
    pw = BIN / "plantwarden"
    db, doc = OUT / "bench.db", OUT / "analyze.json"
    whole = f"{pw} analyze --db sqlite:///{db} --out {doc}"
    out = [
        ("plantwarden analyze (file)", f"rm -f {db} && {whole} {path} > /dev/null"),
        ("plantwarden analyze (stdin)", f"rm -f {db} && cat {path} | {whole} - > /dev/null"),
    ]
    if learn:
        out.append((LEARN_LINE, f"rm -f {db} && {pw} baseline learn --db sqlite:///{db} {path} > /dev/null"))
    if baseline is not None:
        fresh = f"rm -f {db} && cp {baseline} {db}"
        out += [
            ("plantwarden analyze --detect (file)", f"{fresh} && {whole} --detect {path} > /dev/null 2>&1"),
            # the first run after a new baseline version builds detection's tables from the
            # stored document (detect.compiled): the same command with that cache off
            ("plantwarden analyze --detect (file, no tables cache)",
             f"{fresh} && PLANTWARDEN_BASELINE_CACHE=off {whole} --detect {path} > /dev/null 2>&1"),
            ("plantwarden detect (file)", f"{fresh} && {pw} detect --db sqlite:///{db} {path} > /dev/null"),
        ]
    if stale is not None:
        out.append((STALE_LINE, f"rm -f {db} && cp {stale} {db} && {whole} --detect {path} > /dev/null 2>&1"))
    if formats:
        ng, gz = as_pcapng(n, cap), as_gzip(n, cap)
        out += [
            ("plantwarden analyze (pcapng file)", f"rm -f {db} && {whole} {ng} > /dev/null"),
            ("plantwarden analyze (pcapng stdin)", f"rm -f {db} && cat {ng} | {whole} - > /dev/null"),
            ("plantwarden analyze (gzip pcap file)", f"rm -f {db} && {whole} {gz} > /dev/null"),
        ]
    out += [
        ("plantwarden analyze --no-store, no JSON", f"{pw} analyze --no-store {path} > /dev/null"),
        ("dpkt loop", f"{PY} {ROOT / 'bench' / 'dpkt_peer.py'} {path} > /dev/null"),
    ]
    try:
        import nfstream  # type: ignore[import-untyped]  # noqa: F401

        out.append(("nfstream", f"{PY} {ROOT / 'bench' / 'nfstream_peer.py'} {path} > /dev/null"))
    except ImportError:
        pass
    if shutil.which("tshark"):
        out.append(("tshark -T fields", f"tshark -n -r {path} {FIELDS[cap]} > /dev/null"))
        if formats:
            ng = as_pcapng(n, cap)
            out.append(("tshark -T fields (pcapng)", f"tshark -n -r {ng} {FIELDS[cap]} > /dev/null"))
    return out


def small_tools() -> list[tuple[str, str]]:
    """The whole command on the dairy's 9,760-packet capture (issue 19: <= 0.5 s wall)."""
    pw, db = BIN / "plantwarden", OUT / "bench.db"
    return [
        ("plantwarden analyze (file)", f"rm -f {db} && {pw} analyze --db sqlite:///{db} {DAIRY} > /dev/null"),
        ("plantwarden analyze --no-store, no JSON", f"{pw} analyze --no-store {DAIRY} > /dev/null"),
    ]


def check_equal(n: int, cap: str, console: Console, baseline: Path | None, formats: bool) -> bool:
    """Fast and pure-Python engines must give the same conversation table (and counts), and
    with a baseline the same alerts (detection in the same pass); as pcap and as pcapng."""
    from plantwarden.detect.store_baselines import load_baseline

    learned_doc = load_baseline(f"sqlite:///{baseline}", None) if baseline is not None else None
    paths = (scaled(n, cap), as_pcapng(n, cap)) if formats else (scaled(n, cap),)
    return all(_equal(path, console, learned_doc) for path in paths)


def _equal(path: Path, console: Console, learned_doc: Any) -> bool:
    from plantwarden.analyze.pipeline import analyze_capture
    from plantwarden.detect.engine import Detector

    found = {}
    t0 = time.perf_counter()
    for engine in ("python", "fast"):
        detector = Detector(learned_doc) if learned_doc is not None else None
        doc = analyze_capture(path, engine=engine, detector=detector).doc
        found[engine] = (doc, [a.to_json() for a in detector.finish()] if detector is not None else [])
        if engine == "python":
            t1 = time.perf_counter()
    (python, slow), (fast, quick) = found["python"], found["fast"]
    keys = ("packets", "bytes", "first_ts", "last_ts", "hosts", "conversations", "protocols", "flows",
            "skipped", "anomaly_counts", "edges", "decode_notes", "sha256", "size")
    different = [k for k in keys if python[k] != fast[k]] + (["alerts"] if slow != quick else [])
    verdict = "equal" if not different else "DIFFERENT: " + ", ".join(different)
    alerts = f", {len(quick)} alerts against the baseline" if learned_doc is not None else ""
    what = f"{path.name}: {fast['packets']:,} packets"
    console.print(f"{what}, fast vs python engine ({t1 - t0:.1f} s pure Python{alerts}): {verdict}")
    return not different


FORMAT_PAIRS = (
    ("plantwarden analyze (pcapng file)", "plantwarden analyze (file)"),
    ("plantwarden analyze (pcapng stdin)", "plantwarden analyze (stdin)"),
    ("plantwarden analyze (gzip pcap file)", "plantwarden analyze (file)"),
    ("tshark -T fields (pcapng)", "tshark -T fields"),
    (LEARN_LINE, "plantwarden analyze (file)"),
)

Row = tuple[float, float, float, bool]  # wall, peak RSS, peak summed PSS, success


def run_line(cmd: str, repeat: int) -> Row:
    runs = [measure(cmd) for _ in range(repeat)]
    sampled = measure(cmd, sample=True)  # memory of all its processes: a run of its own
    wall = statistics.median(r[0] for r in runs)
    rss = max(r[1] for r in (*runs, sampled))
    return wall, rss, sampled[3], all(r[2] for r in (*runs, sampled))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000000,10000000", help="comma-separated packet counts")
    ap.add_argument("--captures", default=",".join(NAMES),
                    help="comma-separated reference captures: plant (plantcap), util (bench/utilcap.py)")
    ap.add_argument("--skip", default="",
                    help="tool name prefixes to skip, comma- or |-separated (a name may hold a comma)")
    ap.add_argument("--check", type=int, default=200_000,
                    help="packets of the fast/python equality check (0: none)")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs of each plantwarden command; the median is shown (the machine is shared)")
    ap.add_argument("--no-detect", action="store_true",
                    help="no detection lines (they need a baseline learned once from the largest size)")
    ap.add_argument("--no-stale", action="store_true",
                    help="no line of detection with the baseline learned on the capture's first 10 %%")
    ap.add_argument("--no-formats", action="store_true",
                    help="no pcapng and gzip lines (the same packets in the other capture formats)")
    ap.add_argument("--learn-max", type=int, default=1_000_000,
                    help="the baseline learn line for sizes up to this many packets (0: none)")
    args = ap.parse_args()
    formats = not args.no_formats
    console = Console()
    skip = [s for s in args.skip.split("|" if "|" in args.skip else ",") if s]
    sizes = [int(s) for s in args.sizes.split(",")]
    caps = [c for c in args.captures.split(",") if c]
    baselines = {c: None if args.no_detect else baseline_db(console, c, max(sizes)) for c in caps}
    for cap in caps:
        if args.check and not check_equal(args.check, cap, console, baselines[cap], formats):
            sys.exit(1)
    # bytecode as a wheel install leaves it: an editable install run with PYTHONDONTWRITEBYTECODE
    # set (as on these machines) would otherwise compile every module again in every run (0.25 s)
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "src" / "plantwarden")], check=True,
                   stdout=subprocess.DEVNULL)
    warm = ROOT / "tests" / "data" / "captures" / "modbus-pymodbus.pcap"  # loads or compiles the kernel
    subprocess.run([str(BIN / "plantwarden"), "analyze", "--no-store", "--engine", "fast", str(warm)],
                   capture_output=True, check=True)
    table = Table("capture", "packets", "tool", "packets/s", "MB/s", "peak RSS MiB",
                  "peak PSS MiB (all processes)", "seconds", title="capture engine")
    rows: dict[tuple[str, int, str], Row] = {}

    def line(cap: str, n: int, size_mb: float, name: str, cmd: str) -> None:
        if any(name.startswith(s) for s in skip):
            return
        row = run_line(cmd, args.repeat if name.startswith("plantwarden") else 1)
        rows[(cap, n, name)] = row
        wall, rss, pss, ok = row
        status = "" if ok else " (failed)"
        table.add_row(cap, f"{n:,}", name + status, f"{n / wall / 1e6:.3f} M", f"{size_mb / wall:.1f}",
                      f"{rss:.0f}", f"{pss:.0f}", f"{wall:.2f}")
        console.print(f"{cap} {n:,} {name}: {wall:.2f} s, {rss:.0f} MiB RSS, {pss:.0f} MiB PSS{status}")

    for cap in caps:
        for n in sizes:
            path = scaled(n, cap)
            stale = None if args.no_stale else stale_baseline(n, cap)
            size_mb = os.path.getsize(path) / 1e6  # the pcap's size for every line: the same packets
            for name, cmd in tools(n, cap, baselines[cap], formats, n <= args.learn_max, stale):
                line(cap, n, size_mb, name, cmd)
    small = int(subprocess.run(["capinfos", "-c", "-M", "-T", "-r", str(DAIRY)], capture_output=True,
                               text=True, check=True).stdout.split()[-1])
    for name, cmd in small_tools():
        line("dairy", small, os.path.getsize(DAIRY) / 1e6, name, cmd)
    console.print(table)
    for (cap, n, name), (wall, *_) in rows.items():
        for other, same in FORMAT_PAIRS:
            if name == other and (cap, n, same) in rows:
                ratio = wall / rows[(cap, n, same)][0]
                console.print(f"{cap} {n:,}: {other} takes {ratio:.2f}x the time of {same}")
    console.print(checklist.table(rows, sizes))


if __name__ == "__main__":
    main()
