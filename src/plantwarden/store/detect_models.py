"""Detection's tables: baselines (per site and version), alerts, their lifecycle events, mutes.

Created by revision ``0002``. Nothing here is ever deleted: an alert's state changes through
events that record who, when and why; a new baseline is a new version.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from plantwarden.store.models import Base, site_fk
from plantwarden.store.types import BigId


class DetectBaseline(Base):
    """One version of a learned (or imported, or edited) baseline of a site."""

    __tablename__ = "detect_baselines"
    __table_args__ = (
        UniqueConstraint("site_id", "version"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int] = site_fk()
    version: Mapped[int]
    created_at: Mapped[datetime]
    source: Mapped[str]  # "learned from a.pcap, b.pcap", "imported from x.yaml", "alert A1b2 learned"
    document: Mapped[dict[str, Any]]


class DetectAlert(Base):
    """An alert: one rule between one source and destination, merged over a window."""

    __tablename__ = "detect_alerts"
    __table_args__ = (
        CheckConstraint("state IN ('new', 'acknowledged', 'closed')", name="state_known"),
        CheckConstraint("count >= 1", name="count_positive"),
        Index("ix_detect_alerts_site_id_rule_src_dst", "site_id", "rule", "src", "dst"),
        UniqueConstraint("site_id", "alert_id"),
        # worst first (detect/order.py), walked in order by the alert list's keyset pages
        # (revision 0009; the web console's GET /api/v1/sites/{site}/alerts, docs/web.md)
        Index(
            "ix_detect_alerts_worst_first",
            "site_id",
            text("severity_rank DESC"),
            text("at_risk_per_hour DESC"),
            text("last_ts DESC"),
            "rule",
            "src",
            "dst",
            "id",
            "state",
        ),
        # the queue's asset, zone and line filters: alerts from or to these addresses (0009)
        Index("ix_detect_alerts_site_id_src", "site_id", "src"),
        Index("ix_detect_alerts_site_id_dst", "site_id", "dst"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int] = site_fk()
    alert_id: Mapped[str] = mapped_column(String(24))
    rule: Mapped[str]
    severity: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(12))
    src: Mapped[str]
    dst: Mapped[str]
    first_ts: Mapped[float]
    last_ts: Mapped[float]
    count: Mapped[int]
    document: Mapped[dict[str, Any]]  # the alert JSON (docs/detection.md)
    # the first two keys of worst first, copied from the document when it is written (0009)
    severity_rank: Mapped[int] = mapped_column(Integer, server_default="0")  # Severity: 0 info .. 4 critical
    at_risk_per_hour: Mapped[float] = mapped_column(server_default="0")  # impact.cost_per_hour
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class DetectAlertEvent(Base):
    """One lifecycle action on an alert: ack, close, learn, mute (who, when, why)."""

    __tablename__ = "detect_alert_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    alert_pk: Mapped[int] = mapped_column(BigId, ForeignKey("detect_alerts.id"), index=True)
    action: Mapped[str] = mapped_column(String(8))
    by_name: Mapped[str]
    why: Mapped[str]
    at: Mapped[datetime]
    state_before: Mapped[str] = mapped_column(String(12))
    state_after: Mapped[str] = mapped_column(String(12))


class DetectMute(Base):
    """A rule suppressed for one src/dst pair of a site."""

    __tablename__ = "detect_mutes"
    __table_args__ = (UniqueConstraint("site_id", "rule", "src", "dst"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int] = site_fk()
    rule: Mapped[str]
    src: Mapped[str]
    dst: Mapped[str]
    by_name: Mapped[str]
    why: Mapped[str]
    at: Mapped[datetime]
