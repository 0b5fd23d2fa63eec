"""The inventory of one stored site: its captures' analyses with its current site model.

``plantwarden assets``/``asset``/``map`` without capture files, and the console's asset,
conversation and map routes, all read it here. Building it costs a few tenths of a second
on the demo plant, so the last few are kept, keyed by what they were built from (the site's
captures, its current model version, the day): a capture imported or a model loaded is a
new key. The report handed out is shared: callers read it, never change it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plantwarden.store.engine import connected
from plantwarden.store.models import Capture, SiteVersion

if TYPE_CHECKING:
    from plantwarden.inventory.build import InventoryReport
    from plantwarden.site.model import SiteModel

KEEP = 8
_cache: OrderedDict[tuple[Any, ...], InventoryReport] = OrderedDict()
_lock = threading.Lock()


def fingerprint(session: Session, site_id: int) -> tuple[Any, ...]:
    """What the site's inventory is built from: its captures (how many, newest id, newest
    analysis time) and its current model version (None: no model)."""
    captures = session.execute(
        select(func.count(Capture.id), func.max(Capture.id), func.max(Capture.analysed_at)).where(
            Capture.site_id == site_id
        )
    ).one()
    model = session.scalar(
        select(SiteVersion.id).where(SiteVersion.site_id == site_id, SiteVersion.is_current.is_(True))
    )
    return (site_id, *captures, model)


def stored_inventory(db_url: str, site_id: int, model: SiteModel | None = None) -> InventoryReport:
    """The inventory of the site's stored captures with ``model`` (default: its stored one)."""
    from plantwarden.continuity.source import stored_model
    from plantwarden.inventory.build import make_inventory
    from plantwarden.store.imports import capture_documents

    if model is not None:  # a model given for this run: not the stored one, not cached
        return make_inventory(capture_documents(db_url, site_id), model)
    with connected(db_url) as engine, Session(engine) as session:
        key = (db_url, date.today(), *fingerprint(session, site_id))
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    report = make_inventory(capture_documents(db_url, site_id), stored_model(db_url, site_id))
    with _lock:
        _cache[key] = report
        while len(_cache) > KEEP:
            _cache.popitem(last=False)
    return report
