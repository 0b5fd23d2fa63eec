"""Baselines and alerts in the store: versions, merging, lifecycle with who/when/why, mutes, learn."""

from __future__ import annotations

from pathlib import Path

import pytest

from plantwarden.detect.baseline import Baseline
from plantwarden.detect.engine import Detector
from plantwarden.detect.service import DetectOptions, alert_action, run_detect
from plantwarden.detect.store_alerts import alert_history, list_alerts, mutes, record_alerts
from plantwarden.detect.store_baselines import baseline_history, load_baseline, store_baseline
from plantwarden.detect.stream import detect_captures
from plantwarden.errors import NotFoundError, UsageError
from plantwarden.store.engine import ensure_current

from .helpers import LEMAY, MODBUS_SCENARIO


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A new, empty store (``plantwarden db upgrade``: reading a missing one is an error)."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    ensure_current(url)
    return url


def test_baseline_versions(db: str) -> None:
    assert load_baseline(db) is None
    assert store_baseline(db, Baseline(), "empty") == 1
    assert store_baseline(db, Baseline(talkers=[{"address": "10.0.0.1"}]), "one") == 2
    latest = load_baseline(db)
    assert latest is not None and latest.version == 2 and latest.talkers[0].address == "10.0.0.1"
    first = load_baseline(db, version=1)
    assert first is not None and first.talkers == []
    assert [h.source for h in baseline_history(db)] == ["empty", "one"]
    with pytest.raises(NotFoundError):
        load_baseline(db, version=9)


def test_same_alerts_recorded_twice_change_nothing_and_a_later_run_merges(db: str) -> None:
    alerts = detect_captures([str(LEMAY)], Detector(), 10.5).alerts
    record_alerts(db, alerts)
    record_alerts(db, alerts)
    stored = list_alerts(db)
    assert len(stored) == len(alerts)
    assert sum(a.count for a in stored) == sum(a.count for a in alerts)
    assert {a.severity.label for a in list_alerts(db, severity="high")} == {"high"}


def test_lifecycle_records_who_when_why_and_nothing_is_deleted(db: str) -> None:
    report = run_detect(DetectOptions([str(MODBUS_SCENARIO)], db, learn_for_s=8.0))
    write = next(a for a in report.alerts if a.rule == "write-from-new-host")
    alert_action(db, write.id, "ack", "ana", "looking", None, None)
    alert_action(db, write.id, "close", "ana", "planned test write", None, None)
    history = alert_history(db, write.id)
    assert [(h["action"], h["by"], h["state"]) for h in history] == [
        ("ack", "ana", "acknowledged"),
        ("close", "ana", "closed"),
    ]
    assert len(list_alerts(db)) == len(report.alerts)
    with pytest.raises(UsageError):
        alert_action(db, write.id, "ack", "ana", "again", None, None)
    with pytest.raises(UsageError):
        alert_action(db, write.id, "mute", "", "no name", None, None)


def test_learn_adds_to_the_baseline_and_the_next_run_is_quiet(db: str) -> None:
    report = run_detect(DetectOptions([str(MODBUS_SCENARIO)], db, learn_for_s=8.0))
    assert report.baseline_version == 1
    for alert in report.alerts:
        if alert.rule in ("write-from-new-host", "new-conversation", "new-asset"):
            _, version = alert_action(db, alert.id, "learn", "ana", "commissioning laptop", None, None)
            assert version is not None
    again = run_detect(DetectOptions([str(MODBUS_SCENARIO)], db))
    assert {a.rule for a in again.alerts} == {"port-scan", "host-sweep"}


def test_mute_suppresses_the_rule_for_the_pair(db: str) -> None:
    report = run_detect(DetectOptions([str(MODBUS_SCENARIO)], db, learn_for_s=8.0))
    scan = next(a for a in report.alerts if a.rule == "port-scan")
    alert_action(db, scan.id, "mute", "ana", "vulnerability scanner", None, None)
    assert ("port-scan", scan.src, scan.dst) in mutes(db)
    with pytest.raises(UsageError):
        alert_action(db, scan.id, "learn", "ana", "a scan is no baseline fact", None, None)
    again = run_detect(DetectOptions([str(MODBUS_SCENARIO)], db))
    assert "port-scan" not in {a.rule for a in again.alerts}


def test_unknown_alert_is_a_clear_error(db: str) -> None:
    with pytest.raises(NotFoundError, match="no alert 'Anope'"):
        alert_action(db, "Anope", "ack", "ana", "x", None, None)
