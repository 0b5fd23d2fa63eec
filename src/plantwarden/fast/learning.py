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
from plantwarden.detect.baseline import Baseline
from plantwarden.detect.learn import _Code
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
_ADDR_BITS, _PROTO_BITS = 22, 5  # address ids (layout.ADDR_CAP), kernel protocol ids (layout.P_*)
_ADDR_MASK = (1 << _ADDR_BITS) - 1


class KernelLearner(RunLearner):
    """The learner fed the kernel's request records as well (codes, units, ranges, timing).

    Records are kept as they come (:meth:`defer`) and mapped to channels and symbols, counted
    into codes and folded in one go per :attr:`batch` records (:meth:`settle`), in order with
    the requests the Python decoders saw between them; a run's address and symbol names are
    only valid during the run, so the run settles before it ends."""

    def __init__(self, index: ProtocolIndex, batch: int = 1 << 18) -> None:
        super().__init__(index, batch)
        self.parts: list[tuple[bool, np.ndarray]] = []  # (from the kernel, records) in order
        self.pending = 0
        self.names: tuple[Callable[[int], str], Callable[[int], str]] = (str, str)

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

        Rows are grouped by one int64 key each (address ids < 2^22, protocol ids < 2^5,
        labels < 2^32, units < 2^8, points < 2^20): sorting one column is several times
        faster than ``np.unique`` over rows. A channel's protocol is its labels' name
        (``labels.describe``), so every protocol the kernel labels has one."""
        name, text = self.names
        labels = recs[:, L.RC_PB]
        packed = (recs[:, L.RC_A] << (_ADDR_BITS + _PROTO_BITS)) | (recs[:, L.RC_B] << _PROTO_BITS)
        pairs, first, inverse = np.unique(packed | (labels >> 24), return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
        chan_of = np.empty(len(pairs), np.int64)
        keys = []
        for j, (pair, label) in enumerate(zip(pairs.tolist(), labels[first].tolist(), strict=True)):
            client, server = pair >> (_ADDR_BITS + _PROTO_BITS), (pair >> _PROTO_BITS) & _ADDR_MASK
            key = (name(client), name(server), describe(label)[0])
            keys.append(key)
            chan_of[j] = self.channel_ids.setdefault(key, len(self.channel_ids))
        chans = chan_of[inverse]
        # codes, units and ranges (order does not matter to them)
        code_key = (inverse << 32) | (labels & 0xFFFFFFFF)
        shape_key = ((recs[:, L.RC_X] + 1) << 42) | ((recs[:, L.RC_Y] + 1) << 21) | (recs[:, L.RC_Z] + 1)
        order = np.lexsort((shape_key, code_key))
        ck, sk = code_key[order], shape_key[order]
        starts = np.flatnonzero(np.r_[True, (ck[1:] != ck[:-1]) | (sk[1:] != sk[:-1])])
        counts = np.diff(np.r_[starts, len(ck)])
        rows = recs[order[starts]]
        for j, label, unit, lo, hi, n in zip(inverse[order[starts]].tolist(), rows[:, L.RC_PB].tolist(),
                                             rows[:, L.RC_X].tolist(), rows[:, L.RC_Y].tolist(),
                                             rows[:, L.RC_Z].tolist(), counts.tolist(), strict=True):
            _, code, op_name, op_class = describe(label)
            entry = self.channels[keys[j]].codes.setdefault(code, _Code(op_name, op_class.value))
            entry.count += n
            if unit >= 0:
                entry.units.add(unit)
            if hi >= 0:
                entry.ranges.add((lo, hi))
        hashes, hinv = np.unique(recs[:, L.RC_SYM], return_inverse=True)
        syms, sinv = np.unique((chans << 32) | hinv.reshape(-1), return_inverse=True)
        sym_of = np.empty(len(syms), np.int64)
        hash_list = hashes.tolist()
        for j, ks in enumerate(syms.tolist()):
            k, label_text = ks >> 32, text(hash_list[ks & 0xFFFFFFFF] & _M64)
            sid = self.symbol_ids.get((k, label_text))
            if sid is None:
                sid = self.symbol_ids[(k, label_text)] = len(self.texts)
                self.texts.append(label_text)
            sym_of[j] = sid
        return np.stack([chans, sym_of[sinv.reshape(-1)], recs[:, L.RC_TS]], axis=1)

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

