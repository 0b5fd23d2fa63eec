"""Talkers and conversations learned from runs of packets (fast.learnconv) against the
pure-Python learner, packet by packet: the same baseline document on every shared and
generated capture, with runs cut only where they must be (SYN, SYN-ACK, the end), after
every few packets, and after every packet."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from plantwarden.detect.baseline import Baseline
from plantwarden.detect.learn import Learner
from plantwarden.fast.learnconv import PairKey, RunLearner, pair_key
from plantwarden.net.detect import ProtocolIndex
from plantwarden.net.packet import IPPROTO_TCP, IPPROTO_UDP, TCP_ACK, TCP_SYN, Packet
from plantwarden.protocols.registry import SPECS
from tests.fast.test_equivalence import CAPTURES
from tests.fast.test_learnrec import _learn


@dataclass
class Run:
    src: str
    dst: str
    sport: int
    dport: int
    transport: str
    forward: int = 0
    backward: int = 0


class Runs(RunLearner):
    """A producer as the kernel would be one: it follows each address-port pair and tells the
    learner where a run starts and, when it ends, what it held; other packets go as they are."""

    def __init__(self, index: ProtocolIndex, cut_every: int) -> None:
        super().__init__(index)
        self.cut_every = cut_every
        self.open: dict[PairKey, Run] = {}
        self.bound: set[tuple[str, str]] = set()
        self.last: int | None = None
        self.opened = 0

    def observe_packet(self, pkt: Packet) -> None:
        self.last = pkt.ts_ns
        src, dst, sport, dport = pkt.ip_src, pkt.ip_dst, pkt.sport, pkt.dport
        if src is None or dst is None or sport is None or dport is None or pkt.ip_proto not in (
            IPPROTO_TCP,
            IPPROTO_UDP,
        ):
            super().observe_packet(pkt)
            return
        transport = "tcp" if pkt.ip_proto == IPPROTO_TCP else "udp"
        key = pair_key(src, dst, sport, dport, transport)
        run = self.open.get(key)
        syn = transport == "tcp" and pkt.tcp_flags & (TCP_SYN | TCP_ACK) in (TCP_SYN, TCP_SYN | TCP_ACK)
        if run is not None and (syn or run.forward + run.backward + 1 >= self.cut_every):
            self._close(key)
            run = None
        if run is None:
            self.open_run(pkt.ts_ns, src, dst, sport, dport, transport, pkt.tcp_flags, pkt.eth_src)
            self.open[key] = Run(src, dst, sport, dport, transport)
            self.opened += 1
            return
        if (src, sport) == (run.src, run.sport):
            run.forward += 1
        else:
            run.backward += 1
        if pkt.eth_src is not None:
            self.bound.add((src, pkt.eth_src))

    def _close(self, key: PairKey) -> None:
        r = self.open.pop(key)
        self.close_run(r.src, r.dst, r.sport, r.dport, r.transport, r.forward, r.backward)

    def baseline(self, site: str | None = None) -> Baseline:
        for key in reversed(list(self.open)):  # any order
            self._close(key)
        for address, mac in sorted(self.bound):
            self.bind(address, mac)
        if self.last is not None:
            self.ended(self.last)
        return super().baseline(site)


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda p: p.name)
def test_runs_learn_the_same_baseline(capture: Path) -> None:
    index = ProtocolIndex(SPECS)
    pure = _learn(Learner(index), [capture])
    whole = Runs(index, 1 << 62)
    assert _learn(whole, [capture]) == pure
    assert _learn(Runs(index, 3), [capture]) == pure
    assert _learn(Runs(index, 1), [capture]) == pure


def test_runs_learn_the_same_baseline_over_several_captures() -> None:
    index = ProtocolIndex(SPECS)
    pure = _learn(Learner(index), CAPTURES)
    assert pure["conversations"] and pure["talkers"]
    runs = Runs(index, 1 << 62)
    assert _learn(runs, CAPTURES) == pure
    learned = pure["learned"]
    assert isinstance(learned, dict)
    assert runs.opened * 4 < learned["packets"]  # runs stand for several packets each
    assert _learn(Runs(index, 5), CAPTURES) == pure
