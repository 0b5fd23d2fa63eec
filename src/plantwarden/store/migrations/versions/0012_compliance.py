"""Compliance: statements people attach to a requirement (who, when, why, a file's SHA-256).

Revision ID: 0012
Revises: 0010 (0007 already revises 0004 here; two heads would stop every store command)
Create Date: 2026-12-07

One new table; nothing existing changes (docs/compliance.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "compliance_statements",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("site_id", BIG_ID, nullable=False),
        sa.Column("requirement", sa.Text(), nullable=False),
        sa.Column("by", sa.Text(), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=True),
        sa.Column("file_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_compliance_statements_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compliance_statements")),
    )


def downgrade() -> None:
    op.drop_table("compliance_statements")
