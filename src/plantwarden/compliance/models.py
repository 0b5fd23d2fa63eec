"""The compliance table (revision ``0012``): statements people attach to a requirement.

A statement is a person's own evidence (a policy, a test report, a contract clause): who, when,
why, and optionally a file named by its SHA-256 (the file itself stays with the user). It
never changes what plantwarden judged; it is shown and exported beside it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from plantwarden.store.models import Base, site_fk
from plantwarden.store.types import BigId


class ComplianceStatement(Base):
    """One person's statement on one requirement (``iec62443-3-3:SR 1.1``)."""

    __tablename__ = "compliance_statements"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int] = site_fk()
    requirement: Mapped[str]  # framework:id
    by: Mapped[str]
    why: Mapped[str]
    file_name: Mapped[str | None]
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
