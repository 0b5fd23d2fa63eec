"""Learning a baseline from known-good traffic (the same stream the detector reads).

Robust statistics: a polling period is the median, over every window of :data:`WINDOW`
successive intervals between requests of the same symbol, of the window's median interval
(the statistic the polling rules compare); its jitter is the median absolute deviation (MAD)
of those window medians; a period is kept once :data:`MIN_INTERVALS` intervals were seen.
A channel's request-sequence automaton is enforced (``sequence_trained``) once it saw
:data:`MIN_SEQUENCE_REQUESTS` requests and learned no new transition during the second half
of them (it converged); only a converged automaton's transitions are kept.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from plantwarden.detect import ops
from plantwarden.detect.baseline import Baseline, Channel, Code, Conversation, Learned, Period, Talker
from plantwarden.detect.convkey import ConvKey, Orienter, is_unicast
from plantwarden.net.detect import ProtocolIndex
from plantwarden.net.packet import Packet
from plantwarden.protocols.base import Operation

MIN_INTERVALS = 8
WINDOW = 8  # intervals per window, as the polling rules' RECENT
MIN_SEQUENCE_REQUESTS = 100
MAX_INTERVALS = 2000
NS = 1e9


def robust(values: list[float]) -> tuple[float, float]:
    """(median, median absolute deviation)."""
    med = statistics.median(values)
    return med, statistics.median(abs(v - med) for v in values)


def window_medians(values: list[float], width: int = WINDOW) -> list[float]:
    """The median of every ``width`` successive intervals: the statistic the detector compares.

    Requests that come in bursts (two reads per cycle) alternate short and long intervals; the
    median of all intervals is then the short one, while a window's median is stable.
    """
    return [statistics.median(values[i : i + width]) for i in range(len(values) - width + 1)]


@dataclass
class _Code:
    name: str
    op_class: str
    count: int = 0
    units: set[int] = field(default_factory=set)
    ranges: set[tuple[int, int]] = field(default_factory=set)


@dataclass
class _Conv:
    proto: str = ""
    packets: int = 0


@dataclass
class _Channel:
    requests: int = 0
    codes: dict[str, _Code] = field(default_factory=dict)
    last_ts: dict[str, float] = field(default_factory=dict)
    intervals: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    prev: str | None = None
    transitions: set[tuple[str, str]] = field(default_factory=set)
    last_new: int = 0


class Learner:
    """Accumulates what traffic shows; :meth:`baseline` returns the document."""

    def __init__(self, index: ProtocolIndex) -> None:
        self.orienter = Orienter(index)
        self.talkers: dict[str, tuple[set[str], list[int]]] = {}
        self.convs: dict[ConvKey, _Conv] = {}
        self.channels: dict[ops.ChannelKey, _Channel] = defaultdict(_Channel)
        self.captures: list[str] = []
        self.first_ns: int | None = None
        self.last_ns: int | None = None
        self.packets = 0

    def observe_packet(self, pkt: Packet) -> None:
        self.packets += 1
        self.first_ns = pkt.ts_ns if self.first_ns is None else self.first_ns
        self.last_ns = pkt.ts_ns
        src = pkt.src
        if src is not None and is_unicast(src):
            macs, count = self.talkers.setdefault(src, (set(), [0]))
            count[0] += 1
            if pkt.eth_src is not None and pkt.ip_src is not None:
                macs.add(pkt.eth_src)
        conv = self.orienter.key(pkt)
        if conv is not None:
            self.convs.setdefault(conv, _Conv()).packets += 1
            self.orienter.known.add(conv)

    def observe_operation(self, op: Operation) -> None:
        key = self._request(op)
        if key is None:
            return
        ch = self.channels[key]
        ch.requests += 1
        self._timing(ch, ops.symbol(op), op.ctx.ts_ns / NS)

    def _request(self, op: Operation) -> ops.ChannelKey | None:
        """Notes the protocol of the operation's conversation; a request's code (with its
        units and point ranges) is counted in its channel, whose key is returned."""
        conv = ops.conversation(op)
        entry = self.convs.get(conv)
        if entry is not None and not entry.proto:
            entry.proto = op.proto
        if not ops.is_request(op):
            return None
        key = ops.channel(op)
        code = self.channels[key].codes.setdefault(op.code, _Code(op.name, op.op_class.value))
        code.count += 1
        unit, rng = ops.unit(op), ops.point_range(op)
        if unit is not None:
            code.units.add(unit)
        if rng is not None:
            code.ranges.add(rng)
        return key

    @staticmethod
    def _timing(ch: _Channel, sym: str, ts: float) -> None:
        last = ch.last_ts.get(sym)
        if last is not None and len(ch.intervals[sym]) < MAX_INTERVALS:
            ch.intervals[sym].append(ts - last)
        ch.last_ts[sym] = ts
        if ch.prev is not None and (ch.prev, sym) not in ch.transitions:
            ch.transitions.add((ch.prev, sym))
            ch.last_new = ch.requests
        ch.prev = sym

    def baseline(self, site: str | None = None) -> Baseline:
        return Baseline(
            site=site,
            learned=Learned(
                captures=self.captures,
                first_ts=self.first_ns / NS if self.first_ns is not None else None,
                last_ts=self.last_ns / NS if self.last_ns is not None else None,
                packets=self.packets,
            ),
            talkers=[
                Talker(address=a, macs=sorted(m), packets=c[0]) for a, (m, c) in sorted(self.talkers.items())
            ],
            conversations=[
                Conversation(
                    client=k[0], server=k[1], transport=k[2], port=k[3], proto=v.proto, packets=v.packets
                )
                for k, v in sorted(self.convs.items())
            ],
            channels=self._channels(),
        )

    def _channels(self) -> list[Channel]:
        return [_channel(k, ch) for k, ch in sorted(self.channels.items())]


def _sorted_median(s: np.ndarray) -> np.ndarray:
    """``statistics.median`` of each row of ``s`` (sorted along its last axis): the middle
    value, or the two middle values' sum halved, the same doubles."""
    n = s.shape[-1]
    middle: np.ndarray = s[..., n // 2] if n % 2 else (s[..., n // 2 - 1] + s[..., n // 2]) / 2
    return middle


def window_stats(values: list[float], width: int = WINDOW) -> tuple[float, float, float, float]:
    """(median, MAD, smallest, largest) of the window medians, as :func:`robust` over
    :func:`window_medians` gives them (the same doubles), in whole-array operations."""
    v = np.asarray(values, np.float64)
    rows = np.arange(len(v) - width + 1)[:, None] + np.arange(width)
    windows = _sorted_median(np.sort(v[rows], axis=1))
    med = _sorted_median(np.sort(windows))
    mad = _sorted_median(np.sort(np.abs(windows - med)))
    return float(med), float(mad), float(windows.min()), float(windows.max())


def _period(sym: str, med: float, mad: float, low: float, high: float, samples: int) -> Period:
    return Period(
        symbol=sym, median_s=round(med, 6), mad_s=round(mad, 6), samples=samples, low_s=round(low, 6),
        high_s=round(high, 6),
    )


def _channel(key: ops.ChannelKey, ch: _Channel) -> Channel:
    periods = []
    for sym, values in sorted(ch.intervals.items()):
        if len(values) >= max(MIN_INTERVALS, WINDOW):
            med, mad, low, high = window_stats(values)
            if med > 0:
                periods.append(_period(sym, med, mad, low, high, len(values)))
    trained = ch.requests >= MIN_SEQUENCE_REQUESTS and ch.last_new * 2 <= ch.requests
    codes = [
        Code(
            code=c,
            name=v.name,
            op_class=v.op_class,
            count=v.count,
            units=sorted(v.units),
            ranges=ops.merge_ranges(v.ranges),
        )
        for c, v in sorted(ch.codes.items())
    ]
    return Channel(
        client=key[0],
        server=key[1],
        proto=key[2],
        requests=ch.requests,
        codes=codes,
        periods=periods,
        sequence_trained=trained,
        # an automaton that did not converge is never enforced: its transitions are not kept
        # (polling that varies its requests, units or ranges made millions of them)
        transitions=sorted(ch.transitions) if trained else [],
    )
