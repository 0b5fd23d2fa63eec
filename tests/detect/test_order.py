"""Worst first: severity, then production at risk, then newest activity."""

from __future__ import annotations

from plantwarden.detect.model import Alert, Severity
from plantwarden.detect.order import worst_first, worst_first_docs


def _alert(aid: str, severity: Severity, cost: float | None, last: float) -> Alert:
    impact = None if cost is None else {"cost_per_hour": cost, "lines": []}
    return Alert(
        id=aid,
        rule="r",
        title="t",
        severity=severity,
        techniques=[],
        src="a",
        dst="b",
        assets=[],
        first_ts=0.0,
        last_ts=last,
        count=1,
        evidence=[],
        response="",
        impact=impact,
    )


def test_severity_then_money_then_newest() -> None:
    alerts = [
        _alert("low-rich", Severity.LOW, 90_000.0, 5.0),
        _alert("high-cheap-old", Severity.HIGH, None, 1.0),
        _alert("high-rich", Severity.HIGH, 40_000.0, 2.0),
        _alert("high-cheap-new", Severity.HIGH, 0.0, 9.0),
        _alert("critical", Severity.CRITICAL, None, 0.0),
    ]
    order = ["critical", "high-rich", "high-cheap-new", "high-cheap-old", "low-rich"]
    assert [a.id for a in worst_first(alerts)] == order
    assert [d["id"] for d in worst_first_docs([a.to_json() for a in alerts])] == order
