"""The central's frame requests (revision ``0015``): a person asks for the frames of an
alert's evidence; a sensor of the site delivers them as a pcap, or says why it cannot.

States: ``requested`` (waiting for a sensor), ``delivered`` (the pcap is here, with its
SHA-256 and what it holds), ``failed`` (a sensor's reason), ``expired`` (no sensor answered
within the request's lifetime). docs/sensors.md, "Reachback".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from plantwarden.store.models import Base, site_fk
from plantwarden.store.types import BigId, Json

STATES = ("requested", "delivered", "failed", "expired")
STATE_CHECK = "state IN ('requested', 'delivered', 'failed', 'expired')"


class FrameRequest(Base):
    """One request for an alert's evidence frames, and its answer."""

    __tablename__ = "frame_requests"
    __table_args__ = (
        CheckConstraint(STATE_CHECK, name="state_known"),
        Index("ix_frame_requests_site_id_alert_id", "site_id", "alert_id"),
        Index("ix_frame_requests_site_id_state", "site_id", "state"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int] = site_fk()
    alert_id: Mapped[str] = mapped_column(String(24))
    state: Mapped[str] = mapped_column(String(10))
    requested_by: Mapped[str]
    why: Mapped[str]
    requested_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    sensor: Mapped[str | None]  # the sensor that answered
    reason: Mapped[str | None]  # failed: why; delivered: what was left out (cut), if anything
    manifest: Mapped[dict[str, Any] | None] = mapped_column(Json)  # which frames of which capture
    frames: Mapped[int | None]
    pcap_sha256: Mapped[str | None] = mapped_column(String(64))
    pcap_size: Mapped[int | None]
    pcap: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
