"""Detection: baselines per site and version, alerts, alert lifecycle events, mutes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

Runs on SQLite and PostgreSQL: portable types only (see docs/store.md). Packet times
(``first_ts``, ``last_ts``) are float epoch seconds; bookkeeping times are UTC timestamps.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)


def _id(table: str) -> tuple[sa.Column[int], sa.PrimaryKeyConstraint]:
    return sa.Column("id", BIG_ID, nullable=False), sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))


def _text(name: str) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=False)


def _short(name: str, length: int) -> sa.Column[str]:
    return sa.Column(name, sa.String(length=length), nullable=False)


def _alerts() -> None:
    op.create_table(
        "detect_alerts",
        *_id("detect_alerts"),
        _short("alert_id", 24),
        _text("rule"),
        _short("severity", 8),
        _short("state", 12),
        _text("src"),
        _text("dst"),
        sa.Column("first_ts", sa.Double(), nullable=False),
        sa.Column("last_ts", sa.Double(), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.CheckConstraint(
            "state IN ('new', 'acknowledged', 'closed')", name=op.f("ck_detect_alerts_state_known")
        ),
        sa.CheckConstraint("count >= 1", name=op.f("ck_detect_alerts_count_positive")),
        sa.UniqueConstraint("alert_id", name=op.f("uq_detect_alerts_alert_id")),
    )
    op.create_index("ix_detect_alerts_rule_src_dst", "detect_alerts", ["rule", "src", "dst"])


def _baselines() -> None:
    op.create_table(
        "detect_baselines",
        *_id("detect_baselines"),
        _text("site_name"),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        _text("source"),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.CheckConstraint("version >= 1", name=op.f("ck_detect_baselines_version_positive")),
        sa.UniqueConstraint("site_name", "version", name=op.f("uq_detect_baselines_site_name_version")),
    )


def _events_and_mutes() -> None:
    op.create_table(
        "detect_alert_events",
        *_id("detect_alert_events"),
        sa.Column("alert_pk", BIG_ID, nullable=False),
        _short("action", 8),
        _text("by_name"),
        _text("why"),
        sa.Column("at", UTC_TIME, nullable=False),
        _short("state_before", 12),
        _short("state_after", 12),
        sa.ForeignKeyConstraint(
            ["alert_pk"], ["detect_alerts.id"], name=op.f("fk_detect_alert_events_alert_pk_detect_alerts")
        ),
    )
    op.create_index(op.f("ix_detect_alert_events_alert_pk"), "detect_alert_events", ["alert_pk"])
    op.create_table(
        "detect_mutes",
        *_id("detect_mutes"),
        _text("rule"),
        _text("src"),
        _text("dst"),
        _text("by_name"),
        _text("why"),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.UniqueConstraint("rule", "src", "dst", name=op.f("uq_detect_mutes_rule_src_dst")),
    )


def upgrade() -> None:
    _alerts()
    _baselines()
    _events_and_mutes()


def downgrade() -> None:
    op.drop_table("detect_mutes")
    op.drop_index(op.f("ix_detect_alert_events_alert_pk"), table_name="detect_alert_events")
    op.drop_table("detect_alert_events")
    op.drop_table("detect_baselines")
    op.drop_index("ix_detect_alerts_rule_src_dst", table_name="detect_alerts")
    op.drop_table("detect_alerts")
