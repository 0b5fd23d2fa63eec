"""Request records folded into a baseline's polling periods and request sequences, compiled.

The half of kernel-speed learning (issue 19) that does not depend on who decoded a request:
given every request of the learning pass as a record (channel id, symbol id, timestamp in
ns) in capture order, :func:`fold` computes what :class:`plantwarden.detect.learn.Learner`
accumulates one operation at a time in ``_timing`` (each channel's request count, each
symbol's first :data:`~plantwarden.detect.learn.MAX_INTERVALS` intervals, each channel's
transitions and the request at which it learned its last new one), in one compiled pass
over the records (:func:`plantwarden.fast.foldk.fold`) instead of a Python call per request.
The intervals are the same IEEE doubles the learner computes (``ts_ns / 1e9``, then the
difference), so :func:`channel` (the learner's own ``_channel``, statistics included) gives
the same document field for field;
tests/fast/test_learnrec.py requires that on every shared and generated capture.

Symbol ids are unique per (channel, symbol text); the caller keeps the texts.
"""

from __future__ import annotations

import numpy as np

from plantwarden.detect import ops
from plantwarden.detect.baseline import Baseline, Channel
from plantwarden.detect.learn import MAX_INTERVALS, MIN_SEQUENCE_REQUESTS, Learner, _Channel, _channel, _Code
from plantwarden.fast import foldk
from plantwarden.net.detect import ProtocolIndex
from plantwarden.protocols.base import Operation


