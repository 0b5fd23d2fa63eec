"""What a sensor queues, as plain JSON: one shape per kind, read back by :mod:`.apply`.

``capture``: the capture's whole analysis document (hosts, conversations, anomalies;
metadata and hashes, never packets). ``alert``: ``{"alerts": [row...], "events": [event...]}``,
each alert's row as the sensor stored it after the change. ``baseline``: one version.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from plantwarden.sensors.outbox import queue

ALERT_FIELDS = ("alert_id", "rule", "severity", "state", "src", "dst", "first_ts", "last_ts", "count")


class AlertLike(Protocol):
    alert_id: str
    rule: str
    severity: str
    state: str
    src: str
    dst: str
    first_ts: float
    last_ts: float
    count: int
    document: dict[str, Any]
    created_at: datetime
    updated_at: datetime


def alert_row(row: AlertLike) -> dict[str, Any]:
    return {
        **{name: getattr(row, name) for name in ALERT_FIELDS},
        "document": row.document,
        "created_at": row.created_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
    }


def queue_alerts(
    session: Session, site_id: int, rows: list[AlertLike], events: list[dict[str, Any]] | None = None
) -> None:
    """Queue alerts as stored now (and lifecycle events), inside the caller's transaction."""
    if rows:
        queue(session, site_id, "alert", {"alerts": [alert_row(r) for r in rows], "events": events or []})


def queue_baseline(
    session: Session, site_id: int, version: int, source: str, created_at: datetime, document: dict[str, Any]
) -> None:
    payload = {
        "version": version,
        "source": source,
        "created_at": created_at.isoformat(),
        "document": document,
    }
    queue(session, site_id, "baseline", payload)
