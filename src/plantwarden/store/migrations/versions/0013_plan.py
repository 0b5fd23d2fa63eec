"""Remediation plan: plan runs (fingerprint, solver, status, gap, the plan) and pins.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07

Two new tables; nothing existing changes (docs/plan.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "plan_runs",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("site_id", BIG_ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("solver", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("gap", sa.Double(), nullable=True),
        sa.Column("horizon_days", sa.BigInteger(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_plan_runs_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_runs")),
    )
    op.create_table(
        "plan_pins",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("site_id", BIG_ID, nullable=False),
        sa.Column("item", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("window", sa.Text(), nullable=True),
        sa.Column("by", sa.Text(), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_plan_pins_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_pins")),
    )


def downgrade() -> None:
    op.drop_table("plan_pins")
    op.drop_table("plan_runs")
