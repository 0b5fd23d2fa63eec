"""Sites side by side: a ``sites`` table, and every row belongs to one site.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07

``site_versions``, ``captures``, ``hosts``, ``detect_baselines``, ``detect_alerts`` and
``detect_mutes`` get a non-null ``site_id``; their uniques become per site (a capture's
SHA-256, a host's kind and address, an alert's id, a mute's rule and pair, a version number),
and each site has its own current site version. Conversations, capture hosts, anomalies and
alert events belong to a site through their parent.

A store of the previous release holds one site and rows without one. It is carried over with
nothing lost: one site per distinct site name stored (site versions and baselines); the rows
without a site (captures, hosts, alerts, mutes, baselines learned without a site) go to the
current site, or, where no site model was ever loaded, to a site named ``default``. Baselines
learned without a site that join a site with baselines of its own are numbered before them,
so that the site's newest stays the one detection uses, as it did.

SQLite ALTERs by table copy (batch mode); plantwarden runs its migrations with foreign keys
off on SQLite and checks them before the commit (:mod:`plantwarden.store.engine`), so that
copying a parent table does not cascade into its children.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from plantwarden.errors import StoreError

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)
DEFAULT_SITE = "default"

#: Tables that get a site_id: (table, its uniques before, its uniques after).
OWNED: tuple[tuple[str, tuple[str, ...], tuple[tuple[str, ...], ...]], ...] = (
    ("site_versions", ("uq_site_versions_site_name_version",), (("site_id", "version"),)),
    ("captures", ("uq_captures_sha256",), (("site_id", "sha256"),)),
    ("hosts", ("uq_hosts_kind_address",), (("site_id", "kind", "address"),)),
    ("detect_baselines", ("uq_detect_baselines_site_name_version",), (("site_id", "version"),)),
    ("detect_alerts", ("uq_detect_alerts_alert_id",), (("site_id", "alert_id"),)),
    ("detect_mutes", ("uq_detect_mutes_rule_src_dst",), (("site_id", "rule", "src", "dst"),)),
)
#: Tables whose rows carry no site name: they go to the home site.
NAMELESS = ("captures", "hosts", "detect_alerts", "detect_mutes")


def _now(bind: sa.Connection) -> datetime:
    now = datetime.now(UTC)
    return now.replace(tzinfo=None) if bind.dialect.name == "sqlite" else now  # as UtcDateTime stores it


def _scalars(bind: sa.Connection, sql: str) -> list[Any]:
    return list(bind.execute(sa.text(sql)).scalars())


def _home(bind: sa.Connection) -> str | None:
    """The site the rows without a site go to: the current one, else ``default`` (if any needs it)."""
    current = _scalars(bind, "SELECT site_name FROM site_versions WHERE is_current")
    if current:
        return str(current[0])
    needs = any(_scalars(bind, f"SELECT 1 FROM {t} LIMIT 1") for t in NAMELESS)
    needs = needs or bool(_scalars(bind, "SELECT 1 FROM detect_baselines WHERE site_name = '' LIMIT 1"))
    return DEFAULT_SITE if needs else None


def _create_sites(bind: sa.Connection) -> None:
    op.create_table(
        "sites",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
        sa.UniqueConstraint("name", name=op.f("uq_sites_name")),
    )


def _fill(bind: sa.Connection) -> None:
    """One site per stored name; every row's site_id."""
    home = _home(bind)
    names = set(_scalars(bind, "SELECT DISTINCT site_name FROM site_versions"))
    names |= set(_scalars(bind, "SELECT DISTINCT site_name FROM detect_baselines WHERE site_name <> ''"))
    if home is not None:
        names.add(home)
    sites = sa.table("sites", sa.column("name", sa.Text()), sa.column("created_at", UTC_TIME))
    now = _now(bind)
    for name in sorted(names):
        bind.execute(sa.insert(sites).values(name=name, created_at=now))
    by_name = "(SELECT s.id FROM sites s WHERE s.name = {t}.site_name)"
    bind.execute(sa.text(f"UPDATE site_versions SET site_id = {by_name.format(t='site_versions')}"))
    bind.execute(
        sa.text(
            f"UPDATE detect_baselines SET site_id = {by_name.format(t='detect_baselines')} "
            "WHERE site_name <> ''"
        )
    )
    if home is None:
        return
    home_id = bind.execute(sa.text("SELECT id FROM sites WHERE name = :n"), {"n": home}).scalar_one()
    for table in NAMELESS:
        bind.execute(sa.text(f"UPDATE {table} SET site_id = :s"), {"s": home_id})
    _siteless_baselines(bind, home_id)


