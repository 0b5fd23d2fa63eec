"""Learning a baseline in the fast engine's pass (issue 19): the kernel's records, not a
second Python pass.

With ``G_LEARN`` the kernel keeps every flow it can frame, as without detection, and writes
records in capture order (layout.LK_*): where a run of a TCP address-port pair starts and
what it held when it ends (:mod:`plantwarden.fast.learnconv`), and every request it counts
with its symbol key, unit and point range (:mod:`plantwarden.fast.learnrec` folds their
timing). Frames and PDUs the Python engine decodes reach the learner as in its own pass;
before each of them the records that precede it are applied (:meth:`FastLearning.flush`),
so the learner sees one sequence. tests/fast/test_learning.py requires the pure-Python
learner's document, field for field, on every shared and generated capture.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np

from plantwarden.capture.source import STDIN_NAME, CaptureSource, open_capture
from plantwarden.capture.stream import STREAM_CHUNK
from plantwarden.detect import ops, symkey
from plantwarden.detect.baseline import Baseline, Channel
from plantwarden.detect.learn import _Code
from plantwarden.fast import foldk
from plantwarden.fast import layout as L
from plantwarden.fast.detecting import _text_slot
from plantwarden.fast.labels import describe
from plantwarden.fast.learnconv import RunLearner
from plantwarden.fast.tables import Tables
from plantwarden.fast.watch import label_tables
from plantwarden.fast.watchk import W_SKEY, W_SPOOL, W_SVAL
from plantwarden.net.decode import Decoder
from plantwarden.net.detect import ProtocolIndex
from plantwarden.net.flows import FlowEngine
from plantwarden.net.packet import Packet
from plantwarden.protocols.base import Anomaly, Identity, Operation, PointValue
from plantwarden.protocols.registry import SPECS

_M64 = (1 << 64) - 1


class KernelLearner(RunLearner):
    """The learner fed the kernel's request records as well (codes, units, ranges, timing).

    Records are kept as they come (:meth:`defer`) and mapped to channels and symbols, counted
    into codes and folded in one go per :attr:`batch` records (:meth:`settle`), in order with
    the requests the Python decoders saw between them; a run's address and symbol names are
    only valid during the run, so the run settles before it ends.

    Symbols are numbered by (symbol key, channel id) in a compiled table
    (:func:`plantwarden.fast.foldk.symbol_id`), whoever saw the request: the Python decoders'
    requests get the key of their text (``detect.symkey``), which is the kernel's for the same
    text. A symbol's text is looked up once per key, not per symbol."""

    def __init__(self, index: ProtocolIndex, batch: int = 1 << 18) -> None:
        super().__init__(index, batch)
        self.parts: list[tuple[bool, np.ndarray]] = []  # (from the kernel, records) in order
        self.pending = 0
        self.names: tuple[Callable[[int], str], Callable[[int], str]] = (str, str)
        self.skeys = foldk.table(0)  # (symbol key, channel id) -> symbol id, over every run
        self.sval = np.zeros((self.skeys.shape[0], 1), np.int64)
        self.sg = np.zeros(1, np.int64)  # symbols
        self.key_of = np.zeros(16, np.uint64)  # symbol id -> key
        self.key_text: dict[int, str] = {}  # symbol key -> text
        self.begin_run()

    def begin_run(self) -> None:
        """A new run of the kernel: its address ids name other addresses."""
        self.pkeys = foldk.table(0)  # (client id, server id, protocol id) -> channel id, this run's
        self.pval = np.zeros((self.pkeys.shape[0], 1), np.int64)
        self.pg = np.zeros(1, np.int64)

    def observe_operation(self, op: Operation) -> None:
        key = self._request(op)
        if key is None:
            return
        k = self.channel_ids.setdefault(key, len(self.channel_ids))
        text = ops.symbol(op)
        sym = self.symbol_ids.get((k, text))
        if sym is None:
            h = symkey.key(text)
            self.key_text[h] = text
            self._symbol_room(1)
            sym = self.symbol_ids[(k, text)] = foldk.one_symbol(self.skeys, self.sval, self.sg, self.key_of,
                                                                np.uint64(h), k)
        self.records.append((k, sym, op.ctx.ts_ns))
        if len(self.records) >= self.batch:
            self._flush()

    def _symbol_room(self, more: int) -> None:
        count = int(self.sg[0])
        self.skeys, self.sval = foldk.room(self.skeys, self.sval, count, more)
        if len(self.key_of) < count + more:
            grown = np.zeros(max(count + more, 2 * len(self.key_of)), np.uint64)
            grown[: len(self.key_of)] = self.key_of
            self.key_of = grown

    def defer(self, recs: np.ndarray, name: Callable[[int], str], text: Callable[[int], str]) -> None:
        """LK_REQ records, in capture order, after everything the learner was told before."""
        if self.records:
            self.parts.append((False, np.array(self.records, np.int64).reshape(-1, 3)))
            self.records.clear()
        self.parts.append((True, recs))
        self.names = (name, text)
        self.pending += len(recs)
        if self.pending >= self.batch:
            self.settle()

    def _flush(self) -> None:
        if self.parts:
            self.settle()
        else:
            super()._flush()

    def settle(self) -> None:
        """Every deferred record into codes and timing, with the Python decoders' in order."""
        if self.records:
            self.parts.append((False, np.array(self.records, np.int64).reshape(-1, 3)))
            self.records.clear()
        kernel = [p for k, p in self.parts if k]
        if kernel:  # mapped in one go, then put back in place
            cuts = np.cumsum([len(p) for p in kernel])[:-1]
            mapped = iter(np.split(self._map(np.concatenate(kernel)), cuts))
            self.parts = [(False, next(mapped) if k else p) for k, p in self.parts]
        if self.parts:
            both = np.concatenate([p for _, p in self.parts])
            self.folded.add(both[:, 0], both[:, 1], both[:, 2], len(self.channel_ids))
        self.parts.clear()
        self.pending = 0

    def _map(self, recs: np.ndarray) -> np.ndarray:
        """(channel id, symbol id, ts) of each record; its code counted with its unit and range.

        Compiled passes (:mod:`plantwarden.fast.foldk`) map the records to channels (by
        client, server and protocol id) and symbols, and group them by code, unit and range;
        Python names each new channel once (a channel's protocol is its labels' name,
        ``labels.describe``), reads each new symbol key's text once and counts the groups
        per channel and label."""
        name, text = self.names
        recs = np.ascontiguousarray(recs)
        n = len(recs)
        slots, new = np.empty(n, np.int64), np.empty(n, np.int64)
        self.pkeys, self.pval = foldk.room(self.pkeys, self.pval, int(self.pg[0]), n)
        fresh = new[: foldk.map_pairs(recs, self.pkeys, self.pg, slots, new)]
        for slot, a, b, label in zip(slots[fresh].tolist(), recs[fresh, L.RC_A].tolist(),
                                     recs[fresh, L.RC_B].tolist(), recs[fresh, L.RC_PB].tolist(),
                                     strict=True):
            key = (name(a), name(b), describe(label)[0])
            self.pval[slot, 0] = self.channel_ids.setdefault(key, len(self.channel_ids))
        chans = self.pval[slots, 0]
        for h in np.unique(recs[:, L.RC_SYM].view(np.uint64)).tolist():
            if h not in self.key_text:
                self.key_text[h] = text(h)
        self._symbol_room(n)
        syms = np.empty(n, np.int64)
        foldk.map_symbols(recs, chans, self.skeys, self.sval, self.sg, self.key_of, syms)
        self._codes(recs, chans)
        return np.stack([chans, syms, recs[:, L.RC_TS]], axis=1)

    def _codes(self, recs: np.ndarray, chans: np.ndarray) -> None:
        """Codes counted with their units and ranges, per (channel, label), from the groups of
        records by (channel, label, unit, range). A segment's ranges are merged here (the
        baseline keeps ``ops.merge_ranges`` of them: the maximal runs of the addresses they
        cover, which merging a part first does not change)."""
        n = len(recs)
        ckeys = foldk.table(n)
        first, counts = np.empty(n, np.int64), np.empty(n, np.int64)
        groups = foldk.count_codes(recs, chans, ckeys, np.zeros(1, np.int64), np.empty(len(ckeys), np.int64),
                                   first, counts)
        if not groups:
            return
        first, counts = first[:groups], counts[:groups]
        gch, glabel = chans[first], recs[first, L.RC_PB]
        order = np.lexsort((glabel, gch))  # groups of one (channel, label) together
        gch, glabel, counts, rows = gch[order], glabel[order], counts[order], recs[first[order]]
        head = np.r_[True, (gch[1:] != gch[:-1]) | (glabel[1:] != glabel[:-1])]
        cuts, seg = np.flatnonzero(head), np.cumsum(head) - 1
        nseg = len(cuts)
        sums = np.add.reduceat(counts, cuts).tolist()
        has = rows[:, L.RC_X] >= 0  # units: each segment's distinct ones
        units = np.unique((seg[has] << 9) | rows[has, L.RC_X])
        uat = np.searchsorted(units >> 9, np.arange(nseg + 1)).tolist()
        units_list = (units & 0x1FF).tolist()
        has = rows[:, L.RC_Z] >= 0  # ranges: each segment's merged runs
        s, lo, hi = seg[has], rows[has, L.RC_Y], rows[has, L.RC_Z]
        o = np.lexsort((hi, lo, s))
        s, lo, hi = s[o], lo[o], hi[o]
        reach = np.maximum.accumulate((s << 32) | hi) & 0xFFFFFFFF  # the segment's largest last so far
        starts = np.flatnonzero(np.r_[True, (s[1:] != s[:-1]) | (lo[1:] > reach[:-1] + 1)][: len(s)])
        ends = np.r_[starts[1:], len(s)][: len(starts)] - 1
        rs, rlo, rhi = s[starts], lo[starts].tolist(), reach[ends].tolist()
        rat = np.searchsorted(rs, np.arange(nseg + 1)).tolist()
        keys = list(self.channel_ids)  # ids are given in insertion order
        for j, (k, label, c) in enumerate(zip(gch[cuts].tolist(), glabel[cuts].tolist(), sums, strict=True)):
            _, code, op_name, op_class = describe(label)
            codes = self.channels[keys[k]].codes
            entry = codes.get(code)
            if entry is None:
                entry = codes[code] = _Code(op_name, op_class.value)
            entry.count += c
            entry.units.update(units_list[uat[j] : uat[j + 1]])
            entry.ranges.update(zip(rlo[rat[j] : rat[j + 1]], rhi[rat[j] : rat[j + 1]], strict=True))

    def _channels(self) -> list[Channel]:
        key_text = self.key_text
        self.texts = [key_text[h] for h in self.key_of[: int(self.sg[0])].tolist()]
        return super()._channels()

    def first_request(self, client: str, server: str, port: int, label: int) -> None:
        """A flow's first request of a protocol: its conversation's protocol, if not set yet
        (Learner._request notes it from the first operation)."""
        entry = self.convs.get((client, server, "tcp", port))
        if entry is not None and not entry.proto:
            entry.proto = describe(label)[0]


