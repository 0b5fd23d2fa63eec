"""Settings, defined in one place.

Each setting has a default, an environment variable, and where it makes sense a
command-line option (the option wins over the variable, the variable over the default).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB_FILE = "plantwarden.db"
ENV_DB = "PLANTWARDEN_DB"
ENV_DEBUG = "PLANTWARDEN_DEBUG"
ENV_CONTENT = "PLANTWARDEN_CONTENT"


def sqlite_url(path: str | Path) -> str:
    """SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{Path(path)}"


def normalise_db(value: str) -> str:
    """Accept a SQLAlchemy URL or a plain file path (taken as SQLite)."""
    if "://" in value:
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            return "postgresql+psycopg://" + value.split("://", 1)[1]
        return value
    return sqlite_url(value)


@dataclass(frozen=True, slots=True)
class Settings:
    db_url: str
    debug: bool

    @classmethod
    def load(cls, db: str | None = None) -> Settings:
        raw = db or os.environ.get(ENV_DB) or DEFAULT_DB_FILE
        return cls(db_url=normalise_db(raw), debug=bool(os.environ.get(ENV_DEBUG)))


def content_dir() -> Path:
    """Where loaded content bundles live (advisories, KEV): ``$PLANTWARDEN_CONTENT``, else
    ``$XDG_DATA_HOME/plantwarden/content``, else ``~/.local/share/plantwarden/content``.
    Until a bundle is loaded there, the one shipped in the package is used (docs/vulns.md)."""
    if os.environ.get(ENV_CONTENT):
        return Path(os.environ[ENV_CONTENT])
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "plantwarden" / "content"