def _siteless_baselines(bind: sa.Connection, home_id: int) -> None:
    """Baselines learned without a site join the home site, numbered before its own."""
    siteless = bind.execute(
        sa.text("SELECT id, version FROM detect_baselines WHERE site_name = '' ORDER BY version")
    ).all()
    if not siteless:
        return
    own = bind.execute(
        sa.text("SELECT id, version FROM detect_baselines WHERE site_id = :s ORDER BY version DESC"),
        {"s": home_id},
    ).all()
    shift = len(siteless)
    table = sa.table(
        "detect_baselines",
        sa.column("id", BIG_ID),
        sa.column("version", sa.BigInteger()),
        sa.column("document", sa.JSON()),
        sa.column("site_id", BIG_ID),
    )
    moves = [(pk, version + shift) for pk, version in own] + [
        (pk, number) for number, (pk, _) in enumerate(siteless, start=1)
    ]
    for pk, version in moves:  # the site's own from the highest down: no two rows share a number
        document = bind.execute(sa.select(table.c.document).where(table.c.id == pk)).scalar_one()
        if isinstance(document, dict) and document.get("version") is not None:
            document = {**document, "version": version}
        bind.execute(
            sa.update(table)
            .where(table.c.id == pk)
            .values(version=version, document=document, site_id=home_id)
        )


def _constrain(table: str, old_uniques: tuple[str, ...], new_uniques: tuple[tuple[str, ...], ...]) -> None:
    with op.batch_alter_table(table) as batch:
        for name in old_uniques:
            batch.drop_constraint(name, type_="unique")
        if table in ("site_versions", "detect_baselines"):
            batch.drop_column("site_name")
        batch.alter_column("site_id", existing_type=BIG_ID, nullable=False)
        batch.create_foreign_key(op.f(f"fk_{table}_site_id_sites"), "sites", ["site_id"], ["id"])
        for columns in new_uniques:
            batch.create_unique_constraint(op.f(f"uq_{table}_{'_'.join(columns)}"), list(columns))


def upgrade() -> None:
    bind = op.get_bind()
    _create_sites(bind)
    op.drop_index("uq_site_versions_one_current", table_name="site_versions")
    op.drop_index("ix_detect_alerts_rule_src_dst", table_name="detect_alerts")
    for table, _, _ in OWNED:
        op.add_column(table, sa.Column("site_id", BIG_ID, nullable=True))
    _fill(bind)
    for table, old, new in OWNED:
        _constrain(table, old, new)
    op.create_index(
        "uq_site_versions_one_current",
        "site_versions",
        ["site_id"],
        unique=True,
        sqlite_where=sa.text("is_current"),
        postgresql_where=sa.text("is_current"),
    )
    op.create_index(
        "ix_detect_alerts_site_id_rule_src_dst", "detect_alerts", ["site_id", "rule", "src", "dst"]
    )


def downgrade() -> None:
    """Back to one site per store: refused when the store holds rows of several sites."""
    bind = op.get_bind()
    used = {
        site_id
        for table, _, _ in OWNED
        for site_id in _scalars(bind, f"SELECT DISTINCT site_id FROM {table}")
    }
    if len(used) > 1:
        raise StoreError(f"the store holds {len(used)} sites; revision 0002 holds one: downgrade refused")
    op.drop_index("ix_detect_alerts_site_id_rule_src_dst", table_name="detect_alerts")
    op.drop_index("uq_site_versions_one_current", table_name="site_versions")
    for table, old, new in OWNED:
        named = table in ("site_versions", "detect_baselines")
        with op.batch_alter_table(table) as batch:
            if named:
                batch.add_column(sa.Column("site_name", sa.Text(), nullable=False, server_default=""))
            for unique in new:
                batch.drop_constraint(op.f(f"uq_{table}_{'_'.join(unique)}"), type_="unique")
            batch.drop_constraint(op.f(f"fk_{table}_site_id_sites"), type_="foreignkey")
        if named:
            bind.execute(
                sa.text(
                    f"UPDATE {table} SET site_name = "
                    f"(SELECT s.name FROM sites s WHERE s.id = {table}.site_id)"
                )
            )
        with op.batch_alter_table(table) as batch:
            batch.drop_column("site_id")
            if named:
                batch.alter_column("site_name", existing_type=sa.Text(), server_default=None)
            for name in old:
                columns = {
                    "uq_site_versions_site_name_version": ["site_name", "version"],
                    "uq_captures_sha256": ["sha256"],
                    "uq_hosts_kind_address": ["kind", "address"],
                    "uq_detect_baselines_site_name_version": ["site_name", "version"],
                    "uq_detect_alerts_alert_id": ["alert_id"],
                    "uq_detect_mutes_rule_src_dst": ["rule", "src", "dst"],
                }[name]
                batch.create_unique_constraint(op.f(name), columns)
    op.create_index(
        "uq_site_versions_one_current",
        "site_versions",
        ["is_current"],
        unique=True,
        sqlite_where=sa.text("is_current"),
        postgresql_where=sa.text("is_current"),
    )
    op.create_index("ix_detect_alerts_rule_src_dst", "detect_alerts", ["rule", "src", "dst"])
    op.drop_table("sites")
