"""The alert queue's store queries on both backends: ids by unique prefix, the ``alerts``
filters, reopen, mute/unmute and the mutes listing, and a new conversation merged across runs."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from plantwarden.detect.engine import Detector
from plantwarden.detect.model import MERGE_WINDOW_S, Severity
from plantwarden.detect.store_alerts import (
    AlertQuery,
    act,
    find_alert,
    list_alerts,
    list_mutes,
    mutes,
    record_alerts,
)
from plantwarden.detect.stream import detect_captures
from plantwarden.errors import NotFoundError, UsageError

MODBUS = Path(__file__).resolve().parents[1] / "data" / "captures" / "detect-modbus.pcap"


def test_the_queue_on_both_backends(store_url: str) -> None:
    alerts = detect_captures([str(MODBUS)], Detector(), 8.0).alerts
    record_alerts(store_url, alerts)
    one = alerts[0]
    found, history = find_alert(store_url, one.id[:6].lower())
    assert found.id == one.id and history == []
    with pytest.raises(UsageError, match="ambiguous"):
        find_alert(store_url, "A")
    with pytest.raises(NotFoundError):
        find_alert(store_url, "A%")  # LIKE's wildcards are the user's text, not patterns

    scan = next(a for a in alerts if a.rule == "port-scan")
    by_rule = list_alerts(store_url, query=AlertQuery(rules=frozenset({"port-scan"})))
    assert {a.id for a in by_rule} == {a.id for a in alerts if a.rule == "port-scan"}
    by_address = list_alerts(store_url, query=AlertQuery(addresses=frozenset({scan.dst})))
    assert {a.id for a in by_address} == {a.id for a in alerts if scan.dst in (a.src, a.dst)}
    late = list_alerts(store_url, query=AlertQuery(since=max(a.last_ts for a in alerts) + 1))
    assert late == []
    high = list_alerts(store_url, query=AlertQuery(severity=Severity.HIGH))
    assert {a.id for a in high} == {a.id for a in alerts if a.severity >= Severity.HIGH}

    act(store_url, scan.id, "mute", "ana", "scanner")
    assert [(m.rule, m.src, m.dst, m.alert_id) for m in list_mutes(store_url)] == [
        ("port-scan", scan.src, scan.dst, scan.id)
    ]
    act(store_url, scan.id[:8], "reopen", "bo", "not the scanner")
    act(store_url, scan.id, "unmute", "bo", "not the scanner")
    assert mutes(store_url) == set() and list_mutes(store_url) == []
    found, history = find_alert(store_url, scan.id)
    assert found.state == "new"
    assert [(h["action"], h["state"]) for h in history] == [
        ("mute", "closed"),
        ("reopen", "new"),
        ("unmute", "new"),
    ]
    states = list_alerts(store_url, query=AlertQuery(states=frozenset({"closed"})))
    assert states == []


def test_a_new_conversation_merges_across_runs_hours_apart(store_url: str) -> None:
    from tests.detect.lab import OPS, run

    alerts, _ = run(OPS)
    conv = next(a for a in alerts if a.rule == "new-conversation")
    later = dataclasses.replace(
        conv,
        id=conv.id[:-4] + "zzzz",
        first_ts=conv.last_ts + 5 * MERGE_WINDOW_S,
        last_ts=conv.last_ts + 5 * MERGE_WINDOW_S,
        evidence=[dataclasses.replace(e, frames=list(e.frames)) for e in conv.evidence],
        details=list(conv.details),
        learn=list(conv.learn),
    )
    record_alerts(store_url, [conv])
    record_alerts(store_url, [later])
    stored = [a for a in list_alerts(store_url) if a.rule == "new-conversation"]
    assert [(a.id, a.count) for a in stored] == [(conv.id, conv.count * 2)]
