"""Sensors registered at the central: register (a token shown once), authenticate, list.

A sensor's token is ``pw_`` and 32 random bytes, stored as its SHA-256 like a user's API token
(:mod:`plantwarden.people.tokens`); it lets that sensor send batches for its own site and
nothing else. The public key (optional) is what the sensor's batches and bundles are signed
with; with one stored, unsigned batches are refused.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantwarden.errors import UsageError
from plantwarden.people import audit
from plantwarden.people.tokens import PREFIX, digest
from plantwarden.sensors.models import Sensor
from plantwarden.sensors.signing import check_public_key
from plantwarden.sensors.stores import Store, opened
from plantwarden.store.engine import connected
from plantwarden.store.models import Site
from plantwarden.store.sites import SiteRef
from plantwarden.store.types import utc_now


@dataclass(frozen=True, slots=True)
class SensorInfo:
    id: int
    name: str
    site_id: int
    site: str
    public_key: str | None
    registered_at: datetime
    last_seq: int
    last_batch_at: datetime | None


def register_sensor(db_url: str, name: str, site: SiteRef, public_key: str | None, *, actor: str) -> str:
    """Register a sensor of ``site``; returns its token (shown once, never stored)."""
    if not name.strip() or "/" in name:
        raise UsageError(f"invalid sensor name {name!r}: not empty, no '/'")
    key = check_public_key(public_key) if public_key is not None else None
    assert site.id is not None
    token = PREFIX + secrets.token_urlsafe(32)
    with connected(db_url, writes=True) as engine, Session(engine) as session, session.begin():
        if session.scalars(select(Sensor.id).where(Sensor.name == name)).first() is not None:
            raise UsageError(f"sensor {name!r} is registered already (plantwarden sensor list)")
        session.add(
            Sensor(
                name=name,
                site_id=site.id,
                public_key=key,
                token_sha256=digest(token),
                registered_at=utc_now(),
                last_seq=0,
                last_batch_at=None,
            )
        )
        session.flush()
        details = {"public_key": key is not None}
        audit.append(session, actor, "sensor.register", f"sensor {name}", site_id=site.id, details=details)
    return token


def _info(row: Sensor, site: str) -> SensorInfo:
    return SensorInfo(
        row.id,
        row.name,
        row.site_id,
        site,
        row.public_key,
        row.registered_at,
        row.last_seq,
        row.last_batch_at,
    )


def list_sensors(db_url: str) -> list[SensorInfo]:
    query = select(Sensor, Site.name).join(Site, Site.id == Sensor.site_id).order_by(Sensor.name)
    with connected(db_url) as engine, Session(engine) as session:
        return [_info(row, site) for row, site in session.execute(query)]


def find_sensor(session: Session, name: str, *, lock: bool = False) -> SensorInfo | None:
    query = select(Sensor, Site.name).join(Site, Site.id == Sensor.site_id).where(Sensor.name == name)
    found = session.execute(query.with_for_update(of=Sensor) if lock else query).first()
    return None if found is None else _info(*found)


def authenticate_sensor(
    db_url: Store, name: str, token: str, *, now: datetime | None = None
) -> SensorInfo | None:
    """The sensor ``name`` if ``token`` is its token, or its previous one within the grace
    period ``sensor rotate --grace`` gave (None otherwise): what the HTTPS route checks
    (``db_url`` may be the worker's engine)."""
    given = digest(token)
    with opened(db_url) as engine, Session(engine) as session:
        row = session.scalars(select(Sensor).where(Sensor.name == name)).first()
        if row is None or not _matches(row, given, now or utc_now()):
            return None
        site = session.scalars(select(Site.name).where(Site.id == row.site_id)).one()
        return _info(row, site)


def _matches(row: Sensor, given: str, now: datetime) -> bool:
    if hmac.compare_digest(row.token_sha256, given):
        return True
    old, until = row.previous_token_sha256, row.previous_token_until
    return old is not None and until is not None and now < until and hmac.compare_digest(old, given)
