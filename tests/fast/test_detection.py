"""Detection in the fast engine's single pass (fast.detecting, fast.watch) against the
pure-Python pass: the same alerts, field for field, on real captures with a learned baseline.

Each case learns its baseline with detection's own Python pass (detect.stream) from
known-good traffic, then runs the whole capture through ``detect_captures`` twice: once on the
fast engine (the kernel judges the requests of known channels and hands the rest over), once
on the pure-Python engine. The fast run must have used the kernel (request records or packet
events reached the rules from it), or the comparison would prove nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from plantwarden.detect.baseline import Baseline
from plantwarden.detect.engine import Detector
from plantwarden.detect.stream import detect_captures, learn_captures
from plantwarden.site.loader import load_site
from plantwarden.site.model import SiteModel
from tests.detect.helpers import LEMAY, MODBUS_SCENARIO, ROOT
from tests.detect.lab import OPS, ZONES, ZONES_SITE, phases

DAIRY = ROOT / "examples" / "dairy"


def _learned(path: Path, seconds: float) -> Baseline:
    learned = detect_captures([str(path)], Detector(), seconds).learned
    assert learned is not None
    return learned


def _alerts(
    path: Path, baseline: Baseline, site: SiteModel | None, engine: str
) -> tuple[list[dict[str, Any]], Detector]:
    detector = Detector(baseline, site)
    run = detect_captures([str(path)], detector, engine=engine)
    return [a.to_json() for a in run.alerts], detector


def _case(name: str) -> tuple[Path, Baseline, SiteModel | None]:
    if name == "dairy":
        return (DAIRY / "captures" / "incidents.pcap",
                learn_captures([str(DAIRY / "captures" / "normal.pcap")]),
                load_site(DAIRY / "site.yaml"))
    if name in ("zones", "zones-site", "ops"):
        path = OPS if name == "ops" else ZONES
        site = load_site(ZONES_SITE) if name == "zones-site" else None
        return path, _learned(path, phases(path)["benign"].start_s), site
    if name == "lemay":
        return LEMAY, _learned(LEMAY, 10.5), None
    assert name == "modbus"
    return MODBUS_SCENARIO, _learned(MODBUS_SCENARIO, 8.0), None


@pytest.mark.parametrize("name", ["dairy", "zones", "zones-site", "ops", "lemay", "modbus"])
def test_fast_detection_equals_python(name: str) -> None:
    path, baseline, site = _case(name)
    fast, used = _alerts(path, baseline, site, "fast")
    slow, plain = _alerts(path, baseline, site, "python")
    assert fast == slow
    assert fast, "every case has alerts to compare"
    assert plain.kernel == {"records": 0, "packets": 0, "ticks": 0}
    assert used.kernel["records"] + used.kernel["packets"] > 0, used.kernel


def test_dairy_requests_are_judged_in_the_kernel() -> None:
    """On the dairy plant most requests belong to learned channels: the kernel judges them
    (records reach the sequence and polling state) and hands only departures over."""
    path, baseline, site = _case("dairy")
    _, used = _alerts(path, baseline, site, "fast")
    assert used.kernel["records"] > 1000, used.kernel
    assert used.kernel["ticks"] > 0, used.kernel


@pytest.mark.parametrize("cap", [2, 8])
def test_a_full_modbus_symbol_memo_gives_the_same_alerts(cap: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The kernel remembers Modbus symbol keys (fast.watchk.modbus_symbol) while its memo has
    room; with one of 1 or 4 entries most symbols are made the long way, with the same alerts."""
    from plantwarden.fast import layout

    path, baseline, site = _case("ops")
    remembered, _ = _alerts(path, baseline, site, "fast")
    monkeypatch.setattr(layout, "MEMO_CAP", cap)
    small, used = _alerts(path, baseline, site, "fast")
    assert used.kernel["records"] > 0
    assert small == remembered
