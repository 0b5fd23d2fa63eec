"""Worst first, one order everywhere alerts are listed (``alerts``, the demo, the report, the API).

Severity first, then the production at risk behind the alert (cost per hour of the lines its
target's failure stops), then the newest activity first (an alert that recurred a minute ago
outranks one from yesterday), then rule, source and destination for a stable order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from plantwarden.detect.model import Alert, Severity


def at_risk_per_hour(impact: Mapping[str, Any] | None) -> float:
    """The cost per hour an alert's impact document puts at risk (0 without one)."""
    if not impact:
        return 0.0
    value = impact.get("cost_per_hour")
    return float(value) if isinstance(value, int | float) else 0.0


def worst_first_key(alert: Alert) -> tuple[int, float, float, str, str, str]:
    return (
        -int(alert.severity),
        -at_risk_per_hour(alert.impact),
        -alert.last_ts,
        alert.rule,
        alert.src,
        alert.dst,
    )


def worst_first(alerts: Iterable[Alert]) -> list[Alert]:
    return sorted(alerts, key=worst_first_key)


def doc_key(doc: Mapping[str, Any]) -> tuple[int, float, float, str, str, str]:
    """The same order for alerts as JSON documents (``Alert.to_json``: severity as its label)."""
    return (
        -int(Severity.parse(str(doc["severity"]))),
        -at_risk_per_hour(doc.get("impact")),
        -float(doc.get("last_ts") or 0.0),
        str(doc.get("rule", "")),
        str(doc.get("src", "")),
        str(doc.get("dst", "")),
    )


def worst_first_docs(docs: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return sorted(docs, key=doc_key)
