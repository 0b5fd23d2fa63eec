"""A baseline as lookup tables for the hot path (sets and dicts built once)."""

from __future__ import annotations

from dataclasses import dataclass, field

from plantwarden.detect.baseline import Baseline, Channel, Period
from plantwarden.detect.convkey import ConvKey
from plantwarden.detect.ops import COMMANDS, INDUSTRIAL, ChannelKey


@dataclass
class Known:
    talkers: set[str] = field(default_factory=set)
    macs: dict[str, set[str]] = field(default_factory=dict)
    all_macs: set[str] = field(default_factory=set)
    conversations: set[ConvKey] = field(default_factory=set)
    protos: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (client, server) -> protos
    channels: dict[ChannelKey, Channel] = field(default_factory=dict)
    codes: dict[ChannelKey, dict[str, set[str]]] = field(default_factory=dict)  # code -> op classes
    op_classes: dict[ChannelKey, set[str]] = field(default_factory=dict)
    periods: dict[tuple[ChannelKey, str], Period] = field(default_factory=dict)
    transitions: dict[ChannelKey, set[tuple[str, str]]] = field(default_factory=dict)
    writers: set[str] = field(default_factory=set)
    ot_hosts: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, baseline: Baseline) -> Known:
        k = cls()
        for t in baseline.talkers:
            k.talkers.add(t.address)
            k.macs[t.address] = set(t.macs)
            k.all_macs.update(t.macs)
        for c in baseline.conversations:
            k.conversations.add((c.client, c.server, c.transport, c.port))
            if c.proto:
                k.protos.setdefault((c.client, c.server), set()).add(c.proto)
        for ch in baseline.channels:
            k._channel(ch)
        return k

    def _channel(self, ch: Channel) -> None:
        key = (ch.client, ch.server, ch.proto)
        # the rules read a channel's codes; its periods and transitions live in the tables
        # below (and OpState), so the baseline's own lists can be freed with the baseline
        self.channels[key] = ch.model_copy(update={"periods": [], "transitions": []})
        self.protos.setdefault((ch.client, ch.server), set()).add(ch.proto)
        self.codes[key] = {}
        classes = self.op_classes.setdefault(key, set())
        for code in ch.codes:
            self.codes[key].setdefault(code.code, set()).add(code.op_class)
            classes.add(code.op_class)
        if classes & COMMANDS:
            self.writers.add(ch.client)
        for p in ch.periods:
            self.periods[(key, p.symbol)] = p
        if ch.sequence_trained:
            self.transitions[key] = {(a, b) for a, b in ch.transitions}
        if ch.proto in INDUSTRIAL:  # an SMB or SSH channel alone does not make a host OT
            self.ot_hosts.update((ch.client, ch.server))
