"""The ``--site FILE`` option of other commands: validate the file and hand back the model.

A site given with ``--site`` is used for that run only: a what-if (``impact --fail X --site
draft.yaml``) or an analysis against a draft changes nothing stored. Storing a site, which
makes it the current one for every later command, is ``plantwarden site load`` alone
(:func:`store_site`).
"""

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
    """Validate ``path`` and store it as a new site version (``site load``); returns the model
    and version number."""
    from plantwarden.store.sites import store_site_version

    model, text = read_site(path)
    version = store_site_version(Settings.load(db).db_url, model, str(path), text)
    return model, version


def site_from_option(path: Path | None, db: str | None = None) -> SiteModel | None:
    """For ``--site FILE``: ``None`` when not given, else the validated model, for this run only.

    ``db`` is not used: nothing is stored (the parameter stays for the commands that pass it)."""
    del db
    if path is None:
        return None
    return read_site(path)[0]
