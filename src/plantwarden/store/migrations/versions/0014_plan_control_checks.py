"""Remediation plan: the checks of the compensating controls on later captures.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07

One new table; nothing existing changes (docs/plan.md, "Evidence").
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
STATE_CHECK = "state IN ('holds', 'broken', 'no_data', 'expired')"


def upgrade() -> None:
    op.create_table(
        "plan_control_checks",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("site_id", BIG_ID, nullable=False),
        sa.Column("run_id", BIG_ID, nullable=False),
        sa.Column("item", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("captures", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.CheckConstraint(STATE_CHECK, name=op.f("ck_plan_control_checks_state_known")),
        sa.ForeignKeyConstraint(
            ["run_id"], ["plan_runs.id"], name=op.f("fk_plan_control_checks_run_id_plan_runs")
        ),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_plan_control_checks_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_control_checks")),
    )
    op.create_index("ix_plan_control_checks_site_id_run_id", "plan_control_checks", ["site_id", "run_id"])


def downgrade() -> None:
    op.drop_index("ix_plan_control_checks_site_id_run_id", table_name="plan_control_checks")
    op.drop_table("plan_control_checks")
