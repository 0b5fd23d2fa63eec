"""The per-request state of detection, in arrays: channel sequences and polling periods.

Two rules look at every request, not only at the unusual ones: the sequence automaton of
each channel (Goldenberg & Wool 2013: the previous request symbol, and whether the pair was
learned) and the polling periods (the last request of each learned symbol, the median of
the recent intervals, and which periods are off or have stopped). Their state lives here,
in numpy arrays updated by numba functions, so that the Python decoders (one call per
request) and the fast engine's kernel (a batch of request records at a time) update the
same state in capture order. Keys are integers: channels numbered from the baseline,
symbols by :func:`plantwarden.detect.symkey.key`.

The arithmetic is that of the rules it serves (``rules.deviation``, ``rules.polling``):
intervals in float seconds, the median of the last :data:`RECENT` intervals, the same bounds.
"""

# numba kernels compute with numpy scalar types (np.int64) that stand for ints here:
# mypy: disable-error-code="return-value,arg-type,no-any-return,assignment"

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from plantwarden.detect.known import Known
from plantwarden.detect.learn import WINDOW
from plantwarden.detect.ops import ChannelKey
from plantwarden.detect.symkey import key as symbol_key
from plantwarden.fast.jit import jit
from plantwarden.fast.tables import OCCUPIED, find, find_or_add

RECENT = WINDOW
TOLERANCE = 0.5
STOP_PERIODS = 10
MIN_STOP_S = 30.0
JITTER_FLOOR_S = 0.05
NS = 1e9

# period columns (float64 pf[P, NPF]), (int64 pi[P, NPI]) and (int64 clock[P, 2])
PF_MEDIAN, PF_MAD, PF_LOW, PF_HIGH = range(4)
NPF = 4 + RECENT  # then the ring of recent intervals
PI_LAST_FRAME, PI_COUNT, PI_POS, PI_OFF, PI_CHANNEL = range(5)
NPI = 5
# what the stop check scans, in rows of their own: the last request's ts (UNSEEN: none yet)
# and whether the period stopped. A check then reads 16 bytes per period instead of a row of
# pi and one of pf (70,312 periods at 10 M: 1.1 MiB instead of 11 MiB, 441 checks)
CL_LAST, CL_STOPPED = 0, 1
UNSEEN = np.iinfo(np.int64).min
G_SEEN = 0  # entries of the key tables (counters for find_or_add)
MAX_MEMO = 200_000  # symbol texts whose keys are remembered (the baseline's, then the first seen)


def _cap(n: int) -> int:
    cap = 16
    while cap < 2 * n + 2:
        cap *= 2
    return cap


@jit()
def usual(med: float, pf: np.ndarray, p: int) -> bool:
    """rules.polling.usual: within the learned median's bound, or the learned range (± 50 %)."""
    median, mad = pf[p, PF_MEDIAN], pf[p, PF_MAD]
    bound = max(TOLERANCE * median, 6 * 1.4826 * mad, JITTER_FLOOR_S)
    if abs(med - median) <= bound:
        return True
    low_s, high_s = pf[p, PF_LOW], pf[p, PF_HIGH]
    if np.isnan(low_s) or np.isnan(high_s):
        return False
    low = low_s * (1 - TOLERANCE) - JITTER_FLOOR_S
    return low <= med <= high_s * (1 + TOLERANCE) + JITTER_FLOOR_S


@jit()
def _median(pf: np.ndarray, p: int, tmp: np.ndarray) -> float:
    for k in range(RECENT):  # insertion sort (numba's sort needs its runtime)
        x = pf[p, 4 + k]
        j = k
        while j > 0 and tmp[j - 1] > x:
            tmp[j] = tmp[j - 1]
            j -= 1
        tmp[j] = x
    mid = RECENT // 2
    return tmp[mid] if RECENT % 2 else (tmp[mid - 1] + tmp[mid]) / 2


@jit()
def period_observe(pkeys: np.ndarray, pf: np.ndarray, pi: np.ndarray, clock: np.ndarray, ch: int,
                   sym: np.uint64, ts: int, frame: int, tmp: np.ndarray) -> tuple[int, float]:
    """A request of symbol ``sym`` on channel ``ch`` (rules.polling.PollingRules.on_operation).

    Returns (period index, median): index -1 when the symbol has no learned period; the
    median is NaN unless this request turned the period off its bounds (the rule fires)."""
    p = period_of(pkeys, ch, sym)
    if p < 0:
        return -1, np.nan
    return p, period_at(pf, pi, clock, p, ts, frame, tmp)


@jit(inline="always")
def period_of(pkeys: np.ndarray, ch: int, sym: np.uint64) -> int:
    """The period index of symbol ``sym`` on channel ``ch``, or -1 (not learned)."""
    slot = find(pkeys, sym, OCCUPIED | np.uint64(ch))
    return np.int64(pkeys[slot, 2]) if slot >= 0 else -1


