"""Detection in the fast engine's single pass: the Python side.

The Python decoders' packets, operations, anomalies and identities reach the detector as in
the pure-Python pass (detect.stream); the kernel adds its packet events (``K_PKT``), the
clock (``K_TICK``) and request records, which update the sequence and polling state
(:class:`plantwarden.detect.opstate.OpState`) in capture order, by a numba loop; the rules
fire from what that loop finds. See :mod:`plantwarden.fast.watch` for what the kernel keeps.
"""

# numba kernels compute with numpy scalar types (np.int64) that stand for ints here:
# mypy: disable-error-code="return-value,arg-type,no-any-return,assignment"

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from plantwarden.detect.emit import DetectorEmitter
from plantwarden.detect.engine import Detector
from plantwarden.detect.opstate import CL_LAST, NPF, PF_MEDIAN, period_at, period_of, sequence_observe
from plantwarden.fast import layout as L
from plantwarden.fast.jit import jit
from plantwarden.fast.tables import OCCUPIED, Tables, find
from plantwarden.fast.watch import Watch
from plantwarden.fast.watchk import SILENCE_ONLY, W_SKEY, W_SPOOL, W_SVAL
from plantwarden.net.packet import IPPROTO_TCP, Packet

F_SEQUENCE, F_PERIOD = 1, 2


@jit(nogil=True)
def apply_records(recs: np.ndarray, lo: int, hi: int, tkeys: np.ndarray, prev: np.ndarray,
                  trained: np.ndarray, pkeys: np.ndarray, pf: np.ndarray, pi: np.ndarray, clock: np.ndarray,
                  tmp: np.ndarray, found: np.ndarray, medians: np.ndarray, periods: np.ndarray) -> int:
    """Records ``lo:hi`` into the sequence and polling state (what ``DeviationRules._sequence``
    and ``PollingRules.on_operation`` do per request); findings go to ``found`` as
    [kind, record, previous symbol or period] (and the median), their count is returned.

    Two passes: first every record's period index (``periods``, scratch) and a read of its
    state rows, in a loop of independent loads whose cache misses the CPU overlaps (the
    period tables of a large plant are megabytes); then the updates, in record order."""
    have = pi.shape[0] != 0 and pkeys.shape[0] != 0
    touch = 0.0
    if have:
        for q in range(lo, hi):
            p = period_of(pkeys, recs[q, L.RC_CH], np.uint64(recs[q, L.RC_SYM]))
            periods[q - lo] = p
            if p >= 0:
                touch += pf[p, PF_MEDIAN] + pf[p, NPF - 1] + pi[p, 0] + clock[p, CL_LAST]
    tmp[0] = touch  # scratch: keeps the reads
    n = 0
    for q in range(lo, hi):
        ch, sym = recs[q, L.RC_CH], np.uint64(recs[q, L.RC_SYM])
        new, before = sequence_observe(tkeys, prev, trained, ch, sym)
        if new:
            found[n, 0], found[n, 1], found[n, 2] = F_SEQUENCE, q, np.int64(before)
            n += 1
        if have:
            p = periods[q - lo]
            if p >= 0:
                med = period_at(pf, pi, clock, p, recs[q, L.RC_TS], recs[q, L.RC_FRAME], tmp)
                if med == med:
                    found[n, 0], found[n, 1], found[n, 2] = F_PERIOD, q, p
                    medians[n] = med
                    n += 1
    return n


@jit()
def _text_slot(skey: np.ndarray, h: np.uint64) -> int:
    return find(skey, h, OCCUPIED)


