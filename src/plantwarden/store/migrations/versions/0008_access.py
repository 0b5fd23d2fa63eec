"""Vendor remote access: grants and their history.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07

New tables only; nothing existing changes (docs/access.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)
STATE_CHECK = "state IN ('requested', 'approved', 'denied', 'revoked')"


def _text(name: str, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "access_grants",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("site_id", BIG_ID, nullable=False),
        _text("grantee"),
        _text("company"),
        _text("assets"),
        _text("zone", nullable=True),
        _text("protocols"),
        sa.Column("operations", sa.String(length=12), nullable=False),
        sa.Column("starts_at", UTC_TIME, nullable=False),
        sa.Column("ends_at", UTC_TIME, nullable=False),
        _text("ticket", nullable=True),
        _text("reason"),
        _text("requested_by"),
        sa.Column("requested_at", UTC_TIME, nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        _text("decided_by", nullable=True),
        sa.Column("decided_at", UTC_TIME, nullable=True),
        _text("revoked_by", nullable=True),
        sa.Column("revoked_at", UTC_TIME, nullable=True),
        sa.CheckConstraint(STATE_CHECK, name=op.f("ck_access_grants_state_known")),
        sa.CheckConstraint(
            "operations IN ('view', 'engineering')", name=op.f("ck_access_grants_operations_known")
        ),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_access_grants_window_ends")),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_access_grants_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_grants")),
    )
    op.create_table(
        "access_grant_events",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("site_id", BIG_ID, nullable=False),
        sa.Column("grant_id", BIG_ID, nullable=False),
        sa.Column("ts", UTC_TIME, nullable=False),
        _text("actor"),
        _text("action"),
        _text("why"),
        sa.ForeignKeyConstraint(
            ["grant_id"], ["access_grants.id"], name=op.f("fk_access_grant_events_grant_id_access_grants")
        ),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_access_grant_events_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_grant_events")),
    )
    op.create_index(op.f("ix_access_grant_events_grant_id"), "access_grant_events", ["grant_id"])
    op.create_table(
        "access_sessions",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("site_id", BIG_ID, nullable=False),
        _text("capture"),
        _text("proto"),
        _text("client"),
        sa.Column("client_port", sa.BigInteger(), nullable=False),
        _text("server"),
        sa.Column("server_port", sa.BigInteger(), nullable=False),
        sa.Column("started_at", UTC_TIME, nullable=False),
        sa.Column("ended_at", UTC_TIME, nullable=False),
        sa.Column("first_frame", sa.BigInteger(), nullable=False),
        sa.Column("packets", sa.BigInteger(), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        _text("vendor", nullable=True),
        _text("grant_key", nullable=True),
        _text("findings"),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_access_sessions_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_sessions")),
        sa.UniqueConstraint(
            "site_id", "capture", "client", "client_port", "server", "server_port", "started_at",
            name=op.f("uq_access_sessions_one"),
        ),
    )
    op.create_index(op.f("ix_access_sessions_started_at"), "access_sessions", ["started_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_access_sessions_started_at"), table_name="access_sessions")
    op.drop_table("access_sessions")
    op.drop_index(op.f("ix_access_grant_events_grant_id"), table_name="access_grant_events")
    op.drop_table("access_grant_events")
    op.drop_table("access_grants")