class _Emitter:
    """Operations of the Python decoders to the learner, after the records before them."""

    def __init__(self, owner: FastLearning) -> None:
        self.owner = owner

    def operation(self, op: Operation) -> None:
        self.owner.flush()
        self.owner.learner.observe_operation(op)

    def anomaly(self, anomaly: Anomaly) -> None:
        return None

    def identity(self, identity: Identity) -> None:
        return None

    def value(self, value: PointValue) -> None:
        return None


class FastLearning:
    """The learner's share of one fast-engine run (the Bridge drives it as it drives
    :class:`plantwarden.fast.detecting.FastDetection`)."""

    def __init__(self, learner: KernelLearner, t: Tables) -> None:
        self.learner, self.t = learner, t
        learner.begin_run()
        t.learn(label_tables())
        self.emitter = _Emitter(self)
        self.recs = np.zeros((0, L.NR), np.int64)
        self.applied = self.due = 0
        self.name: Callable[[int], str] = str  # the bridge's address names (Run sets it)
        self.texts: dict[int, str] = {}

    def batch(self, recs: np.ndarray) -> None:
        self.recs, self.applied, self.due = recs, 0, 0

    def owe(self, upto: int) -> None:
        self.due = upto

    def flush(self) -> None:
        if self.applied < self.due:
            self._apply(self.recs[self.applied : self.due])
            self.applied = self.due

    def frame(self, pkt: Packet) -> None:
        self.flush()
        self.learner.observe_packet(pkt)

    def _apply(self, recs: np.ndarray) -> None:
        kind = recs[:, L.RC_KIND]
        learner, name = self.learner, self.name
        for row in recs[(kind != L.LK_REQ) | (recs[:, L.RC_CH] == 1)].tolist():
            k, a, b, pa, pb, x, y = row[L.RC_KIND], row[L.RC_A], row[L.RC_B], row[L.RC_PA], row[L.RC_PB], \
                row[L.RC_X], row[L.RC_Y]
            if k == L.LK_OPEN:
                learner.open_run(row[L.RC_TS], name(a), name(b), pa, pb, "tcp", x, name(y))
            elif k == L.LK_CLOSE:
                learner.close_run(name(a), name(b), pa, pb, "tcp", x, y)
            else:
                learner.first_request(name(a), name(b), pa, pb)
        reqs = recs[kind == L.LK_REQ]
        if len(reqs):
            learner.defer(reqs, name, self.text)

    def text(self, key: int) -> str:
        found = self.texts.get(key)
        if found is None:
            w = self.t.w
            slot = _text_slot(w[W_SKEY], np.uint64(key))
            if slot < 0:
                raise RuntimeError(f"symbol key {key:#x} was not registered")
            at, n = (int(v) for v in w[W_SVAL][slot])
            found = self.texts[key] = w[W_SPOOL][at : at + n].tobytes().decode()
        return found

    def bindings(self) -> None:
        """The MACs each source of the kernel's packets came with (its binding table)."""
        t, name = self.t, self.name
        used = t.bkey[:, 1] != 0
        for k0 in t.bkey[used, 0].tolist():
            self.learner.bind(name(k0 & 0xFFFFFFFF), name(k0 >> 32))

    def packet(self, e: list[int], name: Callable[[int], str]) -> None:
        return None  # no packet events without detection

    def tick(self, e: list[int]) -> None:
        return None

    def release(self) -> None:
        return None

    def finish(self) -> None:
        return None


