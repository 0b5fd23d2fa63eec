"""Talkers and conversations learned from runs of packets, not one packet at a time.

The packet half of kernel-speed learning (issue 19; the request half is
:mod:`plantwarden.fast.learnrec`). :class:`plantwarden.detect.learn.Learner` counts every
packet under its source (talkers) and under the conversation
:class:`plantwarden.detect.convkey.Orienter` gives it. The Orienter changes its mind about a
TCP/UDP address-port pair only at a SYN, a SYN-ACK, or the pair's first packet; every other
packet gets the conversation its pair's last such packet got. So a producer that follows
flows (the kernel's flow table) need only say where a **run** of a pair starts
(:meth:`RunLearner.open_run`, with the packet's fields, in capture order among everything
else the learner sees) and, once it ends, how many more packets it held in each direction
(:meth:`RunLearner.close_run`; a run ends anywhere, and must end before the pair's next SYN
or SYN-ACK, before a packet of the pair the learner sees on its own, and at the capture's
end), plus the MACs seen with each unicast source (:meth:`RunLearner.bind`). The Python work
is then per connection, not per packet, and the document is the learner's:
tests/fast/test_learnconv.py requires that, field for field, on every shared and generated
capture, runs cut at every SYN, SYN-ACK and at arbitrary points.

Known edge: the Orienter forgets every pair when it holds
:data:`~plantwarden.detect.convkey.MAX_REMEMBERED` of them; a run open across that moment
keeps its conversation where the packet-by-packet learner would guess again at the pair's
next packet (a capture with more than 200,000 distinct TCP/UDP address-port pairs).
"""

from __future__ import annotations

from plantwarden.detect.convkey import ConvKey, is_unicast
from plantwarden.detect.learn import _Conv
from plantwarden.fast.learnrec import RecordLearner
from plantwarden.net.detect import ProtocolIndex

PairKey = tuple[str, int, str, int, str]  # (address, port) lower first, then the transport


def pair_key(src: str, dst: str, sport: int, dport: int, transport: str) -> PairKey:
    """The Orienter's key of an address-port pair, the same whichever way the packet went."""
    if src < dst or (src == dst and sport <= dport):
        return src, sport, dst, dport, transport
    return dst, dport, src, sport, transport


class RunLearner(RecordLearner):
    """The learner fed runs of packets (see the module) as well as single packets."""

    def __init__(self, index: ProtocolIndex, batch: int = 1 << 16) -> None:
        super().__init__(index, batch)
        self.runs: dict[PairKey, ConvKey] = {}

    def open_run(self, ts_ns: int, src: str, dst: str, sport: int, dport: int, transport: str,
                 flags: int, eth_src: str | None) -> None:
        """The first packet of a run (a TCP or UDP packet over IP), as ``observe_packet`` sees it."""
        self.packets += 1
        self.first_ns = ts_ns if self.first_ns is None else self.first_ns
        self.last_ns = ts_ns
        if is_unicast(src):
            macs, count = self.talkers.setdefault(src, (set(), [0]))
            count[0] += 1
            if eth_src is not None:
                macs.add(eth_src)
        conv = self.orienter.key_of(src, dst, sport, dport, transport, flags)
        self.convs.setdefault(conv, _Conv()).packets += 1
        self.orienter.known.add(conv)
        self.runs[pair_key(src, dst, sport, dport, transport)] = conv

    def close_run(self, src: str, dst: str, sport: int, dport: int, transport: str, forward: int,
                  backward: int) -> None:
        """The run of this pair (opened by a packet from ``src``) held ``forward`` more packets
        from ``src`` and ``backward`` from ``dst``; their times are the producer's to report
        (:meth:`ended`)."""
        conv = self.runs.pop(pair_key(src, dst, sport, dport, transport))
        if not forward + backward:
            return
        self.packets += forward + backward
        self.convs[conv].packets += forward + backward
        for address, n in ((src, forward), (dst, backward)):
            if n and is_unicast(address):
                self.talkers.setdefault(address, (set(), [0]))[1][0] += n

    def bind(self, address: str, mac: str) -> None:
        """A packet of a run came from ``address`` with source MAC ``mac``."""
        if is_unicast(address):
            self.talkers.setdefault(address, (set(), [0]))[0].add(mac)

    def ended(self, last_ns: int) -> None:
        """The time of the last packet the learner was told of (a run's may be the last)."""
        self.last_ns = last_ns
