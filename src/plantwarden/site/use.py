"""The ``--site FILE`` option of other commands: validate, store a new version, hand back the model."""

from __future__ import annotations

from pathlib import Path

from plantwarden.settings import Settings
from plantwarden.site.loader import load_site_text, read_text
from plantwarden.site.model import SiteModel


def read_site(path: Path) -> tuple[SiteModel, str]:
    """The validated model and the file's text (stored alongside as the source)."""
    text = read_text(path)
    return load_site_text(text, str(path)), text


def store_site(path: Path, db: str | None) -> tuple[SiteModel, int]:
    """Validate ``path`` and store it as a new site version; returns the model and version number."""
    from plantwarden.store.sites import store_site_version

    model, text = read_site(path)
    version = store_site_version(Settings.load(db).db_url, model, str(path), text)
    return model, version


def site_from_option(path: Path | None, db: str | None) -> SiteModel | None:
    """For ``--site FILE``: ``None`` when not given, else validated, stored, and returned."""
    if path is None:
        return None
    return store_site(path, db)[0]