def _python_pass(learner: KernelLearner, source: CaptureSource, name: str) -> None:
    """A capture the kernel cannot read, through detection's own Python pass (detect.stream)."""
    engine = FlowEngine(name, ProtocolIndex(SPECS), _Direct(learner))
    decoder = Decoder()
    for frame in source.frames():
        pkt = decoder.decode(frame)
        learner.observe_packet(pkt)
        engine.packet(pkt)
    engine.finish()


class _Direct(_Emitter):
    def __init__(self, learner: KernelLearner) -> None:
        self.learner = learner

    def operation(self, op: Operation) -> None:
        self.learner.observe_operation(op)


def learn_one(learner: KernelLearner, path: str) -> None:
    """One capture into the learner: through the kernel where it can read the input."""
    from plantwarden.fast.engine import Run, _ngrun
    from plantwarden.fast.inputs import Opened, Prefixed, open_input

    name = "-" if path == "-" else os.path.basename(path)
    opened = open_input(path)
    learner.captures.append(name)
    if isinstance(opened, Prefixed):
        with CaptureSource(STDIN_NAME, opened, STREAM_CHUNK) as source:
            _python_pass(learner, source, name)
        return
    if not isinstance(opened, Opened):
        with open_capture(path) as source:
            _python_pass(learner, source, os.path.basename(source.name))
        return
    try:
        run = (_ngrun() if opened.kind == "pcapng" else Run)(name, opened, learner=learner)
        run.run(None)
    finally:
        opened.close()
    run.learned()
    run.release()  # the kernel's tables go before the next capture or the baseline's document


def learn_fast(paths: list[str], site_name: str | None = None) -> Baseline:
    """A baseline learned from whole captures, in the fast engine's pass."""
    learner = KernelLearner(ProtocolIndex(SPECS))
    for path in paths:
        learn_one(learner, path)
    return learner.baseline(site_name)

