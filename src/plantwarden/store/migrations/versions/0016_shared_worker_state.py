"""State the serving workers share: capture upload jobs and the login rate limit's failures.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-08

Two new tables; nothing existing changes (docs/web.md, "Several workers"). Behind
``serve --workers N`` an upload lands on one worker and its progress poll on another, and
failed sign-ins must count across the workers: both now live in the store.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "capture_jobs",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("site_id", BIG_ID, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("owner", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("progress", sa.Double(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("capture_id", sa.BigInteger(), nullable=True),
        sa.Column("packets", sa.BigInteger(), nullable=True),
        sa.Column("host", sa.Text(), nullable=False),
        sa.Column("pid", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.Column("finished_at", UTC_TIME, nullable=True),
        sa.CheckConstraint(
            "state IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_capture_jobs_state_known")
        ),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_capture_jobs_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capture_jobs")),
    )
    op.create_index("ix_capture_jobs_site_id_created_at", "capture_jobs", ["site_id", "created_at"])
    op.create_table(
        "login_failures",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("key_sha256", sa.String(length=64), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    op.create_index("ix_login_failures_key_sha256_at", "login_failures", ["key_sha256", "at"])
    op.create_index("ix_login_failures_at", "login_failures", ["at"])


def downgrade() -> None:
    op.drop_index("ix_login_failures_at", table_name="login_failures")
    op.drop_index("ix_login_failures_key_sha256_at", table_name="login_failures")
    op.drop_table("login_failures")
    op.drop_index("ix_capture_jobs_site_id_created_at", table_name="capture_jobs")
    op.drop_table("capture_jobs")