@jit(inline="always")
def period_at(pf: np.ndarray, pi: np.ndarray, clock: np.ndarray, p: int, ts: int, frame: int,
              tmp: np.ndarray) -> float:
    """:func:`period_observe` of period ``p``: the median, NaN unless the rule fires."""
    last = clock[p, CL_LAST]
    clock[p, CL_LAST], clock[p, CL_STOPPED] = ts, 0
    pi[p, PI_LAST_FRAME] = frame
    if last == UNSEEN:
        return np.nan
    pf[p, 4 + pi[p, PI_POS]] = (ts - last) / NS
    pi[p, PI_POS] = (pi[p, PI_POS] + 1) % RECENT
    if pi[p, PI_COUNT] < RECENT:
        pi[p, PI_COUNT] += 1
        if pi[p, PI_COUNT] < RECENT:
            return np.nan
    med = _median(pf, p, tmp)
    if usual(med, pf, p):
        pi[p, PI_OFF] = 0
        return np.nan
    if pi[p, PI_OFF]:
        return np.nan
    pi[p, PI_OFF] = 1
    return med


@jit()
def due_stops(clock: np.ndarray, limit: np.ndarray, now: int, start: int, out: np.ndarray) -> int:
    """rules.polling._check_stops: periods quiet for longer than their limit (``limit``:
    ``max(STOP_PERIODS * median, MIN_STOP_S)``), newly stopped (their indices go to ``out``,
    in period order; returns how many)."""
    n = 0
    for p in range(clock.shape[0]):
        if clock[p, CL_STOPPED]:
            continue
        last = clock[p, CL_LAST]
        if last == UNSEEN:
            last = start
        if (now - last) / NS > limit[p]:
            clock[p, CL_STOPPED] = 1
            out[n] = p
            n += 1
    return n


@jit(inline="always")
def _transition_key(ch: int, sym: np.uint64) -> np.uint64:
    """The second key of transition (previous symbol -> ``sym``) on channel ``ch``."""
    return OCCUPIED | ((sym ^ (np.uint64(ch) * np.uint64(0x9E3779B97F4A7C15))) >> np.uint64(1))


@jit()
def sequence_observe(tkeys: np.ndarray, prev: np.ndarray, trained: np.ndarray, ch: int,
                     sym: np.uint64) -> tuple[bool, np.uint64]:
    """rules.deviation._sequence: the channel's previous symbol becomes ``sym``; returns
    (a transition the trained automaton never learned, the previous symbol)."""
    had, before = prev[ch, 0], np.uint64(prev[ch, 1])
    prev[ch, 0], prev[ch, 1] = 1, np.int64(sym)
    if not trained[ch] or not had:
        return False, before
    return find(tkeys, before, _transition_key(ch, sym)) < 0, before


@jit()
def _add_transitions(tkeys: np.ndarray, g: np.ndarray, chs: np.ndarray, a: np.ndarray, b: np.ndarray) -> None:
    for i in range(chs.shape[0]):
        find_or_add(tkeys, a[i], _transition_key(chs[i], b[i]), g, G_SEEN)


@jit()
def _add_periods(pkeys: np.ndarray, g: np.ndarray, chs: np.ndarray, syms: np.ndarray, new: np.ndarray) -> int:
    """Key every (channel, symbol) period in order; the first of a key counts (``new[i]`` is
    its period index, -1 for a repeated key). Returns how many periods there are."""
    n = 0
    for i in range(chs.shape[0]):
        slot = find_or_add(pkeys, syms[i], OCCUPIED | np.uint64(chs[i]), g, G_SEEN)
        if slot >= 0:
            new[i] = -1
            continue
        pkeys[-slot - 1, 2] = n
        new[i] = n
        n += 1
    return n


class PeriodInfo(NamedTuple):
    channel: ChannelKey
    symbol: str
    median_s: float
    mad_s: float


