"""Sensors: registered sensors and the batches received (central); identity and outbox (sensor).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07

New tables only; nothing existing changes (docs/sensors.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)


def _text(name: str, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=nullable)


def _big(name: str, nullable: bool = False) -> sa.Column[int]:
    return sa.Column(name, sa.BigInteger(), nullable=nullable)


def _site() -> sa.Column[int]:
    return sa.Column("site_id", BIG_ID, nullable=False)


def upgrade() -> None:
    op.create_table(
        "sensors",
        sa.Column("id", BIG_ID, nullable=False),
        _text("name"),
        _site(),
        _text("public_key", nullable=True),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("registered_at", UTC_TIME, nullable=False),
        _big("last_seq"),
        sa.Column("last_batch_at", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_sensors_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sensors")),
        sa.UniqueConstraint("name", name=op.f("uq_sensors_name")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_sensors_token_sha256")),
    )
    op.create_table(
        "received_batches",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("sensor_id", BIG_ID, nullable=False),
        _big("first_seq"),
        _big("last_seq"),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        _big("items"),
        sa.Column("received_at", UTC_TIME, nullable=False),
        sa.Column("via", sa.String(length=8), nullable=False),
        sa.CheckConstraint(
            "first_seq >= 1 AND last_seq >= first_seq", name=op.f("ck_received_batches_range_valid")
        ),
        sa.ForeignKeyConstraint(
            ["sensor_id"], ["sensors.id"], name=op.f("fk_received_batches_sensor_id_sensors")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_received_batches")),
        sa.UniqueConstraint("sensor_id", "first_seq", name=op.f("uq_received_batches_sensor_id_first_seq")),
    )
    op.create_table(
        "sensor_identity",
        sa.Column("id", BIG_ID, autoincrement=False, nullable=False),
        _text("name"),
        _site(),
        _text("private_key"),
        _big("outbox_max_bytes"),
        _big("next_seq"),
        _big("last_ack_seq"),
        sa.Column("last_ack_at", UTC_TIME, nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_sensor_identity_one_row")),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_sensor_identity_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sensor_identity")),
    )
    op.create_table(
        "outbox",
        sa.Column("seq", BIG_ID, autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created", UTC_TIME, nullable=False),
        _big("size"),
        sa.CheckConstraint("kind IN ('capture', 'alert', 'baseline')", name=op.f("ck_outbox_kind_known")),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_outbox")),
    )


def downgrade() -> None:
    op.drop_table("outbox")
    op.drop_table("sensor_identity")
    op.drop_table("received_batches")
    op.drop_table("sensors")
