"""Polling that changes its period or stops (loss of view).

A learned period (median ``m`` and MAD ``d`` of the window medians, see detect.learn) is out
of bounds when the median of the last :data:`RECENT` intervals leaves
``m ± max(TOLERANCE * m, 6 * 1.4826 * d, JITTER_FLOOR_S)`` and also the range of window
medians seen while learning, widened by ``TOLERANCE`` and ``JITTER_FLOOR_S``. Polling
has stopped when nothing of a symbol came for ``max(STOP_PERIODS * m, MIN_STOP_S)``; the check
runs on the capture's clock (every packet moves it), and once more at the end. The state (last
request and recent intervals of each learned symbol) is :class:`plantwarden.detect.opstate.OpState`'s,
which the fast engine's kernel updates too; the constants and bounds are defined there.
"""

from __future__ import annotations

from functools import partial

from plantwarden.detect import ops
from plantwarden.detect.model import RuleInfo, Severity
from plantwarden.detect.opstate import OpState
from plantwarden.detect.rules.base import Rule, Shared
from plantwarden.fast.layout import TICK_NS
from plantwarden.net.packet import Packet
from plantwarden.protocols.base import Operation

CHECK_EVERY_NS = TICK_NS  # the fast engine's clock events come as often

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


class PollingRules(Rule):
    infos = (PERIOD, STOPPED)

    def __init__(self, shared: Shared) -> None:
        super().__init__(shared)
        self.start_ns: int | None = None
        self.next_check = 0

    def on_packet(self, pkt: Packet) -> None:
        self.tick(pkt.ts_ns, pkt.frame)

    def tick(self, ts_ns: int, frame: int) -> None:
        """The capture's clock moved (a packet, or the fast engine's clock event)."""
        if self.start_ns is None:
            self.start_ns = ts_ns
        if ts_ns >= self.next_check:
            self.next_check = ts_ns + CHECK_EVERY_NS
            self._check_stops(ts_ns, frame)

    def on_operation(self, op: Operation) -> None:
        state = self.shared.opstate
        if state is None or not state.count or not ops.is_request(op):
            return
        ch = state.channels.get(ops.channel(op))
        if ch is None:
            return
        p, med = state.period(ch, ops.symbol(op), op.ctx.ts_ns, op.ctx.frame)
        if med == med:  # not NaN: this request turned the period off its bounds
            self.off_period(state, p, med, op.ctx.frame, op.ctx.ts_ns)

    def off_period(self, state: OpState, p: int, med: float, frame: int, ts_ns: int) -> None:
        info = state.info(p)
        detail = f"{info.symbol}: every {med:.3f} s; baseline {info.median_s:.3f} s ± {info.mad_s:.3f}"
        self.fire(PERIOD, info.channel[0], info.channel[1], frame, ts_ns, detail)

    def _check_stops(self, now_ns: int, frame: int) -> None:
        state = self.shared.opstate
        if state is None or self.start_ns is None or not state.count:
            return
        # one group per (client, server), in the order the periods stopped: each alert merges
        # its findings in that order, and alerts of other pairs do not depend on it
        groups: dict[tuple[str, str], tuple[list[int], list[tuple[str, float, float]]]] = {}
        start = self.start_ns
        for channel, symbol, median_s, last_ns, last_frame in state.stopped(now_ns, start):
            frames, said = groups.setdefault((channel[0], channel[1]), ([], []))
            frames.append(last_frame or frame or self.shared.last_frame)
            said.append((symbol, (now_ns - (last_ns if last_ns is not None else start)) / 1e9, median_s))
        for (client, server), (frames, said) in groups.items():
            self.fire_each(STOPPED, client, server, now_ns, frames, partial(_stopped_detail, said))

    def finish(self) -> None:
        if self.shared.now_ns:
            self._check_stops(self.shared.now_ns, 0)


def _stopped_detail(said: list[tuple[str, float, float]], i: int) -> str:
    symbol, quiet, median_s = said[i]
    return f"{symbol}: nothing for {quiet:.0f} s; baseline every {median_s:.3f} s"
