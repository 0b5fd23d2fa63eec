"""The central's ingest service: apply one sensor's batch, then acknowledge it.

:func:`apply_batch` is transport-agnostic (the HTTPS route and ``sensor import`` both call
it). It checks the batch (schema, sequence numbering, hash), that the sensor is registered,
that the batch names that sensor and its site, and its signature when the sensor has a key;
then, in one transaction, applies the items the central has not applied yet, records the
batch in the ledger and the sensor's new acknowledged sequence, commits, and only then
returns the :class:`Ack`. Idempotent by (sensor, seq): a batch sent twice is stored once;
a replayed old batch is acknowledged without change (refused if its content differs from
what was applied). Everything refused raises :class:`BatchRefused` (one line naming what is
wrong), is written to the audit log, and changes nothing stored.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from plantwarden.errors import InputError
from plantwarden.people import audit
from plantwarden.sensors import signing
from plantwarden.sensors.apply import apply_item
from plantwarden.sensors.batch import Batch, header, items_digest, parse_batch
from plantwarden.sensors.models import ReceivedBatch, Sensor
from plantwarden.sensors.registry import SensorInfo, find_sensor
from plantwarden.sensors.stores import Store, opened
from plantwarden.store.engine import reason
from plantwarden.store.types import utc_now


class BatchRefused(InputError):
    """A batch the central refuses; ``code`` says why (the HTTPS route maps it to a status)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = (
            code  # malformed, unknown_sensor, wrong_sensor, wrong_site, signature, gap, replay_differs
        )


#: The HTTP status a route answers each refusal with (the error body: {"error": {"code", "message"}}).
REFUSAL_STATUS = {
    "malformed": 422,
    "unknown_sensor": 403,
    "wrong_sensor": 403,
    "wrong_site": 403,
    "signature": 403,
    "replay_differs": 409,
    "gap": 409,
}


@dataclass(frozen=True, slots=True)
class Ack:
    """The central committed everything of ``sensor`` up to ``acknowledged``."""

    sensor: str
    first_seq: int
    last_seq: int
    acknowledged: int
    applied: int  # items applied by this call (0: all of them were applied before)
    duplicate: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def apply_batch(db_url: Store, sensor: str, batch: object, *, via: str = "push") -> Ack:
    """Apply ``batch`` from the (authenticated) sensor named ``sensor``; see the module.

    ``db_url``: the store's URL, or an engine on it that the caller keeps (the central's
    workers: no new connection and no schema check per batch)."""
    try:
        try:
            parsed = parse_batch(batch, f"batch from sensor {sensor}")
        except InputError as exc:
            raise BatchRefused("malformed", exc.message) from exc
        return _apply(db_url, sensor, parsed, batch, via)
    except BatchRefused as exc:
        _log_refusal(db_url, sensor, batch, exc, via)
        raise


def refuse_unreadable(db_url: Store, sensor: str, problem: str, *, via: str = "push") -> BatchRefused:
    """A body that is not JSON at all: the refusal (``malformed``), logged as any other."""
    exc = BatchRefused("malformed", f"batch from sensor {sensor}: not JSON ({problem})")
    _log_refusal(db_url, sensor, None, exc, via)
    return exc


def _apply(db_url: Store, name: str, batch: Batch, raw: Any, via: str) -> Ack:
    with opened(db_url, writes=True) as engine, Session(engine) as session:
        try:
            with session.begin():
                sensor = _check(session, name, batch, via)
                return _commit(session, sensor, batch, raw, via)
        except IntegrityError as exc:
            raise BatchRefused(
                "malformed",
                f"batch {_range(batch)} of sensor {name}: the store refused it "
                f"({reason(exc)}); nothing was stored",
            ) from exc
        except BatchRefused:
            raise
        except InputError as exc:
            raise BatchRefused("malformed", f"batch {_range(batch)} of sensor {name}: {exc.message}") from exc


def _range(batch: Batch) -> str:
    return f"{batch.first_seq}..{batch.last_seq}"


def _check(session: Session, name: str, batch: Batch, via: str) -> SensorInfo:
    sensor = find_sensor(session, name, lock=True)  # one batch of a sensor at a time
    if sensor is None:
        raise BatchRefused("unknown_sensor", f"unknown sensor {name!r} (plantwarden sensor register)")
    if batch.sensor != name:
        raise BatchRefused("wrong_sensor", f"a batch of sensor {batch.sensor!r} sent as sensor {name!r}")
    if batch.site != sensor.site:
        raise BatchRefused(
            "wrong_site", f"sensor {name} may write site {sensor.site!r} only, not {batch.site!r}"
        )
    if sensor.public_key is not None or via == "bundle":
        if sensor.public_key is None:
            raise BatchRefused("signature", f"sensor {name} has no public key: its bundles cannot be checked")
        if batch.signature is None or not signing.verify(sensor.public_key, header(batch), batch.signature):
            raise BatchRefused(
                "signature", f"batch {_range(batch)}: not signed by sensor {name}'s key, or altered"
            )
    return sensor


def _commit(session: Session, sensor: SensorInfo, batch: Batch, raw: Any, via: str) -> Ack:
    done = sensor.last_seq
    if batch.last_seq <= done:  # sent again, or replayed
        ledger = session.scalars(
            select(ReceivedBatch).where(
                ReceivedBatch.sensor_id == sensor.id, ReceivedBatch.first_seq == batch.first_seq
            )
        ).first()
        if ledger is not None and ledger.last_seq == batch.last_seq and ledger.sha256 != batch.sha256:
            raise BatchRefused(
                "replay_differs",
                f"batch {_range(batch)} of sensor {sensor.name} was applied before with other content",
            )
        return Ack(sensor.name, batch.first_seq, batch.last_seq, done, 0, True)
    if batch.first_seq > done + 1:
        raise BatchRefused(
            "gap",
            f"batch {_range(batch)} of sensor {sensor.name} leaves a gap: the central has everything "
            f"up to {done}; send {done + 1} first",
        )
    fresh = [item for item in batch.items if item.seq > done]
    for item in fresh:
        apply_item(session, sensor.site_id, item.seq, item.kind, item.payload)
    digest = batch.sha256 if len(fresh) == len(batch.items) else items_digest(raw["items"][-len(fresh) :])
    session.add(
        ReceivedBatch(
            sensor_id=sensor.id,
            first_seq=fresh[0].seq,
            last_seq=batch.last_seq,
            sha256=digest,
            items=len(fresh),
            received_at=utc_now(),
            via=via,
        )
    )
    row = session.get(Sensor, sensor.id)
    assert row is not None
    row.last_seq, row.last_batch_at = batch.last_seq, utc_now()
    return Ack(sensor.name, batch.first_seq, batch.last_seq, batch.last_seq, len(fresh), False)


def _log_refusal(db_url: Store, name: str, raw: object, exc: BatchRefused, via: str) -> None:
    """The refusal in the audit log, in a transaction of its own (nothing else is written)."""
    first = raw.get("first_seq") if isinstance(raw, dict) else None
    last = raw.get("last_seq") if isinstance(raw, dict) else None
    with opened(db_url, writes=True) as engine, Session(engine) as session, session.begin():
        sensor = find_sensor(session, name)
        audit.append(
            session,
            f"sensor:{name}",
            "sensor.batch.refused",
            f"batch {first}..{last} of sensor {name}",
            site_id=None if sensor is None else sensor.site_id,
            why=exc.message,
            details={"code": exc.code, "via": via},
        )
