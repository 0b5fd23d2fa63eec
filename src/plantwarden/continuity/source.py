"""Where the continuity commands get their site model and captures from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from plantwarden.durations import parse_seconds
from plantwarden.errors import InputError
from plantwarden.settings import Settings
from plantwarden.site.model import SiteModel

NO_SITE = (
    "no site model: give --site FILE, or store one first with 'plantwarden site load FILE' "
    "(see examples/dairy/site.yaml)"
)


def stored_site(db: str | None, name: str | None = None) -> SiteModel | None:
    """The chosen site's current stored model (``--site-name``, else the only site:
    plantwarden.store.choice), or None (a SQLite store that does not exist is not created)."""
    url = Settings.load(db).db_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return None
    from plantwarden.store.choice import site_ref

    return stored_model(url, site_ref(db, name).id)


def stored_model(url: str, site_id: int | None) -> SiteModel | None:
    """The current stored model of a site (by id), or None."""
    from plantwarden.store.sites import current_site_document

    doc = current_site_document(url, site_id)
    if doc is None:
        return None
    try:
        return SiteModel.model_validate(doc)
    except ValidationError as exc:
        raise InputError(
            f"the stored site model is no longer valid ({exc.error_count()} problems); load it again"
        ) from None


def optional_site(path: Path | None, db: str | None, name: str | None = None) -> SiteModel | None:
    """``--site FILE`` (validated, for this run only; it must be the model of the site
    ``name`` chooses, if given), else the chosen site's stored model, else None."""
    from plantwarden.site.use import site_from_option
    from plantwarden.store.choice import name_for

    if path is None:
        return stored_site(db, name)
    model = site_from_option(path, db)
    name_for(name, model)
    return model


def require_site(path: Path | None, db: str | None, name: str | None = None) -> SiteModel:
    model = optional_site(path, db, name)
    if model is None:
        raise InputError(NO_SITE)
    return model


def parse_duration(text: str) -> float:
    """Minutes in ``4h``, ``90m``, ``1h30m``, ``2d``, ``45min``; a bare number is hours."""
    return parse_seconds(text, bare="h", option="--for") / 60.0


def analyse_paths(paths: list[Path]) -> list[dict[str, Any]]:
    from plantwarden.continuity.observed_edges import analyse

    return analyse(paths)
