"""Reachback: the central's requests for an alert's evidence frames, and the sensors' answers.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07

One new table; nothing existing changes (docs/sensors.md, "Reachback").
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "frame_requests",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("site_id", BIG_ID, nullable=False),
        sa.Column("alert_id", sa.String(length=24), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("requested_by", sa.Text(), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("requested_at", UTC_TIME, nullable=False),
        sa.Column("expires_at", UTC_TIME, nullable=False),
        sa.Column("answered_at", UTC_TIME, nullable=True),
        sa.Column("sensor", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("manifest", sa.JSON(), nullable=True),
        sa.Column("frames", sa.BigInteger(), nullable=True),
        sa.Column("pcap_sha256", sa.String(length=64), nullable=True),
        sa.Column("pcap_size", sa.BigInteger(), nullable=True),
        sa.Column("pcap", sa.LargeBinary(), nullable=True),
        sa.CheckConstraint(
            "state IN ('requested', 'delivered', 'failed', 'expired')",
            name=op.f("ck_frame_requests_state_known"),
        ),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_frame_requests_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_frame_requests")),
    )
    op.create_index("ix_frame_requests_site_id_alert_id", "frame_requests", ["site_id", "alert_id"])
    op.create_index("ix_frame_requests_site_id_state", "frame_requests", ["site_id", "state"])


def downgrade() -> None:
    op.drop_index("ix_frame_requests_site_id_state", table_name="frame_requests")
    op.drop_index("ix_frame_requests_site_id_alert_id", table_name="frame_requests")
    op.drop_table("frame_requests")
