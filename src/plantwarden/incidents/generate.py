"""The playbook of a stored incident, built now from the site's current model and baseline."""

from __future__ import annotations

from datetime import datetime

from plantwarden.continuity.source import NO_SITE
from plantwarden.errors import InputError
from plantwarden.incidents.context import Context
from plantwarden.incidents.playbook import Playbook, build
from plantwarden.incidents.records import IncidentView
from plantwarden.site.model import SiteModel
from plantwarden.store.types import utc_now


def for_incident(
    db_url: str,
    site: int | None,
    incident: IncidentView,
    model: SiteModel | None,
    now: datetime | None = None,
) -> Playbook:
    from plantwarden.detect.store_baselines import load_baseline

    if model is None:
        raise InputError(NO_SITE)
    doc = incident.document
    ctx = Context(
        model, incident.source, incident.target, now or utc_now(), incident.opened_at,
        load_baseline(db_url, site), tuple(doc.get("rules", [])),
    )  # fmt: skip
    return build(ctx, incident.label, incident.title, list(doc.get("assets", [])))
