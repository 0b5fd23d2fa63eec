"""The store's tables (SQLAlchemy 2 typed declarative).

The schema itself is created and changed only by the Alembic revisions in
``store/migrations/versions``; these classes must agree with them (a test compares the two on
every database). Times follow :mod:`plantwarden.store.types`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Double,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedColumn, mapped_column

from plantwarden.store.types import BigId, Json, UtcDateTime

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

HOST_KINDS = ("mac", "ipv4", "ipv6")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {  # noqa: RUF012 (SQLAlchemy reads it as a class attribute)
        int: BigInteger(),
        float: Double(),
        str: Text(),
        datetime: UtcDateTime(),
        dict[str, Any]: Json,
        list[dict[str, Any]]: Json,
    }


def site_fk() -> MappedColumn[Any]:
    """The ``site_id`` column of a row that belongs to one site (revision ``0003``)."""
    return mapped_column(BigId, ForeignKey("sites.id"))


class Site(Base):
    """One plant: every site version, capture, host, baseline, alert and mute belongs to one.

    A store holds many sites side by side; every command chooses one (docs/store.md)."""

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    created_at: Mapped[datetime]


class SiteVersion(Base):
    """One loaded version of a site model; exactly one row of each site is current."""

    __tablename__ = "site_versions"
    __table_args__ = (
        UniqueConstraint("site_id", "version"),
        CheckConstraint("version >= 1", name="version_positive"),
        Index(
            "uq_site_versions_one_current",
            "site_id",
            unique=True,
            sqlite_where=text("is_current"),
            postgresql_where=text("is_current"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int] = site_fk()
    version: Mapped[int]
    loaded_at: Mapped[datetime]
    source_path: Mapped[str]
    source_sha256: Mapped[str] = mapped_column(String(64))
    document: Mapped[dict[str, Any]]
    is_current: Mapped[bool] = mapped_column(Boolean())


class Capture(Base):
    """One analysed capture of a site, keyed by the SHA-256 of its file (per site)."""

    __tablename__ = "captures"
    __table_args__ = (UniqueConstraint("site_id", "sha256"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int] = site_fk()
    name: Mapped[str]
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    packets: Mapped[int]
    byte_count: Mapped[int] = mapped_column("bytes", BigInteger())
    first_ts: Mapped[float | None]
    last_ts: Mapped[float | None]
    skipped: Mapped[list[dict[str, Any]]]
    protocols: Mapped[dict[str, Any]]
    document: Mapped[dict[str, Any]]  # the whole analysis document (docs/analyze-json.md)
    analysed_at: Mapped[datetime]
    plantwarden_version: Mapped[str] = mapped_column(String(40))
    analysis_sha256: Mapped[str] = mapped_column(String(64))


class Host(Base):
    """An address seen in any capture of a site; times and packets aggregate its captures' figures."""

    __tablename__ = "hosts"
    __table_args__ = (
        UniqueConstraint("site_id", "kind", "address"),
        CheckConstraint("kind IN ('mac', 'ipv4', 'ipv6')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int] = site_fk()
    address: Mapped[str]
    kind: Mapped[str] = mapped_column(String(4))
    first_seen: Mapped[float | None]
    last_seen: Mapped[float | None]
    packets: Mapped[int | None]


class CaptureHost(Base):
    """A host as one capture saw it."""

    __tablename__ = "capture_hosts"

    capture_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("captures.id", ondelete="CASCADE"), primary_key=True
    )
    host_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("hosts.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    first_seen: Mapped[float | None]
    last_seen: Mapped[float | None]
    packets: Mapped[int | None]


class Conversation(Base):
    """One (src, dst, proto, code) tuple of a capture and how often it occurred."""

    __tablename__ = "conversations"
    __table_args__ = (
        UniqueConstraint("capture_id", "src", "dst", "proto", "code"),
        CheckConstraint("count >= 1", name="count_positive"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    capture_id: Mapped[int] = mapped_column(BigId, ForeignKey("captures.id", ondelete="CASCADE"))
    src: Mapped[str]
    dst: Mapped[str]
    proto: Mapped[str]
    code: Mapped[str]
    count: Mapped[int]
    first_ts: Mapped[float]
    last_ts: Mapped[float]


class Anomaly(Base):
    """A named anomaly a decoder raised, at a frame of a capture."""

    __tablename__ = "anomalies"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    capture_id: Mapped[int] = mapped_column(BigId, ForeignKey("captures.id", ondelete="CASCADE"), index=True)
    name: Mapped[str]
    frame: Mapped[int]
    ts: Mapped[float | None]
    src: Mapped[str | None]
    dst: Mapped[str | None]
    detail: Mapped[str]


from plantwarden.access import models as _access_models  # noqa: E402,F401  (registers the access tables)
from plantwarden.analyze import job_models as _job_models  # noqa: E402,F401  (capture upload jobs)
from plantwarden.compliance import models as _compliance_models  # noqa: E402,F401  (registers the compliance table)
from plantwarden.incidents import models as _incident_models  # noqa: E402,F401  (registers incident tables)
from plantwarden.people import models as _people_models  # noqa: E402,F401  (registers the people tables)
from plantwarden.plan import models as _plan_models  # noqa: E402,F401  (registers the plan tables)
from plantwarden.sensors import models as _sensor_models  # noqa: E402,F401  (registers the sensors' tables)
from plantwarden.sensors import reach_models as _reach_models  # noqa: E402,F401  (frame requests)
from plantwarden.store import detect_models as _detect_models  # noqa: E402,F401  (registers detection tables)
from plantwarden.vulns import models as _vulns_models  # noqa: E402,F401  (registers the vulnerability tables)
from plantwarden.web import models as _web_models  # noqa: E402,F401  (registers the console's sessions)
