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

import numpy as np

from plantwarden.detect import ops
from plantwarden.detect.model import RuleInfo, Severity
from plantwarden.detect.opstate import PF_MEDIAN, PI_CHANNEL, OpState, Stops
from plantwarden.detect.rules.base import Rule, Shared
from plantwarden.fast.layout import TICK_NS
from plantwarden.net.packet import Packet
from plantwarden.protocols.base import Operation

CHECK_EVERY_NS = TICK_NS  # the fast engine's clock events come as often
NS = 1e9
MAX_LOGGED = 250_000  # stops kept before they are reported (memory stays flat over a long run)

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
        self.log = StopLog()
        self.pair_of: np.ndarray | None = None  # by channel: its (client, server) pair's index
        self.pair_names: list[tuple[str, str]] = []

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
        found = state.stops(now_ns, self.start_ns)
        if found is not None:
            self.log.add(self.shared.capture, now_ns, frame or self.shared.last_frame, found)
            if self.log.size >= MAX_LOGGED:
                self._report_stops()

    def _report_stops(self) -> None:
        """The logged stops as findings: one series per (client, server) and capture, in the
        order the checks found them (each alert merges its findings in that order; alerts of
        other pairs do not depend on it, and nothing reads an alert before the run ends)."""
        state = self.shared.opstate
        if state is None or self.start_ns is None or not self.log.size:
            return
        if self.pair_of is None:
            self.pair_of, self.pair_names = state.pairs()
        log, self.log = self.log, StopLog()
        ps, seen, last_ts, last_frame, check = log.arrays()
        now, fallback = np.array(log.now_ns, np.int64)[check], np.array(log.frame, np.int64)[check]
        capture = np.array(log.capture, np.int64)[check]
        frames = np.where(seen & (last_frame != 0), last_frame, fallback)
        quiet = (now - np.where(seen, last_ts, self.start_ns)) / NS
        pair = self.pair_of[state.pi[ps, PI_CHANNEL]]
        order = np.argsort(pair, kind="stable")  # by pair, then as logged
        cut = np.flatnonzero((np.diff(pair[order]) != 0) | (np.diff(capture[order]) != 0)) + 1
        texts = state.texts
        symbols = [texts[k] for k in state.psym[ps[order]].tolist()]
        medians = state.pf[ps[order], PF_MEDIAN].tolist()
        quiet_s = quiet[order].tolist()
        ts, frame = (now[order] / NS).tolist(), frames[order].tolist()
        pairs, captures = pair[order].tolist(), capture[order].tolist()
        for lo, hi in zip([0, *cut.tolist()], [*cut.tolist(), len(order)], strict=True):
            client, server = self.pair_names[pairs[lo]]
            said = _StopDetails(symbols, quiet_s, medians, lo)
            self.fire_series(STOPPED, client, server, log.captures[captures[lo]], ts[lo:hi], frame[lo:hi],
                             said.detail)

    def finish(self) -> None:
        if self.shared.now_ns:
            self._check_stops(self.shared.now_ns, 0)
        self._report_stops()


class StopLog:
    """The stops the checks found, kept as their arrays until they are reported."""

    def __init__(self) -> None:
        self.parts: list[Stops] = []
        self.captures: list[str] = []  # distinct, in order
        self.capture: list[int] = []  # per check: its capture's index in ``captures``
        self.now_ns: list[int] = []
        self.frame: list[int] = []  # the frame a stop names when its period saw no request
        self.size = 0

    def add(self, capture: str, now_ns: int, frame: int, stops: Stops) -> None:
        self.parts.append(stops)
        if not self.captures or self.captures[-1] != capture:
            self.captures.append(capture)  # captures come one after another
        self.capture.append(len(self.captures) - 1)
        self.now_ns.append(now_ns)
        self.frame.append(frame)
        self.size += len(stops.periods)

    def arrays(self) -> tuple[np.ndarray, ...]:
        """periods, seen, last_ts, last_frame and the check of every stop, in log order."""
        cols = [np.concatenate([getattr(s, f) for s in self.parts]) for f in Stops._fields]
        check = np.repeat(np.arange(len(self.parts)), [len(s.periods) for s in self.parts])
        return (*cols, check)


class _StopDetails:
    """What the findings of one series say, made only for those an alert keeps (the first
    20 distinct): the stops' symbols, quiet seconds and learned medians, from ``lo`` on."""

    def __init__(self, symbols: list[str], quiet: list[float], medians: list[float], lo: int) -> None:
        self.symbols, self.quiet, self.medians, self.lo = symbols, quiet, medians, lo

    def detail(self, i: int) -> str:
        k = self.lo + i
        return f"{self.symbols[k]}: nothing for {self.quiet[k]:.0f} s; baseline every {self.medians[k]:.3f} s"
