"""The capture upload jobs' table (revision ``0016``): what any serving worker answers a poll from.

The worker that took the upload runs the analysis and writes its progress here (throttled);
``host`` and ``pid`` name that worker and ``updated_at`` is its heartbeat, so a job whose
worker died reads ``failed`` instead of ``running`` for ever (:mod:`plantwarden.analyze.jobs`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from plantwarden.store.models import Base, site_fk

STATES = ("queued", "running", "done", "failed")
STATE_CHECK = "state IN ('queued', 'running', 'done', 'failed')"


class CaptureJob(Base):
    """One upload's analysis, on one site."""

    __tablename__ = "capture_jobs"
    __table_args__ = (
        CheckConstraint(STATE_CHECK, name="state_known"),
        Index("ix_capture_jobs_site_id_created_at", "site_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    site_id: Mapped[int] = site_fk()
    name: Mapped[str]
    size: Mapped[int]
    owner: Mapped[str]  # who uploaded it
    state: Mapped[str] = mapped_column(String(10))
    progress: Mapped[float]  # 0..1 of the file read
    message: Mapped[str]  # failed: why; done: what the readers passed over
    capture_id: Mapped[int | None]
    packets: Mapped[int | None]
    host: Mapped[str]  # the worker running it: host name and process id
    pid: Mapped[int]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]  # the worker's heartbeat while queued or running
    finished_at: Mapped[datetime | None]
