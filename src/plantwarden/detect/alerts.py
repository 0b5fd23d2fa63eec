"""Merging findings into alerts, and the alert lifecycle's states and actions.

Lifecycle: ``new -> acknowledged -> closed``; ``learn`` (add what the alert saw to the
baseline, then close) and ``mute`` (suppress this rule for this src/dst pair, then close)
are actions that close too; ``reopen`` makes a closed alert new again, ``unmute`` lifts the
alert's mute (its state unchanged). Every action records who, when and why; nothing is deleted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from plantwarden.detect.attack import technique
from plantwarden.detect.model import (
    MERGE_WINDOW_S,
    Alert,
    Evidence,
    Finding,
    FindingSeries,
    RuleInfo,
    merge_window_s,
)
from plantwarden.detect.sitectx import SiteContext

STATES = ("new", "acknowledged", "closed")
#: Each action and the state it leaves the alert in (None: unchanged).
ACTIONS: dict[str, str | None] = {
    "ack": "acknowledged",
    "close": "closed",
    "learn": "closed",
    "mute": "closed",
    "reopen": "new",
    "unmute": None,
}

MuteCheck = Callable[[str, str, str], bool]
ImpactFn = Callable[[list[str]], dict[str, Any] | None]


def alert_id(rule: str, src: str, dst: str, first_ts: float) -> str:
    text = f"{rule}|{src}|{dst}|{first_ts:.6f}"
    return "A" + hashlib.blake2b(text.encode(), digest_size=6).hexdigest()


def techniques_json(ids: tuple[str, ...]) -> list[dict[str, Any]]:
    out = []
    for tid in ids:
        t = technique(tid)
        out.append({"id": t.id, "name": t.name, "tactics": list(t.tactics), "url": t.url})
    return out


class AlertBook:
    """Open alerts by (rule, src, dst); a finding more than the window after the last one opens
    another (never for a rule of :data:`~plantwarden.detect.model.ONCE_PER_PAIR`)."""

    def __init__(
        self, site: SiteContext, muted: MuteCheck | None = None, window_s: float = MERGE_WINDOW_S
    ) -> None:
        self.site = site
        self.muted = muted
        self.window_s = window_s
        self.alerts: list[Alert] = []
        self.open: dict[tuple[str, str, str], Alert] = {}
        self.suppressed = 0

    def add(self, finding: Finding) -> None:
        key, alert = self._target(finding.rule, finding.src, finding.dst, finding.ts, 1)
        if alert is not None:
            alert.add(finding)
        elif key is not None:
            self.open[key] = self._new(finding)

    def add_series(self, series: FindingSeries) -> None:
        """``add`` of each of the series' findings, in order: the runs of findings that merge
        into one alert (each within the window of the alert's last) go in at once."""
        n = len(series.frames)
        if not n:
            return
        key, alert = self._target(series.rule, series.src, series.dst, series.ts[0], n)
        if key is None:
            return
        ts, window = series.ts, merge_window_s(series.rule.name, self.window_s)
        i = 0
        while i < n:
            if alert is None:
                alert = self.open[key] = self._new(series.finding(i))
                i += 1
            last, j = alert.last_ts, i
            while j < n and ts[j] - last <= window:
                if ts[j] > last:
                    last = ts[j]
                j += 1
            alert.add_run(series, i, j)
            i, alert = j, None

    def _target(
        self, rule: RuleInfo, src: str, dst: str, ts: float, n: int
    ) -> tuple[tuple[str, str, str] | None, Alert | None]:
        """Where ``n`` findings at ``ts`` go: (their key, the open alert they merge into, or
        None for a new one); a muted pair gives (None, None) and counts them suppressed."""
        if self.muted is not None and self.muted(rule.name, src, dst):
            self.suppressed += n
            return None, None
        key = (rule.name, src, dst)
        alert = self.open.get(key)
        window = merge_window_s(rule.name, self.window_s)
        return key, alert if alert is not None and ts - alert.last_ts <= window else None

    def _new(self, finding: Finding) -> Alert:
        rule = finding.rule
        addresses = tuple(a for a in (finding.src, finding.dst) if a and a != "*")
        severity = self.site.weigh(finding.severity or rule.severity, addresses)
        alert = Alert(
            id=alert_id(rule.name, finding.src, finding.dst, finding.ts),
            rule=rule.name,
            title=rule.title,
            severity=severity,
            techniques=techniques_json(rule.techniques),
            src=finding.src,
            dst=finding.dst,
            assets=[self.site.describe(a) for a in addresses],
            first_ts=finding.ts,
            last_ts=finding.ts,
            count=0,
            evidence=[Evidence(finding.capture)],
            response=rule.response,
        )
        alert.add(finding)
        self.alerts.append(alert)
        return alert

    def attach_impact(self, impact: ImpactFn) -> None:
        """Alerts on a named asset gain ``impact``: what stops if it fails (continuity)."""
        for alert in self.alerts:
            names = at_risk(alert)
            if names:
                alert.impact = impact(names)


#: Rules whose subject is the source (a new or moved host, a sweeper, a bridging host).
SOURCE_SUBJECT = frozenset({"new-asset", "address-moved", "dual-homed-host", "host-sweep", "arp-sweep"})


def at_risk(alert: Alert) -> list[str]:
    """The named asset the alert's action targets: its destination, else (or for host rules) its source."""
    names = {a["address"]: a["name"] for a in alert.assets if "name" in a}
    order = (alert.src, alert.dst) if alert.rule in SOURCE_SUBJECT else (alert.dst, alert.src)
    return next(([names[x]] for x in order if x in names), [])
