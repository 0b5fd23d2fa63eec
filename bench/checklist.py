"""Issue 19's required ratios, each met or not met with its figure, from one run of bench/run.py.

A requirement stated at 10 M packets is judged at the run's largest size, and says so when
that is not 10 M.
"""

from __future__ import annotations

from rich.table import Table

Row = tuple[float, float, float, bool]  # wall, peak RSS MiB, peak summed PSS MiB, success
Rows = dict[tuple[str, int, str], Row]

PLAIN = "plantwarden analyze (file)"
DETECT = "plantwarden analyze --detect (file)"
LEARN = "plantwarden baseline learn (file)"
STALE = "plantwarden analyze --detect, stale baseline (first 10 %)"
TSHARK = "tshark -T fields"
TEN_M = 10_000_000


def table(rows: Rows, sizes: list[int]) -> Table:
    out = Table("requirement (issue 19)", "capture", "figure", "verdict", title="checklist")
    for item in checks(rows, sizes):
        out.add_row(*item)
    return out


def _verdict(ok: bool, row: Row | None = None) -> str:
    failed = row is not None and not row[3]
    return "command failed" if failed else ("met" if ok else "NOT MET")


def _at(n: int) -> str:
    return f"{n:,}" if n == TEN_M else f"{n:,} (not 10 M)"


def checks(rows: Rows, sizes: list[int]) -> list[tuple[str, str, str, str]]:
    out: list[tuple[str, str, str, str]] = []
    big = max(sizes)
    for (cap, n, name), row in sorted(rows.items()):
        if name.endswith("(pcapng file)") or name.endswith("(pcapng stdin)"):
            same = rows.get((cap, n, name.replace("pcapng ", "")))
            if same is not None:
                ratio = row[0] / same[0]
                out.append((f"pcapng <= 1.25x the time of pcap ({name.split('(')[1][:-1]})", f"{cap} {n:,}",
                            f"{ratio:.2f}x", _verdict(ratio <= 1.25, row)))
        if name == LEARN and (cap, n, PLAIN) in rows:
            ratio = row[0] / rows[(cap, n, PLAIN)][0]
            out.append(("baseline learn <= 2x analyze", f"{cap} {n:,}", f"{ratio:.2f}x",
                        _verdict(ratio <= 2, row)))
    plain, tshark = rows.get(("util", big, PLAIN)), rows.get(("util", big, TSHARK))
    if plain is not None:
        rate = big / plain[0] / 1e6
        out.append(("util capture: analyze >= 2 M packets/s", f"util {_at(big)}", f"{rate:.2f} M/s",
                    _verdict(rate >= 2, plain)))
        if tshark is not None:
            ratio = tshark[0] / plain[0]
            out.append(("util capture: analyze >= 40x tshark fields", f"util {_at(big)}", f"{ratio:.1f}x",
                        _verdict(ratio >= 40, plain)))
    for cap in ("plant", "util"):
        stale = rows.get((cap, big, STALE))
        if stale is not None:
            rate, peak = big / stale[0] / 1e6, max(stale[1], stale[2])
            out.append(("stale baseline: detection >= 1 M packets/s, <= 512 MiB", f"{cap} {_at(big)}",
                        f"{rate:.2f} M/s, {stale[1]:.0f} RSS / {stale[2]:.0f} PSS MiB",
                        _verdict(rate >= 1 and peak <= 512, stale)))
    for (cap, n, name), row in rows.items():
        if cap == "dairy":
            out.append((f"<= 10,000 packets: whole command <= 0.5 s ({name.removeprefix('plantwarden ')})",
                        f"dairy {n:,}", f"{row[0]:.2f} s", _verdict(row[0] <= 0.5, row)))
    for name, aim in ((PLAIN, 5), (DETECT, 3)):
        row = rows.get(("plant", big, name))
        if row is not None:
            rate = big / row[0] / 1e6
            out.append((f"aim: plant {name.removeprefix('plantwarden ')} >= {aim} M packets/s",
                        f"plant {_at(big)}", f"{rate:.2f} M/s", _verdict(rate >= aim, row)))
    return out
