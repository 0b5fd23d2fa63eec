"""Air-gapped plants: the outbox carried to the central as a signed file.

``sensor export --out FILE`` writes every queued item as one batch signed with the sensor's
Ed25519 key; ``sensor import FILE`` at the central checks the signature against the key
registered for that sensor and applies the batch with :func:`~plantwarden.sensors.ingest.apply_batch`
(same idempotency: importing a bundle twice stores it once; bundles must be imported in
order). Nothing crosses back: the central prints the sequence it acknowledged, and
``sensor export --since N+1`` then drops the items up to N from the sensor's outbox.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plantwarden import jsonout
from plantwarden.errors import InputError, UsageError
from plantwarden.people import audit
from plantwarden.sensors.batch import make_batch
from plantwarden.sensors.identity import load_identity
from plantwarden.sensors.ingest import Ack, apply_batch
from plantwarden.sensors.outbox import forget_through, peek

SCHEMA = "plantwarden.sensor-bundle/1"


@dataclass(frozen=True, slots=True)
class Exported:
    path: Path
    first_seq: int
    last_seq: int
    items: int
    bytes: int
    dropped: int


def export_bundle(db_url: str, out: Path, since: int | None = None) -> Exported:
    """Write the queued items (from ``since`` on, dropping those before it) as a signed bundle."""
    me = load_identity(db_url)
    dropped = forget_through(db_url, since - 1) if since is not None and since > 1 else 0
    items = peek(db_url, 0, max_items=1 << 62, max_bytes=1 << 62)
    if not items:
        raise UsageError(
            f"nothing queued for the central (acknowledged up to {max(me.last_ack_seq, (since or 1) - 1)})"
        )
    body = jsonout.to_bytes({"schema": SCHEMA, "batch": make_batch(me.name, me.site, items, me.private_key)})
    partial = out.with_name(out.name + ".partial")
    partial.write_bytes(body)
    os.replace(partial, out)
    return Exported(out, items[0].seq, items[-1].seq, len(items), len(body), dropped)


def read_bundle(path: Path) -> dict[str, Any]:
    try:
        doc = jsonout.loads(path.read_bytes())
    except OSError as exc:
        raise InputError(f"{path}: cannot read the bundle: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise InputError(f"{path}: not a plantwarden bundle (not JSON: {exc})") from exc
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA or not isinstance(doc.get("batch"), dict):
        raise InputError(f"{path}: not a plantwarden bundle (expected schema {SCHEMA!r} and a batch)")
    batch: dict[str, Any] = doc["batch"]
    return batch


def import_bundle(db_url: str, path: Path, *, actor: str = "unknown") -> Ack:
    """Check and apply a bundle at the central (who imported it is audited); refused bundles
    are audited and change nothing."""
    batch = read_bundle(path)
    sensor = batch.get("sensor")
    if not isinstance(sensor, str) or not sensor:
        raise InputError(f"{path}: the bundle names no sensor")
    ack = apply_batch(db_url, sensor, batch, via="bundle")
    if not ack.duplicate:
        details = {"first_seq": ack.first_seq, "last_seq": ack.last_seq, "applied": ack.applied}
        audit.record(
            db_url, actor, "sensor.bundle.import", f"bundle {path.name} of sensor {sensor}", details=details
        )
    return ack