class Folded:
    """What the records say, per channel id and per symbol id; :meth:`add` folds a batch.

    Batches may split the records anywhere (as the kernel's batches do): what a batch needs
    of the ones before (each channel's previous symbol and request count, each symbol's last
    timestamp, the transitions seen) is kept in the arrays :func:`plantwarden.fast.foldk.fold`
    updates, one pass over the batch in order."""

    def __init__(self) -> None:
        self.requests = np.zeros(0, np.int64)  # per channel
        self.last_new = np.zeros(0, np.int64)  # the request (1-based) that added its last new transition
        self.prev = np.zeros(0, np.int64)  # per channel, -1: none
        self.owner = np.zeros(0, np.int64)  # channel of each symbol
        self.last_ts = np.zeros(0)  # per symbol, NaN: none
        self.nint = np.zeros(0, np.int64)  # intervals kept per symbol
        self.tkeys = foldk.table(0)  # transitions: (channel, previous << SYM_BITS | symbol)
        self.trows = np.zeros((self.tkeys.shape[0], 1), np.int64)
        self.tg = np.zeros(2, np.int64)  # transitions, intervals
        self.iv_sym = np.zeros(0, np.int64)  # intervals in the order they came, and their symbol
        self.iv_val = np.zeros(0)
        self._cache: dict[str, object] = {}

    @property
    def transitions(self) -> list[set[tuple[int, int]]]:
        """Per channel, its (previous symbol, symbol) transitions."""
        found = self._cache.get("transitions")
        if found is None:
            found = [set() for _ in range(len(self.requests))]
            for k, a, b in zip(*(col.tolist() for col in foldk.transition_rows(self.tkeys)), strict=True):
                found[k].add((a, b))
            self._cache["transitions"] = found
        return found  # type: ignore[return-value]

    @property
    def intervals(self) -> dict[int, list[float]]:
        """Symbol -> its first MAX_INTERVALS intervals (s)."""
        found = self._cache.get("intervals")
        if found is None:
            n = int(self.tg[1])
            order = np.argsort(self.iv_sym[:n], kind="stable")
            of, values = self.iv_sym[:n][order], self.iv_val[:n][order]
            bounds = np.flatnonzero(np.r_[True, of[1:] != of[:-1]]) if n else np.zeros(0, np.int64)
            ends = np.r_[bounds[1:], n][: len(bounds)]
            found = {int(of[lo]): values[lo:hi].tolist() for lo, hi in zip(bounds.tolist(), ends.tolist(),
                                                                             strict=True)}
            self._cache["intervals"] = found
        return found  # type: ignore[return-value]

    def transitions_of(self, k: int) -> list[tuple[int, int]]:
        """The (previous symbol, symbol) transitions of channel ``k``."""
        grouped = self._cache.get("by_transition")
        if grouped is None:
            ch, a, b = foldk.transition_rows(self.tkeys)
            order = np.argsort(ch, kind="stable")
            cut = np.searchsorted(ch[order], np.arange(len(self.requests) + 1))
            grouped = self._cache["by_transition"] = (a[order], b[order], cut)
        a, b, cut = grouped  # type: ignore[misc]
        lo, hi = int(cut[k]), int(cut[k + 1])
        return list(zip(a[lo:hi].tolist(), b[lo:hi].tolist(), strict=True))

    def symbols_of(self, k: int) -> list[int]:
        """The symbol ids of channel ``k``."""
        by_channel = self._cache.get("by_channel")
        if by_channel is None:
            order = np.argsort(self.owner, kind="stable")
            cut = np.searchsorted(self.owner[order], np.arange(len(self.requests) + 1))
            by_channel = [order[cut[i] : cut[i + 1]].tolist() for i in range(len(self.requests))]
            self._cache["by_channel"] = by_channel
        return by_channel[k]  # type: ignore[index,no-any-return]

    def _grow(self, nchannels: int, nsymbols: int) -> None:
        more = nchannels - len(self.requests)
        if more > 0:
            self.requests = np.r_[self.requests, np.zeros(more, np.int64)]
            self.last_new = np.r_[self.last_new, np.zeros(more, np.int64)]
            self.prev = np.r_[self.prev, np.full(more, -1, np.int64)]
        more = nsymbols - len(self.owner)
        if more > 0:
            self.owner = np.r_[self.owner, np.full(more, -1, np.int64)]
            self.last_ts = np.r_[self.last_ts, np.full(more, np.nan)]
            self.nint = np.r_[self.nint, np.zeros(more, np.int64)]

    def add(self, chans: np.ndarray, syms: np.ndarray, ts_ns: np.ndarray, nchannels: int = 0) -> None:
        """The records ``(chans[i], syms[i], ts_ns[i])``, in capture order, after those added before."""
        chans, syms = np.ascontiguousarray(chans, np.int64), np.ascontiguousarray(syms, np.int64)
        ts = np.ascontiguousarray(ts_ns, np.int64)
        n = len(chans)
        self._grow(max(nchannels, int(chans.max()) + 1 if n else 0), int(syms.max()) + 1 if n else 0)
        self._cache.clear()
        if not n:
            return
        self.tkeys, self.trows = foldk.room(self.tkeys, self.trows, int(self.tg[0]), n)
        need = int(self.tg[1]) + n
        if len(self.iv_sym) < need:
            size = max(need, 2 * len(self.iv_sym))
            self.iv_sym = np.r_[self.iv_sym, np.zeros(size - len(self.iv_sym), np.int64)]
            self.iv_val = np.r_[self.iv_val, np.zeros(size - len(self.iv_val))]
        foldk.fold(chans, syms, ts, self.requests, self.last_new, self.prev, self.owner, self.last_ts,
                   self.nint, self.tkeys, self.tg, self.iv_sym, self.iv_val, MAX_INTERVALS)


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
    intervals = folded.intervals
    for sym in folded.symbols_of(k):
        values = intervals.get(sym)
        if values is not None:
            ch.intervals[texts[sym]] = values
    ch.last_new = int(folded.last_new[k])
    if ch.requests >= MIN_SEQUENCE_REQUESTS and ch.last_new * 2 <= ch.requests:  # kept only if trained
        ch.transitions = {(texts[a], texts[b]) for a, b in folded.transitions_of(k)}
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
        return super().baseline(site)

    def _channels(self) -> list[Channel]:
        folded = self.folded
        return [channel(key, self.channel_ids[key], folded, self.channels[key].codes, self.texts)
                for key in sorted(self.channels)]
