"""The vulnerability tables (revision ``0006``): the matches of a site's assets, and the
status of each (asset, CVE), which outlives re-matching and advisory revisions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from plantwarden.store.models import Base, site_fk
from plantwarden.store.types import BigId

STATUSES = ("not_remediated", "in_progress", "remediated", "accepted")
STATUS_CHECK = "status IN ('not_remediated', 'in_progress', 'remediated', 'accepted')"


class VulnMatch(Base):
    """One (asset, advisory, CVE) match, with the advisory revision and the bundle that made it."""

    __tablename__ = "vuln_matches"
    __table_args__ = (UniqueConstraint("site_id", "asset", "advisory", "cve"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int] = site_fk()
    asset: Mapped[str]
    advisory: Mapped[str]
    advisory_version: Mapped[str]
    cve: Mapped[str]
    confidence: Mapped[str] = mapped_column(String(20))
    product_id: Mapped[str]
    evidence: Mapped[dict[str, Any]]
    bundle: Mapped[str]
    first_matched: Mapped[datetime]
    last_matched: Mapped[datetime]


class VulnStatus(Base):
    """What is being done about one (asset, CVE): who set it, why, until when (risk accepted)."""

    __tablename__ = "vuln_status"
    __table_args__ = (
        UniqueConstraint("site_id", "asset", "cve"),
        CheckConstraint(STATUS_CHECK, name="status_known"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int] = site_fk()
    asset: Mapped[str]
    cve: Mapped[str]
    status: Mapped[str] = mapped_column(String(16))
    who: Mapped[str]
    why: Mapped[str]
    until: Mapped[datetime | None]
    changed_at: Mapped[datetime]
    advisory_version: Mapped[str | None]  # the revision the status was set against
