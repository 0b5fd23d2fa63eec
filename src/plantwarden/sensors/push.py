"""The sensor's push loop: outbox -> batches -> transport -> acknowledged -> forgotten.

Items are read oldest first in batches (bounded by count and bytes), signed with the
sensor's key, and handed to the transport. An item is deleted only after the central
acknowledged it (:func:`plantwarden.sensors.outbox.forget_through`); a crash anywhere
(this process killed, the central killed) leaves it queued, and the central's idempotency
by (sensor, seq) makes sending it again harmless. While the central is unreachable the loop
waits with exponential backoff and full jitter (0.5 s doubling up to 60 s), for at most
``retry_for`` seconds (None: for ever). A refusal stops the loop: it will not go away by
itself. ``between`` (the reachback, :mod:`plantwarden.sensors.reachback`) is called at the
start of every round.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from plantwarden.errors import PlantwardenError
from plantwarden.sensors.batch import make_batch
from plantwarden.sensors.identity import load_identity
from plantwarden.sensors.outbox import forget_through, peek
from plantwarden.sensors.stores import kept
from plantwarden.sensors.transport import CentralUnreachable, Transport

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Backoff:
    base_s: float = 0.5
    cap_s: float = 60.0

    def delay(self, attempt: int, rand: Callable[[float, float], float] = random.uniform) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2**(attempt-1))]."""
        return rand(0.0, min(self.cap_s, self.base_s * 2 ** min(attempt - 1, 30)))


@dataclass(slots=True)
class PushReport:
    batches: int = 0
    items: int = 0
    acknowledged: int = 0
    retries: int = 0
    gave_up: str | None = None  # the last error when retry_for ran out
    waits: list[float] = field(default_factory=list)


def push(
    db_url: str,
    transport: Transport,
    *,
    max_items: int = 500,
    max_bytes: int = 8 << 20,
    retry_for: float | None = None,
    backoff: Backoff = Backoff(),
    follow: Callable[[], bool] | None = None,
    poll_s: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
    between: Callable[[], None] | None = None,
) -> PushReport:
    """Send the outbox until it is empty (with ``follow``: until ``follow()`` is False)."""
    me = load_identity(db_url)
    report = PushReport(acknowledged=me.last_ack_seq)
    with kept(db_url, writes=True) as store:  # one engine for the loop: no check per batch
        failing_since: float | None = None
        attempt = 0
        while True:
            if between is not None:
                between()
            items = peek(store, 0, max_items, max_bytes)
            if not items:
                if follow is None or not follow():
                    return report
                sleep(poll_s)
                continue
            batch = make_batch(me.name, me.site, items, me.private_key)
            try:
                ack = transport(batch)
            except CentralUnreachable as exc:
                now = time.monotonic()
                failing_since = failing_since if failing_since is not None else now
                if retry_for is not None and now - failing_since >= retry_for:
                    report.gave_up = exc.message
                    return report
                attempt += 1
                report.retries += 1
                wait = backoff.delay(attempt)
                report.waits.append(wait)
                log.info("central unreachable (%s); next try in %.1f s", exc.message, wait)
                sleep(wait)
                continue
            failing_since, attempt = None, 0
            done = _acknowledged(ack, batch["last_seq"])
            forget_through(store, done)
            report.batches += 1
            report.items += len(items)
            report.acknowledged = max(report.acknowledged, done)


def _acknowledged(ack: dict[str, object], last_seq: int) -> int:
    done = ack.get("acknowledged")
    if not isinstance(done, int) or done < last_seq:
        raise PlantwardenError(f"the central's answer does not acknowledge the batch up to {last_seq}: {ack}")
    return done
