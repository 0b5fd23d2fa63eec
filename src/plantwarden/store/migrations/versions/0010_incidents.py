"""Incidents: the incident, its timeline, decisions and preserved evidence.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07

New tables only; nothing existing changes (docs/incidents.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)
STATE_CHECK = "state IN ('open', 'contained', 'stabilised', 'recovered', 'closed')"
KIND_CHECK = "kind IN ('opened', 'alert', 'decision', 'note', 'state', 'evidence')"


def _text(name: str, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=nullable)


def _belongs(table: str) -> list[Any]:
    """``id``, ``site_id`` and ``incident_id`` of a row that belongs to an incident."""
    return [
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("site_id", BIG_ID, nullable=False),
        sa.Column("incident_id", BIG_ID, nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f(f"fk_{table}_site_id_sites")),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f(f"fk_{table}_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("site_id", BIG_ID, nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=False),
        _text("title"),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("opened_at", UTC_TIME, nullable=False),
        _text("opened_by"),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.Column("closed_at", UTC_TIME, nullable=True),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.CheckConstraint(STATE_CHECK, name=op.f("ck_incidents_state_known")),
        sa.CheckConstraint("number >= 1", name=op.f("ck_incidents_number_positive")),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_incidents_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
        sa.UniqueConstraint("site_id", "number", name=op.f("uq_incidents_site_id_number")),
    )
    op.create_table(
        "incident_entries",
        *_belongs("incident_entries"),
        sa.Column("at", UTC_TIME, nullable=False),
        _text("by_name"),
        sa.Column("kind", sa.String(length=10), nullable=False),
        _text("text"),
        _text("why"),
        sa.Column("state_before", sa.String(length=12), nullable=False),
        sa.Column("state_after", sa.String(length=12), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.CheckConstraint(KIND_CHECK, name=op.f("ck_incident_entries_kind_known")),
    )
    op.create_table(
        "incident_decisions",
        *_belongs("incident_decisions"),
        sa.Column("at", UTC_TIME, nullable=False),
        _text("by_name"),
        _text("step"),
        _text("option"),
        _text("title"),
        sa.Column("predicted_cost_per_hour", sa.Double(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        _text("why"),
        _text("override", nullable=True),
        sa.Column("marks", sa.JSON(), nullable=False),
    )
    op.create_table(
        "incident_evidence",
        *_belongs("incident_evidence"),
        sa.Column("taken_at", UTC_TIME, nullable=False),
        _text("taken_by"),
        _text("path"),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        _text("source_name"),
        _text("source_path"),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("window_s", sa.Double(), nullable=False),
        sa.Column("frames", sa.JSON(), nullable=False),
    )
    for table in ("incident_entries", "incident_decisions", "incident_evidence"):
        op.create_index(op.f(f"ix_{table}_incident_id"), table, ["incident_id"])


def downgrade() -> None:
    for table in ("incident_evidence", "incident_decisions", "incident_entries"):
        op.drop_index(op.f(f"ix_{table}_incident_id"), table_name=table)
        op.drop_table(table)
    op.drop_table("incidents")
