"""Running the detector on captures for the tests."""

from __future__ import annotations

from pathlib import Path

from plantwarden.detect.baseline import Baseline
from plantwarden.detect.engine import Detector
from plantwarden.detect.model import Alert
from plantwarden.detect.stream import detect_captures

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "captures"
CAPTURES = ROOT / "tests" / "data" / "captures"
LEMAY = SHARED / "attack-lemay-moving_two_files_modbus_6RTU.pcap"
MODBUS_SCENARIO = CAPTURES / "detect-modbus.pcap"


def detect(path: Path, learn_for_s: float | None = None, baseline: Baseline | None = None) -> list[Alert]:
    return detect_captures([str(path)], Detector(baseline), learn_for_s).alerts


def rules(alerts: list[Alert]) -> set[str]:
    return {a.rule for a in alerts}


def frames(alert: Alert) -> list[int]:
    return [f for e in alert.evidence for f in e.frames]
