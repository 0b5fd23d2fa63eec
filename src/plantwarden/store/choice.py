"""Which site of the store a command works on (a store holds many sites side by side).

The name given with ``--site-name`` (or ``$PLANTWARDEN_SITE``), else the name of the site
model a ``--site FILE`` gives for the run, else the only site stored
(:func:`plantwarden.store.sites.choose_site`; its errors list the sites). A ``--site FILE``
for another site than the one chosen is refused: its model would name and price another
plant's assets. The site is resolved once per command and its id handed to the store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from plantwarden.errors import UsageError
from plantwarden.settings import Settings

if TYPE_CHECKING:
    from plantwarden.site.model import SiteModel
    from plantwarden.store.sites import SiteRef


def name_for(name: str | None, model: SiteModel | None) -> str | None:
    """The site name chosen: ``--site-name``, else the ``--site`` file's (they must agree)."""
    if model is None:
        return name
    if name is not None and name != model.site.name:
        raise UsageError(
            f"--site names site {model.site.name!r}, but the site chosen is {name!r} "
            "(--site-name or $PLANTWARDEN_SITE): give the model of that site, or choose its site"
        )
    return model.site.name


def site_ref(
    db: str | None, name: str | None, model: SiteModel | None = None, *, create: bool = False
) -> SiteRef:
    """The chosen site of the store ``--db`` names (created when new for a writing command)."""
    from plantwarden.store.sites import choose_site

    return choose_site(Settings.load(db).db_url, name_for(name, model), create=create)
