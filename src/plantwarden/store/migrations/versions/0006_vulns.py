"""Vulnerabilities: matches of a site's assets to advisories, and the (asset, CVE) status.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

New tables only; nothing existing changes (docs/vulns.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)
STATUS_CHECK = "status IN ('not_remediated', 'in_progress', 'remediated', 'accepted')"


def _text(name: str, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "vuln_matches",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("site_id", BIG_ID, nullable=False),
        _text("asset"),
        _text("advisory"),
        _text("advisory_version"),
        _text("cve"),
        sa.Column("confidence", sa.String(length=20), nullable=False),
        _text("product_id"),
        sa.Column("evidence", sa.JSON(), nullable=False),
        _text("bundle"),
        sa.Column("first_matched", UTC_TIME, nullable=False),
        sa.Column("last_matched", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_vuln_matches_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vuln_matches")),
        sa.UniqueConstraint(
            "site_id", "asset", "advisory", "cve", name=op.f("uq_vuln_matches_site_id_asset_advisory_cve")
        ),
    )
    op.create_table(
        "vuln_status",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("site_id", BIG_ID, nullable=False),
        _text("asset"),
        _text("cve"),
        sa.Column("status", sa.String(length=16), nullable=False),
        _text("who"),
        _text("why"),
        sa.Column("until", UTC_TIME, nullable=True),
        sa.Column("changed_at", UTC_TIME, nullable=False),
        _text("advisory_version", nullable=True),
        sa.CheckConstraint(STATUS_CHECK, name=op.f("ck_vuln_status_status_known")),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_vuln_status_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vuln_status")),
        sa.UniqueConstraint("site_id", "asset", "cve", name=op.f("uq_vuln_status_site_id_asset_cve")),
    )


def downgrade() -> None:
    op.drop_table("vuln_status")
    op.drop_table("vuln_matches")
