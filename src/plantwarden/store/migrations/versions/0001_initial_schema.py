"""Initial schema: site versions, captures, hosts, conversations, anomalies.

Revision ID: 0001
Revises:
Create Date: 2026-11-22

Runs on SQLite and PostgreSQL: portable types only (see docs/store.md). Packet times are
float epoch seconds (double precision); ``loaded_at`` / ``analysed_at`` are UTC timestamps.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)


def _id() -> sa.Column[int]:
    return sa.Column("id", BIG_ID, nullable=False)


def _capture_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["capture_id"], ["captures.id"], name=op.f(f"fk_{table}_capture_id_captures"), ondelete="CASCADE"
    )


def _site_versions() -> None:
    op.create_table(
        "site_versions",
        _id(),
        sa.Column("site_name", sa.Text(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("loaded_at", UTC_TIME, nullable=False),
        sa.Column("source_path", sa.Text(), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.CheckConstraint("version >= 1", name=op.f("ck_site_versions_version_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_versions")),
        sa.UniqueConstraint("site_name", "version", name=op.f("uq_site_versions_site_name_version")),
    )
    op.create_index(
        "uq_site_versions_one_current",
        "site_versions",
        ["is_current"],
        unique=True,
        sqlite_where=sa.text("is_current"),
        postgresql_where=sa.text("is_current"),
    )


def _captures() -> None:
    op.create_table(
        "captures",
        _id(),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("packets", sa.BigInteger(), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("first_ts", sa.Double(), nullable=True),
        sa.Column("last_ts", sa.Double(), nullable=True),
        sa.Column("skipped", sa.JSON(), nullable=False),
        sa.Column("protocols", sa.JSON(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("analysed_at", UTC_TIME, nullable=False),
        sa.Column("plantwarden_version", sa.String(length=40), nullable=False),
        sa.Column("analysis_sha256", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_captures")),
        sa.UniqueConstraint("sha256", name=op.f("uq_captures_sha256")),
    )


def _hosts() -> None:
    op.create_table(
        "hosts",
        _id(),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=4), nullable=False),
        sa.Column("first_seen", sa.Double(), nullable=True),
        sa.Column("last_seen", sa.Double(), nullable=True),
        sa.Column("packets", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("kind IN ('mac', 'ipv4', 'ipv6')", name=op.f("ck_hosts_kind_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hosts")),
        sa.UniqueConstraint("kind", "address", name=op.f("uq_hosts_kind_address")),
    )
    op.create_table(
        "capture_hosts",
        sa.Column("capture_id", BIG_ID, nullable=False),
        sa.Column("host_id", BIG_ID, nullable=False),
        sa.Column("first_seen", sa.Double(), nullable=True),
        sa.Column("last_seen", sa.Double(), nullable=True),
        sa.Column("packets", sa.BigInteger(), nullable=True),
        _capture_fk("capture_hosts"),
        sa.ForeignKeyConstraint(
            ["host_id"], ["hosts.id"], name=op.f("fk_capture_hosts_host_id_hosts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("capture_id", "host_id", name=op.f("pk_capture_hosts")),
    )
    op.create_index(op.f("ix_capture_hosts_host_id"), "capture_hosts", ["host_id"])


def _conversations() -> None:
    op.create_table(
        "conversations",
        _id(),
        sa.Column("capture_id", BIG_ID, nullable=False),
        sa.Column("src", sa.Text(), nullable=False),
        sa.Column("dst", sa.Text(), nullable=False),
        sa.Column("proto", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("first_ts", sa.Double(), nullable=False),
        sa.Column("last_ts", sa.Double(), nullable=False),
        sa.CheckConstraint("count >= 1", name=op.f("ck_conversations_count_positive")),
        _capture_fk("conversations"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
        sa.UniqueConstraint(
            "capture_id",
            "src",
            "dst",
            "proto",
            "code",
            name=op.f("uq_conversations_capture_id_src_dst_proto_code"),
        ),
    )


def _anomalies() -> None:
    op.create_table(
        "anomalies",
        _id(),
        sa.Column("capture_id", BIG_ID, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("frame", sa.BigInteger(), nullable=False),
        sa.Column("ts", sa.Double(), nullable=True),
        sa.Column("src", sa.Text(), nullable=True),
        sa.Column("dst", sa.Text(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        _capture_fk("anomalies"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_anomalies")),
    )
    op.create_index(op.f("ix_anomalies_capture_id"), "anomalies", ["capture_id"])


def upgrade() -> None:
    _site_versions()
    _captures()
    _hosts()
    _conversations()
    _anomalies()


def downgrade() -> None:
    for table in ("anomalies", "conversations", "capture_hosts", "hosts", "captures", "site_versions"):
        op.drop_table(table)
