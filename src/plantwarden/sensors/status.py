"""``plantwarden sensor status``: the sensor's identity, outbox depth, oldest item, last ack."""

from __future__ import annotations

from typing import Any

from plantwarden.sensors.identity import load_identity
from plantwarden.sensors.outbox import depth
from plantwarden.store.types import utc_now


def sensor_status(db_url: str) -> dict[str, Any]:
    me = load_identity(db_url)
    queued = depth(db_url)
    age = None if queued.oldest_at is None else round((utc_now() - queued.oldest_at).total_seconds(), 1)
    return {
        "sensor": me.name,
        "site": me.site,
        "outbox_items": queued.items,
        "outbox_bytes": queued.bytes,
        "outbox_cap_bytes": queued.cap,
        "outbox_full_percent": round(100 * queued.bytes / queued.cap, 1) if queued.cap else None,
        "oldest_seq": queued.oldest_seq,
        "oldest_age_s": age,
        "newest_seq": queued.newest_seq,
        "last_ack_seq": me.last_ack_seq,
        "last_ack_at": me.last_ack_at.isoformat() if me.last_ack_at else None,
        "public_key": me.public_key,
    }
