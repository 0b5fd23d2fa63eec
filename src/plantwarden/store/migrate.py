"""Alembic, driven from code: no ``alembic.ini`` is needed, so it works from an installed wheel.

The migration scripts live in ``plantwarden/store/migrations`` (``env.py``,
``script.py.mako``, ``versions/``). Functions here take an open connection; the caller
owns the transaction (see :mod:`plantwarden.store.engine`).

A store already at head (the usual case) is recognised without Alembic: :data:`REVISIONS`
lists the shipped revisions (a test holds it against Alembic's own list) and the store's
revision is read from ``alembic_version`` directly. Alembic is imported only to migrate.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text

from plantwarden import __version__
from plantwarden.errors import StoreError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"  # Alembic's default, which env.py keeps

#: Every revision in ``migrations/versions``, oldest first (add a new one here).
REVISIONS = (
    "0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010", "0012", "0013", "0014",
    "0015", "0017",
)  # fmt: skip


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    """An Alembic config pointing at the packaged scripts (and at a connection or URL)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    cfg.set_main_option("path_separator", "os")
    if url is not None:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["connection"] = connection
    return cfg


def script_revisions() -> list[str]:
    """The revisions Alembic finds in ``migrations/versions``, oldest first."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config())
    return [script.revision for script in reversed(list(scripts.walk_revisions()))]


def head_revision() -> str:
    """The newest revision this plantwarden knows."""
    return REVISIONS[-1]


def known_revisions() -> list[str]:
    """Every revision this plantwarden knows, oldest first."""
    return list(REVISIONS)


def current_revision(connection: Connection) -> str | None:
    """The revision recorded in the store (None when it has no schema yet)."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    found = list(connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars())
    if len(found) > 1:
        raise StoreError(f"the store records several schema revisions ({', '.join(sorted(found))})")
    return found[0] if found else None


def check_known(revision: str | None, where: str) -> None:
    """Refuse a store whose revision this plantwarden does not know (a newer plantwarden's)."""
    if revision is not None and revision not in known_revisions():
        raise StoreError(
            f"the store {where} is at schema revision {revision}, unknown to plantwarden {__version__} "
            f"(newest known: {head_revision()}): it was written by a newer plantwarden; upgrade plantwarden"
        )


def upgrade_connection(connection: Connection, target: str = "head") -> str:
    """Upgrade inside the caller's transaction; returns the revision reached."""
    from alembic import command

    _run(lambda cfg: command.upgrade(cfg, target), connection)
    return head_revision() if target == "head" else target


def downgrade_connection(connection: Connection, target: str) -> str | None:
    """Downgrade inside the caller's transaction; returns the revision reached."""
    from alembic import command

    _run(lambda cfg: command.downgrade(cfg, target), connection)
    return current_revision(connection)


def _run(action: Callable[[Config], None], connection: Connection) -> None:
    from alembic.util import CommandError

    try:
        action(alembic_config(connection))
    except CommandError as exc:
        raise StoreError(f"cannot migrate the store: {exc}") from exc
