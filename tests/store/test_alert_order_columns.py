"""Revision 0009: the alert list's sort columns (severity rank, production at risk per hour)
are written with each alert, filled from the stored documents on upgrade, and dropped on
downgrade; the worst-first index is there on both backends."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, text

from plantwarden.detect.model import Alert, Severity
from plantwarden.detect.order import at_risk_per_hour
from plantwarden.detect.store_alerts import record_alerts
from plantwarden.store import migrate
from plantwarden.store.engine import current_revision, downgrade, open_engine, upgrade


def _alert(n: int, severity: Severity, impact: dict[str, Any] | None) -> Alert:
    return Alert(
        id=f"A{n:012x}", rule="port-scan", title="t", severity=severity, techniques=[], src="10.0.0.1",
        dst=f"10.0.0.{n}", assets=[], first_ts=1000.0 + n, last_ts=1000.0 + n, count=1, evidence=[],
        response="r", impact=impact,
    )  # fmt: skip


def _rows(url: str) -> dict[str, tuple[Any, ...]]:
    engine = open_engine(url)
    try:
        with engine.connect() as conn:
            columns = {c["name"] for c in inspect(conn).get_columns("detect_alerts")}
            if "severity_rank" not in columns:
                return {}
            query = "SELECT alert_id, severity_rank, at_risk_per_hour FROM detect_alerts"
            return {r[0]: (r[1], r[2]) for r in conn.execute(text(query))}
    finally:
        engine.dispose()


def test_written_with_the_alert_and_filled_on_upgrade(store_url: str) -> None:
    upgrade(store_url)
    alerts = [
        _alert(2, Severity.CRITICAL, {"cost_per_hour": 30000.0, "currency": "EUR", "lines": []}),
        _alert(3, Severity.LOW, {"cost_per_hour": 6500, "currency": "EUR", "lines": []}),
        _alert(4, Severity.HIGH, None),
        _alert(5, Severity.INFO, {"covered": [], "lines": []}),
    ]
    record_alerts(store_url, alerts)
    expected = {a.id: (int(a.severity), at_risk_per_hour(a.impact)) for a in alerts}
    assert (
        _rows(store_url)
        == expected
        == {
            "A000000000002": (4, 30000.0),
            "A000000000003": (1, 6500.0),
            "A000000000004": (3, 0.0),
            "A000000000005": (0, 0.0),
        }
    )
    assert downgrade(store_url, "0005") == "0005"
    assert _rows(store_url) == {}
    assert upgrade(store_url) == migrate.head_revision() == current_revision(store_url)
    assert _rows(store_url) == expected
    engine = open_engine(store_url)
    try:
        with engine.connect() as conn:
            names = {i["name"] for i in inspect(conn).get_indexes("detect_alerts")}
    finally:
        engine.dispose()
    assert {
        "ix_detect_alerts_worst_first",
        "ix_detect_alerts_site_id_src",
        "ix_detect_alerts_site_id_dst",
    } <= names
