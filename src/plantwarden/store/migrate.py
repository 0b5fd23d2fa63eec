"""Alembic, driven from code: no ``alembic.ini`` is needed, so it works from an installed wheel.

The migration scripts live in ``plantwarden/store/migrations`` (``env.py``,
``script.py.mako``, ``versions/``). Functions here take an open connection; the caller
owns the transaction (see :mod:`plantwarden.store.engine`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection

from plantwarden import __version__
from plantwarden.errors import StoreError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    """An Alembic config pointing at the packaged scripts (and at a connection or URL)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    cfg.set_main_option("path_separator", "os")
    if url is not None:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["connection"] = connection
    return cfg


@cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest revision this plantwarden knows."""
    head = _scripts().get_current_head()
    if head is None:  # pragma: no cover - the package always ships revisions
        raise StoreError("plantwarden ships no store migrations: the installation is broken")
    return head


def known_revisions() -> list[str]:
    """Every revision this plantwarden knows, oldest first."""
    return [script.revision for script in reversed(list(_scripts().walk_revisions()))]


def current_revision(connection: Connection) -> str | None:
    """The revision recorded in the store (None when it has no schema yet)."""
    return MigrationContext.configure(connection).get_current_revision()


def check_known(revision: str | None, where: str) -> None:
    """Refuse a store whose revision this plantwarden does not know (a newer plantwarden's)."""
    if revision is not None and revision not in known_revisions():
        raise StoreError(
            f"the store {where} is at schema revision {revision}, unknown to plantwarden {__version__} "
            f"(newest known: {head_revision()}): it was written by a newer plantwarden; upgrade plantwarden"
        )


def upgrade_connection(connection: Connection, target: str = "head") -> str:
    """Upgrade inside the caller's transaction; returns the revision reached."""
    _run(lambda cfg: command.upgrade(cfg, target), connection)
    return head_revision() if target == "head" else target


def downgrade_connection(connection: Connection, target: str) -> str | None:
    """Downgrade inside the caller's transaction; returns the revision reached."""
    _run(lambda cfg: command.downgrade(cfg, target), connection)
    return current_revision(connection)


def _run(action: Callable[[Config], None], connection: Connection) -> None:
    try:
        action(alembic_config(connection))
    except CommandError as exc:
        raise StoreError(f"cannot migrate the store: {exc}") from exc
