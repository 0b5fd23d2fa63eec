"""A sensor's store: the one :class:`~plantwarden.sensors.models.SensorIdentity` row.

``plantwarden sensor init NAME --site-name S`` marks a store as sensor NAME's store for site S
and creates its signing key; from then on what is stored for that site is also queued in the
outbox (:mod:`plantwarden.sensors.outbox`). The private key stays in this store: protect the
file as the sensor's secret (docs/sensors.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantwarden.errors import UsageError
from plantwarden.people import audit
from plantwarden.sensors import signing
from plantwarden.sensors.models import SensorIdentity
from plantwarden.store.engine import connected
from plantwarden.store.models import Site
from plantwarden.store.sites import SiteRef
from plantwarden.store.types import utc_now

DEFAULT_OUTBOX_MAX = 1 << 30  # 1 GiB


@dataclass(frozen=True, slots=True)
class Identity:
    name: str
    site_id: int
    site: str
    private_key: str
    outbox_max_bytes: int
    last_ack_seq: int
    last_ack_at: datetime | None

    @property
    def public_key(self) -> str:
        return signing.public_key(self.private_key)


def identity_row(session: Session) -> SensorIdentity | None:
    """This store's sensor identity (None: not a sensor's store)."""
    return session.get(SensorIdentity, 1)


def _info(session: Session, row: SensorIdentity) -> Identity:
    site = session.scalars(select(Site.name).where(Site.id == row.site_id)).one()
    return Identity(
        row.name, row.site_id, site, row.private_key, row.outbox_max_bytes, row.last_ack_seq, row.last_ack_at
    )


def init_sensor(
    db_url: str, name: str, site: SiteRef, outbox_max_bytes: int = DEFAULT_OUTBOX_MAX, *, actor: str
) -> Identity:
    """Make the store sensor ``name``'s for ``site`` (again: the same identity, its cap updated)."""
    if not name.strip() or "/" in name:
        raise UsageError(f"invalid sensor name {name!r}: not empty, no '/'")
    assert site.id is not None
    with connected(db_url, writes=True, create=True) as engine, Session(engine) as session, session.begin():
        row = identity_row(session)
        if row is not None and (row.name != name or row.site_id != site.id):
            known = _info(session, row)
            raise UsageError(
                f"this store is already sensor {known.name!r} of site {known.site!r}; one store, one sensor"
            )
        if row is None:
            row = SensorIdentity(
                id=1,
                name=name,
                site_id=site.id,
                private_key=signing.new_private_key(),
                outbox_max_bytes=outbox_max_bytes,
                next_seq=1,
                last_ack_seq=0,
                last_ack_at=None,
                created_at=utc_now(),
            )
            session.add(row)
            audit.append(session, actor, "sensor.init", f"sensor {name}", site_id=site.id)
        row.outbox_max_bytes = outbox_max_bytes
        session.flush()
        return _info(session, row)


def load_identity(db_url: str) -> Identity:
    """This store's sensor identity, or a usage error saying how to make one."""
    with connected(db_url) as engine, Session(engine) as session:
        row = identity_row(session)
        if row is None:
            raise UsageError(
                "this store is not a sensor's store (plantwarden sensor init NAME --site-name SITE)"
            )
        return _info(session, row)