class FastDetection:
    """The detector's share of one fast-engine run."""

    def __init__(self, detector: Detector, t: Tables) -> None:
        state = detector.shared.opstate
        assert state is not None and detector.shared.known is not None
        self.detector, self.state, self.t = detector, state, t
        self.watch = Watch.build(detector.shared.known, state, detector.shared.site)
        t.watch(self.watch.arrays(), detector.shared.site.site is not None)
        self.found = np.zeros((L.REC_CAP + 1, 3), np.int64)
        self.medians = np.zeros(L.REC_CAP + 1)
        self.periods = np.zeros(L.REC_CAP + 1, np.int64)
        self.emitter = DetectorEmitter(detector, self.flush)
        self.recs = np.zeros((0, L.NR), np.int64)
        self.applied = self.due = 0
        self.packets = 0  # K_PKT events (into the detector's kernel counts at the end)

    # -- request records -------------------------------------------------------------
    # The records of a batch are applied lazily: only what reads or changes the sequence and
    # polling state needs them applied first (a request the Python decoders saw, a stop check
    # of the polling rules, the end of the batch), so a batch takes a few numba calls instead
    # of one per Python event; the state still sees every request in capture order.
    def batch(self, recs: np.ndarray) -> None:
        self.recs, self.applied, self.due = recs, 0, 0

    def owe(self, upto: int) -> None:
        """Records ``:upto`` precede the event the Python side applies next."""
        self.due = upto

    def flush(self) -> None:
        if self.applied < self.due:
            self._apply(self.applied, self.due)
            self.applied = self.due

    def _clock(self, ts_ns: int) -> None:
        """Before a packet: the polling rules' stop check reads the state when it is due."""
        if ts_ns >= self.detector.polling.next_check:
            self.flush()

    def frame(self, pkt: Packet) -> None:
        """A frame the Python engine decodes (its PDUs reach the detector through ``emitter``)."""
        self._clock(pkt.ts_ns)
        self.detector.observe_packet(pkt)

    def _apply(self, lo: int, hi: int) -> None:
        """Records ``lo:hi`` of the batch into the state; the rules fire from what they found."""
        recs = self.recs
        self.detector.kernel["records"] += hi - lo
        s = self.state
        n = apply_records(recs, lo, hi, s.tkeys, s.prev, s.trained, s.pkeys, s.pf, s.pi, s.clock, s.tmp,
                          self.found, self.medians, self.periods)
        for k in range(n):
            kind, q, aux = (int(x) for x in self.found[k])
            frame, ts, ch = int(recs[q, L.RC_FRAME]), int(recs[q, L.RC_TS]), int(recs[q, L.RC_CH])
            if kind == F_SEQUENCE:
                sym = self.text(int(recs[q, L.RC_SYM]) & ((1 << 64) - 1))
                self.detector.sequence_finding(s.names[ch], frame, ts, self.text(aux & ((1 << 64) - 1)), sym)
            else:
                self.detector.period_finding(aux, float(self.medians[k]), frame, ts)

    def text(self, key: int) -> str:
        """A symbol's text: the baseline's, one the Python side made, or the kernel's."""
        known = self.state.texts.get(key)
        if known is not None:
            return known
        w = self.t.w
        slot = _text_slot(w[W_SKEY], np.uint64(key))
        if slot < 0:
            return f"#{key:016x}"
        at, n = (int(x) for x in w[W_SVAL][slot])
        text = w[W_SPOOL][at : at + n].tobytes().decode("utf-8", errors="replace")
        self.state.texts[key] = text
        return text

    # -- packet events ---------------------------------------------------------------
    def packet(self, e: list[int], name: Callable[[int], str]) -> None:
        """A K_PKT event (layout.K_PKT) as the Packet the rules read; ``name``: Bridge.addr."""
        self.packets += 1
        self._clock(e[L.E_TS])
        if not e[L.E_FIRST] & ~SILENCE_ONLY:
            self.detector.observe_known_tcp(e[L.E_FRAME], e[L.E_TS], name(e[L.E_CLIENT]), name(e[L.E_SERVER]),
                                            e[L.E_CPORT], e[L.E_SPORT], e[L.E_PROTO])
            return
        t = self.t
        kind = int(t.aval[e[L.E_CLIENT], 2])
        pkt = Packet(e[L.E_FRAME], e[L.E_TS], e[L.E_ORIG], eth_src=name(e[L.E_DIR]),
                     ip_version=4 if kind == L.A_IPV4 else 6, ip_src=name(e[L.E_CLIENT]),
                     ip_dst=name(e[L.E_SERVER]), ip_proto=IPPROTO_TCP, ttl=e[L.E_LEN],
                     sport=e[L.E_CPORT], dport=e[L.E_SPORT], tcp_flags=e[L.E_PROTO])
        self.detector.observe_packet(pkt)

    def tick(self, e: list[int]) -> None:
        self.detector.kernel["ticks"] += 1
        self.flush()
        self.detector.observe_tick(e[L.E_TS], e[L.E_FRAME])

    def release(self) -> None:
        """After the run: no more references to the kernel's tables and the batch, and none
        from the detector's emitter back to this object (fast.engine.Run.release)."""
        self.t = Tables.released()
        self.recs = np.zeros((0, L.NR), np.int64)
        self.emitter.before_request = None

    def finish(self) -> None:
        """The capture's last packet is the detector's clock for the checks at the end."""
        self.flush()
        self.detector.kernel["packets"] += self.packets
        self.packets = 0
        g = self.t.g
        if g[L.G_PACKETS]:
            self.detector.observe_clock(int(g[L.G_LAST_TS]), int(g[L.G_FRAMES]))
