"""The store: SQLAlchemy models, Alembic migrations, and the functions that read and write it.

SQLite file by default, PostgreSQL by URL; see docs/store.md. Every function takes the store
URL, brings an older schema to head first, and reports failures as one-line ``StoreError``s.
Only the writers that record new analyses create a missing store; the others refuse it
(``no plantwarden store at PATH``), and none creates one beside another application's tables.

The names below are imported on first use (PEP 562): importing a light module of the package
(``store.choice``, ``store.background``) does not load SQLAlchemy and the models, which
``analyze --no-store`` never needs (about a third of a small capture's whole run).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from plantwarden.store.captures import CaptureInfo, capture_document, list_captures
    from plantwarden.store.engine import current_revision, downgrade, ensure_current, open_engine, upgrade
    from plantwarden.store.imports import record_capture
    from plantwarden.store.sites import (
        SiteVersionInfo,
        current_site_document,
        site_history,
        store_site_version,
    )
    from plantwarden.store.status import StoreStatus, store_status

_WHERE = {
    "CaptureInfo": "captures",
    "capture_document": "captures",
    "list_captures": "captures",
    "current_revision": "engine",
    "downgrade": "engine",
    "ensure_current": "engine",
    "open_engine": "engine",
    "upgrade": "engine",
    "record_capture": "imports",
    "SiteVersionInfo": "sites",
    "current_site_document": "sites",
    "site_history": "sites",
    "store_site_version": "sites",
    "StoreStatus": "status",
    "store_status": "status",
}

__all__ = [
    "CaptureInfo",
    "SiteVersionInfo",
    "StoreStatus",
    "capture_document",
    "current_revision",
    "current_site_document",
    "downgrade",
    "ensure_current",
    "list_captures",
    "open_engine",
    "record_capture",
    "site_history",
    "store_site_version",
    "store_status",
    "upgrade",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
