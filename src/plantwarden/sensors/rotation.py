"""Re-registering a sensor: a new token (and key) at the central, the new key adopted at the plant.

At the central, :func:`rotate_sensor` gives a registered sensor a new token, shown once like
the first; the old token is revoked at once, or stays valid for a grace period (so that a
sensor pushing with it is not cut off before it has the new one). With a new public key the
key changes at once: from then on a batch signed with the old key is refused (``signature``)
and stays queued at the plant. Audited (``sensor.rotate``).

At the plant, :func:`rekey` makes a new signing key and keeps it aside (the sensor goes on
signing with its current key, which the central still holds); its public key goes to
``sensor rotate --public-key``; :func:`adopt` then switches to it. docs/sensors.md.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from plantwarden.errors import UsageError
from plantwarden.people import audit
from plantwarden.people.tokens import PREFIX, digest
from plantwarden.sensors import signing
from plantwarden.sensors.identity import identity_row
from plantwarden.sensors.models import Sensor
from plantwarden.sensors.signing import check_public_key
from plantwarden.store.engine import connected
from plantwarden.store.types import utc_now

NOT_A_SENSOR = "this store is not a sensor's store (plantwarden sensor init NAME --site-name SITE)"


def rotate_sensor(
    db_url: str, name: str, public_key: str | None = None, grace: timedelta = timedelta(0), *, actor: str
) -> str:
    """A new token for sensor ``name`` (returned once; the old one valid for ``grace``), and
    its new public key when given."""
    if grace < timedelta(0):
        raise UsageError("--grace: a duration, 0s or more")
    key = check_public_key(public_key) if public_key is not None else None
    token = PREFIX + secrets.token_urlsafe(32)
    with connected(db_url, writes=True) as engine, Session(engine) as session, session.begin():
        row = session.scalars(select(Sensor).where(Sensor.name == name).with_for_update()).first()
        if row is None:
            raise UsageError(f"no sensor {name!r} at this central (plantwarden sensor list)")
        now = utc_now()
        if grace > timedelta(0):
            row.previous_token_sha256, row.previous_token_until = row.token_sha256, now + grace
        else:
            row.previous_token_sha256, row.previous_token_until = None, None
        row.token_sha256 = digest(token)
        changed = key is not None and key != row.public_key
        if key is not None:
            row.public_key = key
        details = {"public_key": "replaced" if changed else "kept", "grace_s": grace.total_seconds()}
        audit.append(session, actor, "sensor.rotate", f"sensor {name}", site_id=row.site_id, details=details)
    return token


def rekey(db_url: str, *, actor: str) -> str:
    """At the plant: a new signing key, kept aside until :func:`adopt`; its public key."""
    with connected(db_url, writes=True) as engine, Session(engine) as session, session.begin():
        row = identity_row(session)
        if row is None:
            raise UsageError(NOT_A_SENSOR)
        row.pending_private_key = signing.new_private_key()
        audit.append(session, actor, "sensor.rekey", f"sensor {row.name}", site_id=row.site_id)
        return signing.public_key(row.pending_private_key)


def adopt(db_url: str, *, actor: str) -> str:
    """At the plant: sign with the key :func:`rekey` made from now on; its public key."""
    with connected(db_url, writes=True) as engine, Session(engine) as session, session.begin():
        row = identity_row(session)
        if row is None:
            raise UsageError(NOT_A_SENSOR)
        if row.pending_private_key is None:
            raise UsageError("no new key to adopt: make one first (plantwarden sensor rekey)")
        row.private_key, row.pending_private_key = row.pending_private_key, None
        audit.append(session, actor, "sensor.adopt", f"sensor {row.name}", site_id=row.site_id)
        return signing.public_key(row.private_key)
