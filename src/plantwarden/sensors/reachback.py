"""The sensor answers the central's frame requests, from its push loop (docs/sensors.md).

The central cannot call into the plant, so each round of the push loop (and of ``sensor push
--follow``) asks it for the open requests of this sensor's site (:class:`Reachback`, at most
every ``every_s`` seconds). For each request whose alert this sensor holds, it reads the
evidence frames from the capture file at the plant and uploads them as a pcap
(:func:`plantwarden.sensors.evidence_frames.collect`), or answers "failed" with the reason
(the capture is gone or changed). A request for an alert this sensor does not hold is left
to the site's other sensors. An unreachable central is tried again next round; the push
loop itself never stops for the reachback.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from plantwarden.errors import PlantwardenError
from plantwarden.sensors.evidence_frames import CaptureGone, collect
from plantwarden.sensors.identity import load_identity
from plantwarden.sensors.transport import CentralRefused, CentralUnreachable

log = logging.getLogger(__name__)


class Central(Protocol):
    def open_requests(self) -> list[dict[str, object]]: ...
    def deliver(self, request_id: int, pcap: bytes, manifest: dict[str, object]) -> dict[str, object]: ...
    def fail(self, request_id: int, reason: str) -> dict[str, object]: ...


@dataclass(frozen=True, slots=True)
class Answer:
    request_id: int
    alert_id: str
    outcome: str  # delivered, failed, not here, refused
    detail: str


def answer_requests(db_url: str, central: Central) -> list[Answer]:
    """Answer every open request of this sensor's site that it can; raises
    :class:`CentralUnreachable` when the central cannot be reached (try again later)."""
    me = load_identity(db_url)
    answers: list[Answer] = []
    for req in central.open_requests():
        request_id, alert_id = req.get("id"), req.get("alert_id")
        if not isinstance(request_id, int) or not isinstance(alert_id, str):
            continue
        answers.append(_answer(db_url, me.site_id, central, request_id, alert_id))
    return answers


def _answer(db_url: str, site_id: int, central: Central, request_id: int, alert_id: str) -> Answer:
    try:
        try:
            delivery = collect(db_url, site_id, alert_id)
        except CaptureGone as exc:
            central.fail(request_id, exc.message)
            log.warning("frame request %d (alert %s): failed: %s", request_id, alert_id, exc.message)
            return Answer(request_id, alert_id, "failed", exc.message)
        if delivery is None:
            return Answer(request_id, alert_id, "not here", "this sensor does not hold the alert")
        central.deliver(request_id, delivery.pcap, dict(delivery.manifest))
    except CentralRefused as exc:  # answered meanwhile, expired...: the next request
        log.warning("frame request %d (alert %s): %s", request_id, alert_id, exc.message)
        return Answer(request_id, alert_id, "refused", exc.message)
    cut = delivery.manifest.get("cut")
    detail = f"{delivery.frames} frames, {len(delivery.pcap)} bytes" + (f" ({cut})" if cut else "")
    log.info("frame request %d (alert %s): delivered %s", request_id, alert_id, detail)
    return Answer(request_id, alert_id, "delivered", detail)


class Reachback:
    """What the push loop calls each round: answer the requests, at most every ``every_s``
    seconds, never raising (the outbox goes on being pushed whatever happens here)."""

    def __init__(
        self,
        db_url: str,
        central: Central,
        every_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        on_answer: Callable[[Answer], None] | None = None,
    ) -> None:
        self.db_url, self.central, self.every_s, self.clock = db_url, central, every_s, clock
        self.on_answer = on_answer
        self.last: float | None = None
        self.answers: list[Answer] = []

    def __call__(self) -> None:
        now = self.clock()
        if self.last is not None and now - self.last < self.every_s:
            return
        self.last = now
        try:
            answers = answer_requests(self.db_url, self.central)
        except CentralUnreachable as exc:
            log.info("frame requests: central unreachable (%s); next round", exc.message)
            return
        except PlantwardenError as exc:
            log.warning("frame requests: %s", exc.message)
            return
        self.answers.extend(answers)
        for answer in answers:
            if self.on_answer is not None and answer.outcome != "not here":
                self.on_answer(answer)
