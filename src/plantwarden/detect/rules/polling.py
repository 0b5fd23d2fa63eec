"""Polling that changes its period or stops (loss of view).

A learned period (median ``m`` and MAD ``d`` of the window medians, see detect.learn) is out
of bounds when the median of the last :data:`RECENT` intervals leaves
``m ± max(TOLERANCE * m, 6 * 1.4826 * d, JITTER_FLOOR_S)`` and also the range of window
medians seen while learning, widened by ``TOLERANCE`` and ``JITTER_FLOOR_S``. Polling
has stopped when nothing of a symbol came for ``max(STOP_PERIODS * m, MIN_STOP_S)``; the check
runs on the capture's clock (every packet moves it), and once more at the end.
"""

from __future__ import annotations

import statistics
from collections import deque

from plantwarden.detect import ops
from plantwarden.detect.baseline import Period
from plantwarden.detect.learn import WINDOW
from plantwarden.detect.model import RuleInfo, Severity
from plantwarden.detect.rules.base import NS, Rule, Shared
from plantwarden.net.packet import Packet
from plantwarden.protocols.base import Operation

RECENT = WINDOW
TOLERANCE = 0.5
STOP_PERIODS = 10
MIN_STOP_S = 30.0
CHECK_EVERY_NS = 1_000_000_000
JITTER_FLOOR_S = 0.05  # host scheduling and capture timestamps: changes below this are not a new period

PERIOD = RuleInfo(
    "polling-period-changed",
    "Polling period changed",
    Severity.LOW,
    ("T0855", "T0814"),
    "Check the HMI/SCADA and network load with operations; a faster cycle can be injected "
    "traffic, a slower one an overloaded device or link.",
    needs_baseline=True,
)
STOPPED = RuleInfo(
    "polling-stopped",
    "Polling stopped (loss of view)",
    Severity.HIGH,
    ("T0829", "T0814"),
    "Ask operators whether the HMI still shows live values for this device; check the device, "
    "its link and the master; do not restart the controller without the process owner.",
    needs_baseline=True,
)


def usual(med: float, period: Period) -> bool:
    """Within the learned median's bound, or within the learned range of window medians (± 50 %)."""
    bound = max(TOLERANCE * period.median_s, 6 * 1.4826 * period.mad_s, JITTER_FLOOR_S)
    if abs(med - period.median_s) <= bound:
        return True
    if period.low_s is None or period.high_s is None:
        return False
    low = period.low_s * (1 - TOLERANCE) - JITTER_FLOOR_S
    return low <= med <= period.high_s * (1 + TOLERANCE) + JITTER_FLOOR_S


class PollingRules(Rule):
    infos = (PERIOD, STOPPED)

    def __init__(self, shared: Shared) -> None:
        super().__init__(shared)
        self.last: dict[tuple[ops.ChannelKey, str], tuple[int, int]] = {}  # ts_ns, frame
        self.recent: dict[tuple[ops.ChannelKey, str], deque[float]] = {}
        self.off: set[tuple[ops.ChannelKey, str]] = set()
        self.stopped: set[tuple[ops.ChannelKey, str]] = set()
        self.start_ns: int | None = None
        self.next_check = 0

    def on_packet(self, pkt: Packet) -> None:
        if self.start_ns is None:
            self.start_ns = pkt.ts_ns
        if pkt.ts_ns >= self.next_check:
            self.next_check = pkt.ts_ns + CHECK_EVERY_NS
            self._check_stops(pkt.ts_ns, pkt.frame)

    def on_operation(self, op: Operation) -> None:
        known = self.shared.known
        if known is None or not known.periods or not ops.is_request(op):
            return
        key = (ops.channel(op), ops.symbol(op))
        period = known.periods.get(key)
        if period is None:
            return
        ts = op.ctx.ts_ns
        last = self.last.get(key)
        self.last[key] = (ts, op.ctx.frame)
        self.stopped.discard(key)
        if last is None:
            return
        recent = self.recent.setdefault(key, deque(maxlen=RECENT))
        recent.append((ts - last[0]) / NS)
        if len(recent) < RECENT:
            return
        med = statistics.median(recent)
        if usual(med, period):
            self.off.discard(key)
        elif key not in self.off:
            self.off.add(key)
            detail = f"{key[1]}: every {med:.3f} s; baseline {period.median_s:.3f} s ± {period.mad_s:.3f}"
            self.fire(PERIOD, key[0][0], key[0][1], op.ctx.frame, ts, detail)

    def _check_stops(self, now_ns: int, frame: int) -> None:
        known = self.shared.known
        if known is None or self.start_ns is None:
            return
        for key, period in known.periods.items():
            if key in self.stopped:
                continue
            last_ns, last_frame = self.last.get(key, (self.start_ns, 0))
            limit = max(STOP_PERIODS * period.median_s, MIN_STOP_S)
            if (now_ns - last_ns) / NS > limit:
                self.stopped.add(key)
                where = last_frame or frame or self.shared.last_frame
                quiet = (now_ns - last_ns) / NS
                detail = f"{key[1]}: nothing for {quiet:.0f} s; baseline every {period.median_s:.3f} s"
                self.fire(STOPPED, key[0][0], key[0][1], where, now_ns, detail)

    def finish(self) -> None:
        if self.shared.now_ns:
            self._check_stops(self.shared.now_ns, 0)
