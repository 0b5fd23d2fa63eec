"""The lab captures of the detection scenarios (tests/data/generate/detect_lab.py): phase
markers found in the capture itself, and the detector run learned on the ``learn`` phase."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from plantwarden.capture.source import open_capture
from plantwarden.detect.engine import Detector
from plantwarden.detect.model import Alert
from plantwarden.detect.stream import detect_captures
from plantwarden.net.decode import Decoder
from plantwarden.site.loader import load_site

from .helpers import CAPTURES, frames

ZONES = CAPTURES / "detect-zones.pcap"
OPS = CAPTURES / "detect-ops.pcap"
ZONES_SITE = Path(__file__).resolve().parent / "detect_zones_site.yaml"
MARK_PORT = 9
MARK_PREFIX = b"pw-phase:"


@dataclass(frozen=True)
class Phase:
    name: str
    first: int  # the marker's frame
    last: int  # the frame before the next marker (or the capture's last frame)
    start_s: float  # seconds from the capture's first packet


def phases(path: Path) -> dict[str, Phase]:
    marks: list[tuple[str, int, float]] = []
    first_ns = last_frame = 0
    with open_capture(str(path)) as source:
        decoder = Decoder()
        for frame in source.frames():
            pkt = decoder.decode(frame)
            first_ns = first_ns or pkt.ts_ns
            last_frame = pkt.frame
            if pkt.dport == MARK_PORT and pkt.payload.startswith(MARK_PREFIX):
                name = pkt.payload[len(MARK_PREFIX) :].decode()
                marks.append((name, pkt.frame, (pkt.ts_ns - first_ns) / 1e9))
    ends = [f - 1 for _, f, _ in marks[1:]] + [last_frame]
    return {name: Phase(name, f, end, t) for (name, f, t), end in zip(marks, ends, strict=True)}


def run(path: Path, site: bool = False) -> tuple[list[Alert], dict[str, Phase]]:
    """Alerts after learning everything before the ``benign`` phase."""
    marks = phases(path)
    detector = Detector(None, load_site(ZONES_SITE) if site else None)
    alerts = detect_captures([str(path)], detector, marks["benign"].start_s).alerts
    return alerts, marks


def fired(alerts: list[Alert], rule: str, src: str, dst: str) -> Alert:
    found = [a for a in alerts if (a.rule, a.src, a.dst) == (rule, src, dst)]
    assert len(found) == 1, (rule, src, dst, [(a.rule, a.src, a.dst) for a in alerts])
    return found[0]


def inside(alert: Alert, phase: Phase) -> bool:
    return all(phase.first <= f <= phase.last for f in frames(alert))


def technique_ids(alert: Alert) -> list[str]:
    return [t["id"] for t in alert.techniques]


def quiet(alerts: list[Alert], rules: set[str], pairs: set[tuple[str, str]]) -> list[Alert]:
    """Alerts of ``rules`` between any of ``pairs`` (either way): what must stay empty."""
    both = pairs | {(d, s) for s, d in pairs}
    return [a for a in alerts if a.rule in rules and (a.src, a.dst) in both]
