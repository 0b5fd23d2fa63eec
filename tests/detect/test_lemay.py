"""The labelled Lemay & Fernandez capture: every attack episode found, nothing else alerted."""

from __future__ import annotations

from .helpers import LEMAY, detect, frames, rules

# the benign prefix ends at frame 324 (10.04 s); the first labelled frame is 325 (10.90 s)
LEARN_S = 10.5
EPISODES = [(325, 365), (690, 694), (1343, 1347), (1676, 1699)]


def test_every_episode_is_found_and_no_alert_is_false() -> None:
    alerts = detect(LEMAY, LEARN_S)
    found = [f for a in alerts for f in frames(a)]
    for lo, hi in EPISODES:
        assert any(lo <= f <= hi for f in found), (lo, hi)
    for alert in alerts:
        assert any(lo <= f <= hi for f in frames(alert) for lo, hi in EPISODES), alert.to_json()
    assert {"new-conversation", "smb1-to-ot"} <= rules(alerts)


def test_a_recurring_unknown_conversation_is_one_alert_with_a_count() -> None:
    alerts = [a for a in detect(LEMAY, LEARN_S) if a.rule == "new-conversation" and a.count > 1]
    assert alerts
    assert all(len(frames(a)) == a.count for a in alerts)
    assert all(a.last_ts > a.first_ts for a in alerts)


def test_without_a_baseline_only_baseline_free_rules_speak() -> None:
    alerts = detect(LEMAY)
    assert rules(alerts) == {"smb1-to-ot"}
