"""The HTML pages: one module per page, each with a ``router`` (and ``NAV``, a
``(label, path after /sites/{site})`` pair, when it belongs in a site's navigation).

Adding a page: a module here whose route renders a template that extends ``base.html``
(:func:`plantwarden.web.templating.render`), calling the same service functions as its API
module, and one line in :data:`PAGES` (docs/web.md).
"""

from __future__ import annotations

from types import ModuleType

from fastapi import APIRouter

from plantwarden.web.pages import (
    access,
    alerts,
    assets,
    audit,
    captures,
    compliance,
    fleet,
    frames,
    home,
    incidents,
    lifecycle,
    login,
    plan,
    raci,
    root,
    segmentation,
    spof,
    vulns,
    whatif,
    zonemap,
)

PAGES: list[ModuleType] = [
    login,
    root,
    home,
    frames,  # before alerts: its POST .../alerts/{id}/frames is not an alert action
    alerts,
    zonemap,
    assets,
    vulns,
    whatif,
    spof,
    segmentation,
    raci,
    lifecycle,
    compliance,
    plan,
    captures,
    incidents,
    access,
    audit,
    fleet,
]


def routers() -> list[APIRouter]:
    return [page.router for page in PAGES]


def nav() -> list[tuple[str, str]]:
    """The site navigation, in the order of :data:`PAGES`: (label, path after ``/sites/{site}``)."""
    return [page.NAV for page in PAGES if hasattr(page, "NAV")]
