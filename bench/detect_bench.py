"""Detection accuracy on labelled captures: episode recall and false alerts per benign hour.

An episode is a run of consecutive frames labelled 1; it is found when an evidence frame of
any alert falls inside it (no point-adjust: an alert elsewhere does not count). An alert none
of whose evidence frames falls inside an episode is a false alert. The baseline is learned
on the benign prefix (frames before the first labelled one); benign time is the detection
time outside episodes.

Labelled captures: ../shared/captures/*.labels.csv and tests/data/captures/detect-*.labels.csv
(``frame;label`` or ``frame,label`` per line).

Per attack type: the lab captures (tests/data/generate/detect_lab.py; real stacks, one
network namespace per host) mark their phases in the capture itself. The baseline is learned
on the ``learn`` phase; every phase after ``benign`` (but ``end``) is one attack episode
named by its type; an alert is false when none of its evidence frames falls inside an attack
phase; benign time is the ``benign`` phase. detect-zones runs with its site model (zones and
conduits), as in the tests.

    .venv/bin/python bench/detect_bench.py
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from plantwarden.capture.source import open_capture
from plantwarden.detect.engine import Detector
from plantwarden.detect.model import Alert
from plantwarden.detect.stream import detect_captures

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the lab captures' phase markers: tests/detect/lab.py
if TYPE_CHECKING:
    from tests.detect.lab import Phase

SOURCES = [ROOT.parent / "shared" / "captures", ROOT / "tests" / "data" / "captures"]


@dataclass
class Score:
    name: str
    episodes: int
    found: int
    alerts: int
    false_alerts: int
    benign_hours: float

    @property
    def false_per_hour(self) -> float:
        return self.false_alerts / self.benign_hours if self.benign_hours > 0 else 0.0


def labels(path: Path) -> dict[int, int]:
    out: dict[int, int] = {}
    for line in path.read_text().splitlines():
        parts = line.replace(",", ";").split(";")
        if len(parts) == 2 and parts[0].strip().isdigit():
            out[int(parts[0])] = int(parts[1])
    return out


def episodes(lab: dict[int, int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for frame in sorted(f for f, v in lab.items() if v == 1):
        if runs and frame == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], frame)
        else:
            runs.append((frame, frame))
    return runs


def frame_times(path: Path) -> dict[int, float]:
    with open_capture(str(path)) as source:
        return {f.number: f.ts_ns / 1e9 for f in source.frames()}


def score(capture: Path, label_file: Path) -> Score:
    eps = episodes(labels(label_file))
    times = frame_times(capture)
    first = min(times.values())
    learn_s = times[eps[0][0]] - first - 1e-6 if eps else None
    result = detect_captures([str(capture)], Detector(), learn_for_s=learn_s)
    frames = [f for a in result.alerts for e in a.evidence for f in e.frames]
    found = sum(1 for lo, hi in eps if any(lo <= f <= hi for f in frames))
    false = sum(
        1
        for a in result.alerts
        if not any(lo <= f <= hi for e in a.evidence for f in e.frames for lo, hi in eps)
    )
    start = first + (learn_s or 0.0)
    attack_s = sum(times[hi] - times[lo] for lo, hi in eps)
    benign_h = max(max(times.values()) - start - attack_s, 0.0) / 3600
    return Score(capture.name, len(eps), found, len(result.alerts), false, benign_h)


def labelled() -> list[tuple[Path, Path]]:
    pairs = []
    for folder in SOURCES:
        for label_file in sorted(folder.glob("*.labels.csv")):
            capture = label_file.with_name(label_file.name.removesuffix(".labels.csv"))
            if capture.is_file():
                pairs.append((capture, label_file))
    return pairs


@dataclass
class Episode:
    capture: str
    attack: str
    alerts: int  # alerts with an evidence frame inside the phase
    rules: list[str]


def lab_scores() -> tuple[list[Episode], Score]:
    """Per attack type on the lab captures; their totals as one Score."""
    from plantwarden.site.loader import load_site
    from tests.detect.lab import OPS, ZONES, ZONES_SITE, phases

    out: list[Episode] = []
    total = Score("lab captures (per attack type below)", 0, 0, 0, 0, 0.0)
    for capture, site in ((OPS, None), (ZONES, ZONES_SITE)):
        marks = phases(capture)
        detector = Detector(None, load_site(site) if site is not None else None)
        alerts = detect_captures([str(capture)], detector, learn_for_s=marks["benign"].start_s).alerts
        attacks = [p for p in marks.values() if p.first > marks["benign"].first and p.name != "end"]
        starts = sorted(p.start_s for p in marks.values())
        first_ts = _first_ts(capture)
        within = partial(_within, starts=starts, first_ts=first_ts)
        for phase in attacks:
            hit = [a for a in alerts if within(a, phase)]
            out.append(Episode(capture.name, phase.name, len(hit), sorted({a.rule for a in hit})))
        benign = marks["benign"]
        total.episodes += len(attacks)
        total.found += sum(1 for e in out if e.capture == capture.name and e.alerts)
        total.alerts += len(alerts)
        total.false_alerts += sum(1 for a in alerts if not any(within(a, p) for p in attacks))
        total.benign_hours += (min(p.start_s for p in attacks) - benign.start_s) / 3600
    return out, total


def _within(a: Alert, p: Phase, starts: list[float], first_ts: float) -> bool:
    """An evidence frame inside the phase, or raised during it (polling-stopped names the last
    polls before the stop as its evidence)."""
    end = next((t for t in starts if t > p.start_s), float("inf"))
    return any(p.first <= f <= p.last for e in a.evidence for f in e.frames) or (
        p.start_s <= a.first_ts - first_ts < end
    )


def _first_ts(path: Path) -> float:
    with open_capture(str(path)) as source:
        for frame in source.frames():
            return frame.ts_ns / 1e9
    return 0.0


def main() -> int:
    rows = [score(c, lab) for c, lab in labelled()]
    per_type, lab = lab_scores()
    print(
        f"{'capture':58} {'episodes':>8} {'found':>5} {'recall':>6} {'alerts':>6} {'false':>5} {'false/h':>8}"
    )
    for r in rows:
        recall = r.found / r.episodes if r.episodes else 1.0
        print(
            f"{r.name[:58]:58} {r.episodes:8} {r.found:5} {recall:6.0%} {r.alerts:6} "
            f"{r.false_alerts:5} {r.false_per_hour:8.2f}"
        )
    total_eps = sum(r.episodes for r in rows)
    total_found = sum(r.found for r in rows)
    hours = sum(r.benign_hours for r in rows)
    false = sum(r.false_alerts for r in rows)
    per_hour = false / hours if hours else 0.0
    print(
        f"{'all':58} {total_eps:8} {total_found:5} {total_found / max(total_eps, 1):6.0%} "
        f"{sum(r.alerts for r in rows):6} {false:5} {per_hour:8.2f}"
    )
    recall = lab.found / max(lab.episodes, 1)
    print(f"{lab.name[:58]:58} {lab.episodes:8} {lab.found:5} {recall:6.0%} {lab.alerts:6} "
          f"{lab.false_alerts:5}  (benign phases: {lab.benign_hours * 3600:.1f} s, too short for a rate)")
    print()
    print(f"{'attack type':14} {'capture':20} {'found':>5} {'alerts':>6}  rules")
    for e in per_type:
        found = "yes" if e.alerts else "NO"
        print(f"{e.attack:14} {e.capture:20} {found:>5} {e.alerts:6}  {', '.join(e.rules)}")
    lab_ok = lab.found == lab.episodes
    return 0 if total_found == total_eps and per_hour <= 1.0 and lab_ok else 1


if __name__ == "__main__":
    sys.exit(main())