class OpState:
    """Sequence and polling state of one detection run, built from the baseline."""

    def __init__(self, known: Known) -> None:
        self.channels: dict[ChannelKey, int] = {key: i for i, key in enumerate(known.channels)}
        self.names: list[ChannelKey] = list(known.channels)
        self.texts: dict[int, str] = {}  # symbol key -> text, for what findings say
        self._keys: dict[str, int] = {}  # text -> symbol key (symbols repeat across channels)
        c = max(len(self.names), 1)
        self.prev = np.zeros((c, 2), np.int64)  # [has a previous symbol, its key]
        self.trained = np.zeros(c, np.uint8)
        t_ch: list[int] = []
        t_a: list[int] = []
        t_b: list[int] = []
        for key, pairs in known.transitions.items():
            ch = self.channels.get(key)
            if ch is None:
                continue
            self.trained[ch] = 1
            for a, b in pairs:
                t_ch.append(ch)
                t_a.append(self.key(a))
                t_b.append(self.key(b))
        self.tkeys = np.zeros((_cap(len(t_ch)), 2), np.uint64)
        g = np.zeros(1, np.int64)
        _add_transitions(self.tkeys, g, np.array(t_ch, np.int64), np.array(t_a, np.uint64),
                         np.array(t_b, np.uint64))
        given = [(ch, ckey, symbol, period) for (ckey, symbol), period in known.periods.items()
                 if (ch := self.channels.get(ckey)) is not None]
        self.pkeys = np.zeros((_cap(len(given)), 3), np.uint64)  # sym, channel, index
        new = np.zeros(len(given), np.int64)
        g[:] = 0
        self.count = int(_add_periods(self.pkeys, g, np.array([x[0] for x in given], np.int64),
                                      np.array([self.key(x[2]) for x in given], np.uint64), new))
        kept = [x for x, i in zip(given, new.tolist(), strict=True) if i >= 0]  # in period order
        rows = max(self.count, 1)
        self.pf = np.zeros((rows, NPF))
        self.pi = np.zeros((rows, NPI), np.int64)
        self.psym = np.zeros(rows, np.uint64)  # each period's symbol key (texts: its text)
        if self.count:
            nan = float("nan")
            self.pf[:, :4] = [(period.median_s, period.mad_s,
                               period.low_s if period.low_s is not None else nan,
                               period.high_s if period.high_s is not None else nan)
                              for _, _, _, period in kept]
            self.pi[:, PI_CHANNEL] = [ch for ch, _, _, _ in kept]
            self.psym[:] = [self._keys[symbol] for _, _, symbol, _ in kept]
        self.clock = np.zeros((rows, 2), np.int64)
        self.clock[:, CL_LAST] = UNSEEN
        if not self.count:
            self.clock[:, CL_STOPPED] = 1  # the padding row never stops
        self.limit = np.maximum(STOP_PERIODS * self.pf[:, PF_MEDIAN], MIN_STOP_S)
        self.tmp = np.zeros(RECENT)
        self.stops_out = np.zeros(rows, np.int64)

    def info(self, p: int) -> PeriodInfo:
        """What findings say of period ``p`` (read from the arrays: no object per period)."""
        return PeriodInfo(self.names[int(self.pi[p, PI_CHANNEL])], self.texts[int(self.psym[p])],
                          float(self.pf[p, PF_MEDIAN]), float(self.pf[p, PF_MAD]))

    def channels_with_periods(self) -> set[ChannelKey]:
        return {self.names[ch] for ch in set(self.pi[: self.count, PI_CHANNEL].tolist())}

    def key(self, text: str) -> int:
        k = self._keys.get(text)
        if k is None:
            k = symbol_key(text)
            if len(self._keys) < MAX_MEMO:  # a scan of random ranges makes new texts forever
                self._keys[text] = k
            self.texts.setdefault(k, text)
        return k

    def recent(self, p: int) -> list[float]:
        """The recent intervals of period ``p``, oldest first (for tests and state transfer)."""
        n, pos = int(self.pi[p, PI_COUNT]), int(self.pi[p, PI_POS])
        ring = [float(x) for x in self.pf[p, 4 : 4 + RECENT]]
        return (ring[pos:] + ring[:pos])[-n:] if n == RECENT else ring[:n]

    def sequence(self, ch: int, text: str) -> str | None:
        """The previous symbol's text when ``text`` makes a transition the automaton never learned."""
        new, before = sequence_observe(self.tkeys, self.prev, self.trained, ch, np.uint64(self.key(text)))
        return self.texts.get(int(before), f"#{int(before):016x}") if new else None

    def period(self, ch: int, text: str, ts_ns: int, frame: int) -> tuple[int, float]:
        sym = np.uint64(self.key(text))
        p, med = period_observe(self.pkeys, self.pf, self.pi, self.clock, ch, sym, ts_ns, frame, self.tmp)
        return int(p), float(med)

    def stops(self, now_ns: int, start_ns: int) -> Stops | None:
        """The periods quiet for longer than their limit, newly stopped (``due_stops``), with
        their last request as it stands now; None when there are none."""
        n = due_stops(self.clock, self.limit, now_ns, start_ns, self.stops_out)
        if not n:
            return None
        ps = self.stops_out[:n].copy()
        last = self.clock[ps, CL_LAST]
        return Stops(ps, last != UNSEEN, last, self.pi[ps, PI_LAST_FRAME])

    def pairs(self) -> tuple[np.ndarray, list[tuple[str, str]]]:
        """Each channel's (client, server) pair: its index by channel, and the pairs."""
        ids: dict[tuple[str, str], int] = {}
        of = np.array([ids.setdefault((key[0], key[1]), len(ids)) for key in self.names] or [0], np.int64)
        return of, list(ids)


class Stops(NamedTuple):
    """Periods found stopped by one check, and their last request then (arrays by stop)."""

    periods: np.ndarray
    seen: np.ndarray  # bool; False: nothing since the capture started (last_ts is then UNSEEN)
    last_ts: np.ndarray
    last_frame: np.ndarray
