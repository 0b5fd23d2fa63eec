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

from dataclasses import dataclass

import numpy as np

from plantwarden.detect import ops
from plantwarden.detect.baseline import Baseline, Channel
from plantwarden.detect.learn import MAX_INTERVALS, NS, Learner, _Channel, _channel, _Code
from plantwarden.net.detect import ProtocolIndex
from plantwarden.protocols.base import Operation


@dataclass
class Folded:
    """What the records say, per channel id and per symbol id."""

    requests: np.ndarray  # int64[channels]: requests of each channel
    last_new: np.ndarray  # int64[channels]: the request (1-based) that added its last new transition
    transitions: list[set[tuple[int, int]]]  # per channel: (previous symbol id, symbol id)
    intervals: dict[int, list[float]]  # symbol id -> its first MAX_INTERVALS intervals (s)
    owner: np.ndarray  # int64[symbols]: the channel of each symbol id (-1: no record)


def fold(chans: np.ndarray, syms: np.ndarray, ts_ns: np.ndarray, nchannels: int) -> Folded:
    """The records ``(chans[i], syms[i], ts_ns[i])``, in capture order, folded."""
    chans, syms = np.asarray(chans, np.int64), np.asarray(syms, np.int64)
    ts = np.asarray(ts_ns, np.int64) / NS  # as the learner: op.ctx.ts_ns / NS, a double
    requests = np.bincount(chans, minlength=nchannels).astype(np.int64)
    last_new = np.zeros(nchannels, np.int64)
    transitions: list[set[tuple[int, int]]] = [set() for _ in range(nchannels)]
    intervals: dict[int, list[float]] = {}
    owner = np.full(int(syms.max()) + 1 if len(syms) else 0, -1, np.int64)
    owner[syms] = chans
    if not len(chans):
        return Folded(requests, last_new, transitions, intervals, owner)
    # sequences: each channel's records in order; position = the channel's request count then
    by_ch = np.argsort(chans, kind="stable")
    c, s = chans[by_ch], syms[by_ch]
    starts = np.flatnonzero(np.r_[True, c[1:] != c[:-1]])
    pos = np.arange(len(c)) - np.repeat(starts, np.diff(np.r_[starts, len(c)])) + 1
    follows = np.r_[False, c[1:] == c[:-1]]  # a record with a previous one in its channel
    prev, cur, ch, at = s[:-1][follows[1:]], s[follows], c[follows], pos[follows]
    if len(cur):
        pair = np.stack([ch, prev, cur], axis=1)
        _, first = np.unique(pair, axis=0, return_index=True)  # first occurrence of each transition
        np.maximum.at(last_new, ch[first], at[first])
        for k, a, b in pair[first].tolist():
            transitions[k].add((a, b))
    # intervals: each symbol's records in order; the first MAX_INTERVALS differences
    by_sym = np.argsort(syms, kind="stable")
    y, t = syms[by_sym], ts[by_sym]
    same = y[1:] == y[:-1]
    diffs, of = (t[1:] - t[:-1])[same], y[1:][same]
    bounds = np.flatnonzero(np.r_[True, of[1:] != of[:-1]]) if len(of) else np.zeros(0, np.int64)
    ends = np.r_[bounds[1:], len(of)] if len(of) else bounds
    for lo, hi in zip(bounds.tolist(), ends.tolist(), strict=True):
        intervals[int(of[lo])] = diffs[lo : min(hi, lo + MAX_INTERVALS)].tolist()
    return Folded(requests, last_new, transitions, intervals, owner)


def channel(
    key: ops.ChannelKey, k: int, folded: Folded, codes: dict[str, _Code], texts: list[str]
) -> Channel:
    """Channel ``k`` (``key``) of the baseline from the folded records and its codes (counts,
    units and ranges, as the learner keeps them); ``texts[symbol id]`` is the symbol's text."""
    ch = _Channel(requests=int(folded.requests[k]), codes=codes)
    for sym, values in folded.intervals.items():
        if folded.owner[sym] == k:
            ch.intervals[texts[sym]] = values
    ch.transitions = {(texts[a], texts[b]) for a, b in folded.transitions[k]}
    ch.last_new = int(folded.last_new[k])
    return _channel(key, ch)


class RecordLearner(Learner):
    """The learner with its requests' timing kept as records and folded at the end.

    Talkers, conversations and codes are accumulated as :class:`Learner` does; each request
    adds one record (channel id, symbol id, ts) instead of updating the channel's timing
    state, which is what a kernel that counts requests can hand over in bulk."""

    def __init__(self, index: ProtocolIndex) -> None:
        super().__init__(index)
        self.channel_ids: dict[ops.ChannelKey, int] = {}
        self.symbol_ids: dict[tuple[int, str], int] = {}
        self.texts: list[str] = []
        self.records: list[tuple[int, int, int]] = []

    def observe_operation(self, op: Operation) -> None:
        conv = ops.conversation(op)
        entry = self.convs.get(conv)
        if entry is not None and not entry.proto:
            entry.proto = op.proto
        if not ops.is_request(op):
            return
        key = ops.channel(op)
        ch = self.channels[key]
        code = ch.codes.setdefault(op.code, _Code(op.name, op.op_class.value))
        code.count += 1
        unit, rng = ops.unit(op), ops.point_range(op)
        if unit is not None:
            code.units.add(unit)
        if rng is not None:
            code.ranges.add(rng)
        k = self.channel_ids.setdefault(key, len(self.channel_ids))
        text = ops.symbol(op)
        sym = self.symbol_ids.get((k, text))
        if sym is None:
            sym = self.symbol_ids[(k, text)] = len(self.texts)
            self.texts.append(text)
        self.records.append((k, sym, op.ctx.ts_ns))

    def baseline(self, site: str | None = None) -> Baseline:
        recs = np.array(self.records, np.int64).reshape(-1, 3)
        folded = fold(recs[:, 0], recs[:, 1], recs[:, 2], len(self.channel_ids))
        doc = super().baseline(site)
        doc.channels = [
            channel(key, self.channel_ids[key], folded, self.channels[key].codes, self.texts)
            for key in sorted(self.channels)
        ]
        return doc
