"""The store: SQLAlchemy models, Alembic migrations, and the functions that read and write it.

SQLite file by default, PostgreSQL by URL; see docs/store.md. Every function takes the store
URL, brings an older schema to head first, and reports failures as one-line ``StoreError``s.
Only the writers that record new analyses create a missing store; the others refuse it
(``no plantwarden store at PATH``), and none creates one beside another application's tables.
"""

from plantwarden.store.captures import CaptureInfo, capture_document, list_captures
from plantwarden.store.engine import current_revision, downgrade, ensure_current, open_engine, upgrade
from plantwarden.store.imports import record_capture
from plantwarden.store.sites import SiteVersionInfo, current_site_document, site_history, store_site_version
from plantwarden.store.status import StoreStatus, store_status

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
