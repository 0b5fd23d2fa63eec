"""The sensors' tables (revision ``0007``; the rotation's columns: ``0017``).

At the central: :class:`Sensor` (a registered sensor, its site, the public key its bundles
and batches are signed with, the last sequence number acknowledged) and
:class:`ReceivedBatch` (the ledger of accepted batches: idempotency and provenance).

At a sensor: :class:`SensorIdentity` (one row: this store is the sensor's store, its name,
site, signing key, outbox cap and sequence counter) and :class:`OutboxItem` (what is queued
for the central, deleted once the central acknowledged it). docs/sensors.md.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from plantwarden.store.models import Base, site_fk
from plantwarden.store.types import BigId

KINDS = ("capture", "alert", "baseline")
KIND_CHECK = "kind IN ('capture', 'alert', 'baseline')"


class Sensor(Base):
    """A sensor registered at the central: it may write its own site only."""

    __tablename__ = "sensors"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    site_id: Mapped[int] = site_fk()
    public_key: Mapped[str | None]  # Ed25519, raw 32 bytes as base64
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    previous_token_sha256: Mapped[str | None] = mapped_column(String(64))  # rotated, in its grace period
    previous_token_until: Mapped[datetime | None]  # revision 0017
    registered_at: Mapped[datetime]
    last_seq: Mapped[int]  # the highest sequence number applied and acknowledged (0: none)
    last_batch_at: Mapped[datetime | None]


class ReceivedBatch(Base):
    """One batch the central applied: the sensor, its sequence range and the items' hash."""

    __tablename__ = "received_batches"
    __table_args__ = (
        UniqueConstraint("sensor_id", "first_seq"),
        CheckConstraint("first_seq >= 1 AND last_seq >= first_seq", name="range_valid"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    sensor_id: Mapped[int] = mapped_column(BigId, ForeignKey("sensors.id"))
    first_seq: Mapped[int]
    last_seq: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    items: Mapped[int]
    received_at: Mapped[datetime]
    via: Mapped[str] = mapped_column(String(8))  # "push" or "bundle"


class SensorIdentity(Base):
    """This store is a sensor's (one row): what it analyses is also queued in the outbox."""

    __tablename__ = "sensor_identity"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    name: Mapped[str]
    site_id: Mapped[int] = site_fk()
    private_key: Mapped[str]  # Ed25519 seed, base64 (the store file is the sensor's secret)
    pending_private_key: Mapped[str | None]  # sensor rekey: used once sensor adopt (revision 0017)
    outbox_max_bytes: Mapped[int]
    next_seq: Mapped[int]  # never reused, even when the outbox is empty
    last_ack_seq: Mapped[int]
    last_ack_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class OutboxItem(Base):
    """One record queued for the central (metadata and hashes; never packets)."""

    __tablename__ = "outbox"
    __table_args__ = (CheckConstraint(KIND_CHECK, name="kind_known"),)

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(12))
    payload: Mapped[dict[str, Any]]
    created: Mapped[datetime]
    size: Mapped[int]
