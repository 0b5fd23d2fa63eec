"""Small constructed states for the evidence rules: the zones site of the continuity tests
(loaded by the real site loader, edited as text) and the analysis of the capture made by real
pymodbus/asyncua stacks (tests/continuity/generate_capture.py)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from plantwarden.analyze.pipeline import analyze_capture
from plantwarden.compliance.sources import CaptureRecord, SiteRecord
from plantwarden.compliance.state import State
from plantwarden.site import SiteModel, load_site_text

ROOT = Path(__file__).resolve().parents[2]
ZONES_SITE = ROOT / "tests" / "continuity" / "data" / "zones.yaml"
ZONES_CAPTURE = ROOT / "tests" / "data" / "captures" / "continuity-zones.pcap"
DAY = 86400.0


def site_text(replace: dict[str, str] | None = None, extra: str = "") -> str:
    text = ZONES_SITE.read_text(encoding="utf-8")
    for old, new in (replace or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    return text + extra


def model(replace: dict[str, str] | None = None, extra: str = "") -> SiteModel:
    return load_site_text(site_text(replace, extra), "zones.yaml")


@cache
def _doc() -> dict[str, Any]:
    return analyze_capture(ZONES_CAPTURE).doc


def capture() -> CaptureRecord:
    doc = _doc()
    return CaptureRecord(doc["name"], doc["first_ts"], doc["last_ts"], doc["last_ts"] + 60, doc)


def captured_at() -> float:
    last = _doc()["last_ts"]
    assert isinstance(last, float)
    return last


def state(
    site: SiteModel | None = None, *, days: float = 1.0, zone: str | None = None, **records: Any
) -> State:
    """The zones site and capture (unless given), judged ``days`` after the capture ended."""
    found: dict[str, Any] = {
        "site": SiteRecord(site or model(), captured_at() - DAY),
        "captures": [capture()],
    }
    found.update(records)
    found = {k: v for k, v in found.items() if v is not None}
    return State(found, captured_at() + days * DAY, "loopback zones", zone)


def by_zone(evidence: list[Any]) -> dict[str | None, str]:
    return {e.zone: str(e.status) for e in evidence}
