"""Request records folded into a baseline's polling periods and request sequences, in numpy.

The half of kernel-speed learning (issue 19) that does not depend on who decoded a request:
given every request of the learning pass as a record (channel id, symbol id, timestamp in
ns) in capture order, :func:`fold` computes what :class:`plantwarden.detect.learn.Learner`
accumulates one operation at a time in ``_timing`` (each channel's request count, each
symbol's first :data:`~plantwarden.detect.learn.MAX_INTERVALS` intervals, each channel's
transitions and the request at which it learned its last new one), with whole-array
operations instead of a Python call per request. The intervals are the same IEEE doubles
the learner computes (``ts_ns / 1e9``, then the difference), so :func:`channel` (the learner's
own ``_channel``, statistics included) gives the same document field for field;
tests/fast/test_learnrec.py requires that on every shared and generated capture.

Symbol ids are unique per (channel, symbol text); the caller keeps the texts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from plantwarden.detect import ops
from plantwarden.detect.baseline import Baseline, Channel
from plantwarden.detect.learn import MAX_INTERVALS, NS, Learner, _Channel, _channel, _Code
from plantwarden.net.detect import ProtocolIndex
from plantwarden.protocols.base import Operation


@dataclass
class Folded:
    """What the records say, per channel id and per symbol id; :meth:`add` folds a batch.

    Batches may split the records anywhere (as the kernel's batches do): what a batch needs
    of the ones before (each channel's previous symbol and request count, each symbol's last
    timestamp) is carried in ``prev``, ``requests`` and ``last_ts``."""

    requests: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # per channel
    last_new: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # the request (1-based)
    # that added the channel's last new transition
    transitions: list[set[tuple[int, int]]] = field(default_factory=list)  # (previous symbol, symbol)
    intervals: dict[int, list[float]] = field(default_factory=dict)  # symbol -> first MAX_INTERVALS (s)
    owner: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # channel of each symbol
    prev: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # per channel, -1: none
    last_ts: np.ndarray = field(default_factory=lambda: np.zeros(0))  # per symbol, NaN: none
    _by_channel: list[list[int]] | None = None  # symbols_of, once the records are all in

    def symbols_of(self, k: int) -> list[int]:
        """The symbol ids of channel ``k``."""
        if self._by_channel is None:
            order = np.argsort(self.owner, kind="stable")
            cut = np.searchsorted(self.owner[order], np.arange(len(self.requests) + 1))
            self._by_channel = [order[cut[i] : cut[i + 1]].tolist() for i in range(len(self.requests))]
        return self._by_channel[k]

    def _grow(self, nchannels: int, nsymbols: int) -> None:
        more = nchannels - len(self.requests)
        if more > 0:
            self.requests = np.r_[self.requests, np.zeros(more, np.int64)]
            self.last_new = np.r_[self.last_new, np.zeros(more, np.int64)]
            self.prev = np.r_[self.prev, np.full(more, -1, np.int64)]
            self.transitions += [set() for _ in range(more)]
        more = nsymbols - len(self.owner)
        if more > 0:
            self.owner = np.r_[self.owner, np.full(more, -1, np.int64)]
            self.last_ts = np.r_[self.last_ts, np.full(more, np.nan)]

    def add(self, chans: np.ndarray, syms: np.ndarray, ts_ns: np.ndarray, nchannels: int = 0) -> None:
        """The records ``(chans[i], syms[i], ts_ns[i])``, in capture order, after those added before."""
        chans, syms = np.asarray(chans, np.int64), np.asarray(syms, np.int64)
        ts = np.asarray(ts_ns, np.int64) / NS  # as the learner: op.ctx.ts_ns / NS, a double
        n = len(chans)
        self._grow(max(nchannels, int(chans.max()) + 1 if n else 0), int(syms.max()) + 1 if n else 0)
        self._by_channel = None
        if not n:
            return
        self.owner[syms] = chans
        # sequences: each channel's records in order, after its previous symbol
        by_ch = np.argsort(chans, kind="stable")
        c, y = chans[by_ch], syms[by_ch]
        head = np.r_[True, c[1:] != c[:-1]]  # the channel's first record in this batch
        starts = np.flatnonzero(head)
        pos = np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n])) + 1 + self.requests[c]
        before = np.r_[-1, y[:-1]]
        before[head] = self.prev[c[head]]
        has = before >= 0
        ch, a, b, at = c[has], before[has], y[has], pos[has]
        if len(ch):
            if max(int(ch.max()), int(a.max()), int(b.max())) < 1 << 21:  # one key: a 1-D sort
                _, first = np.unique((ch << 42) | (a << 21) | b, return_index=True)
            else:
                _, first = np.unique(np.stack([ch, a, b], axis=1), axis=0, return_index=True)
            for i in first.tolist():
                k, pair = int(ch[i]), (int(a[i]), int(b[i]))
                seen = self.transitions[k]
                if pair not in seen:
                    seen.add(pair)
                    self.last_new[k] = max(self.last_new[k], int(at[i]))
        ends = np.r_[starts[1:], n] - 1
        self.prev[c[ends]] = y[ends]
        self.requests += np.bincount(chans, minlength=len(self.requests))
        # intervals: each symbol's records in order, after its last timestamp
        by_sym = np.argsort(syms, kind="stable")
        y, t = syms[by_sym], ts[by_sym]
        head = np.r_[True, y[1:] != y[:-1]]
        earlier = np.r_[np.nan, t[:-1]]
        earlier[head] = self.last_ts[y[head]]
        keep = ~np.isnan(earlier)
        diffs, of = (t - earlier)[keep], y[keep]
        if len(of):
            bounds = np.flatnonzero(np.r_[True, of[1:] != of[:-1]])
            for lo, hi in zip(bounds.tolist(), np.r_[bounds[1:], len(of)].tolist(), strict=True):
                have = self.intervals.setdefault(int(of[lo]), [])
                room = MAX_INTERVALS - len(have)
                if room > 0:
                    have += diffs[lo : lo + min(room, hi - lo)].tolist()
        last = np.r_[np.flatnonzero(head)[1:], n] - 1
        self.last_ts[y[last]] = t[last]


def fold(chans: np.ndarray, syms: np.ndarray, ts_ns: np.ndarray, nchannels: int) -> Folded:
    """The records ``(chans[i], syms[i], ts_ns[i])``, in capture order, folded in one batch."""
    folded = Folded()
    folded.add(chans, syms, ts_ns, nchannels)
    return folded


def channel(
    key: ops.ChannelKey, k: int, folded: Folded, codes: dict[str, _Code], texts: list[str]
) -> Channel:
    """Channel ``k`` (``key``) of the baseline from the folded records and its codes (counts,
    units and ranges, as the learner keeps them); ``texts[symbol id]`` is the symbol's text."""
    ch = _Channel(requests=int(folded.requests[k]), codes=codes)
    for sym in folded.symbols_of(k):
        values = folded.intervals.get(sym)
        if values is not None:
            ch.intervals[texts[sym]] = values
    ch.transitions = {(texts[a], texts[b]) for a, b in folded.transitions[k]}
    ch.last_new = int(folded.last_new[k])
    return _channel(key, ch)


class RecordLearner(Learner):
    """The learner with its requests' timing kept as records and folded at the end.

    Talkers, conversations and codes are accumulated as :class:`Learner` does; each request
    adds one record (channel id, symbol id, ts) instead of updating the channel's timing
    state, which is what a kernel that counts requests can hand over in bulk."""

    def __init__(self, index: ProtocolIndex, batch: int = 1 << 16) -> None:
        super().__init__(index)
        self.channel_ids: dict[ops.ChannelKey, int] = {}
        self.symbol_ids: dict[tuple[int, str], int] = {}
        self.texts: list[str] = []
        self.records: list[tuple[int, int, int]] = []
        self.folded = Folded()
        self.batch = batch

    def observe_operation(self, op: Operation) -> None:
        key = self._request(op)
        if key is None:
            return
        k = self.channel_ids.setdefault(key, len(self.channel_ids))
        text = ops.symbol(op)
        sym = self.symbol_ids.get((k, text))
        if sym is None:
            sym = self.symbol_ids[(k, text)] = len(self.texts)
            self.texts.append(text)
        self.records.append((k, sym, op.ctx.ts_ns))
        if len(self.records) >= self.batch:
            self._flush()

    def _flush(self) -> None:
        recs = np.array(self.records, np.int64).reshape(-1, 3)
        self.folded.add(recs[:, 0], recs[:, 1], recs[:, 2], len(self.channel_ids))
        self.records.clear()

    def baseline(self, site: str | None = None) -> Baseline:
        self._flush()
        folded = self.folded
        doc = super().baseline(site)
        doc.channels = [
            channel(key, self.channel_ids[key], folded, self.channels[key].codes, self.texts)
            for key in sorted(self.channels)
        ]
        return doc
