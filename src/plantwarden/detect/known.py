"""A baseline as lookup tables for the hot path (sets, dicts and small slotted records).

Built from a baseline's JSON form (:meth:`Known.from_doc`): what ``Baseline.to_json`` gives,
as stored in the store. Detection against a stored baseline reads that document straight
into these tables (``detect.store_baselines.load_known``) instead of validating it into
:class:`~plantwarden.detect.baseline.Baseline` models first: the store's document was made
from a validated model, and a 10 M packet baseline (4,369 channels, 30,191 codes, 74,030
polling periods) took 0.17 s and 150 MiB as models, against about 30 MiB here. The
models stay the form a person reads, edits and imports (validated there).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from plantwarden.detect.baseline import Baseline
from plantwarden.detect.convkey import ConvKey
from plantwarden.detect.ops import COMMANDS, INDUSTRIAL, ChannelKey
from plantwarden.errors import InputError


class KnownCode(NamedTuple):
    """A request code of a channel (``baseline.Code``: what the rules read of it)."""

    code: str
    name: str
    op_class: str
    units: list[int]
    ranges: list[tuple[int, int]]


@dataclass(frozen=True, slots=True)
class KnownChannel:
    """A channel's request codes (``baseline.Channel`` less its periods and transitions, which
    live in :class:`~plantwarden.detect.opstate.OpState`)."""

    client: str
    server: str
    proto: str
    codes: list[KnownCode]

    def code(self, code: str) -> KnownCode | None:
        """The first entry of ``code`` (as ``baseline.Channel.code``)."""
        return next((c for c in self.codes if c.code == code), None)


class KnownPeriod(NamedTuple):
    """A learned polling period (``baseline.Period``: median, MAD, learned range)."""

    median_s: float
    mad_s: float
    low_s: float | None
    high_s: float | None


@dataclass
class Known:
    talkers: set[str] = field(default_factory=set)
    macs: dict[str, set[str]] = field(default_factory=dict)
    all_macs: set[str] = field(default_factory=set)
    conversations: set[ConvKey] = field(default_factory=set)
    protos: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (client, server) -> protos
    channels: dict[ChannelKey, KnownChannel] = field(default_factory=dict)
    codes: dict[ChannelKey, dict[str, frozenset[str]]] = field(default_factory=dict)  # code -> op classes
    op_classes: dict[ChannelKey, set[str]] = field(default_factory=dict)
    periods: dict[tuple[ChannelKey, str], KnownPeriod] = field(default_factory=dict)
    transitions: dict[ChannelKey, set[tuple[str, str]]] = field(default_factory=dict)
    writers: set[str] = field(default_factory=set)
    ot_hosts: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, baseline: Baseline) -> Known:
        return cls.from_doc(baseline.to_json())

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any], source: str = "the baseline") -> Known:
        """The tables of a baseline's JSON form (``Baseline.to_json``). A document that is
        not of that form (a damaged store row) is an InputError naming ``source``."""
        try:
            return cls._from_doc(doc)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise InputError(f"{source}: not a baseline document ({type(exc).__name__}: {exc})") from None

    @classmethod
    def _from_doc(cls, doc: Mapping[str, Any]) -> Known:
        k, share = cls(), _Share()
        text = share.text
        for t in doc.get("talkers") or ():
            address, macs = text(t["address"]), [text(m) for m in t.get("macs") or ()]
            k.talkers.add(address)
            k.macs[address] = set(macs)
            k.all_macs.update(macs)
        for c in doc.get("conversations") or ():
            client, server = text(c["client"]), text(c["server"])
            k.conversations.add((client, server, text(c["transport"]), int(c["port"])))
            if c.get("proto"):
                k.protos.setdefault((client, server), set()).add(text(c["proto"]))
        for ch in doc.get("channels") or ():
            k._channel(ch, share)
        return k

    def _channel(self, ch: Mapping[str, Any], share: _Share) -> None:
        text = share.text
        key = share.key((text(ch["client"]), text(ch["server"]), text(ch["proto"])))
        codes = [
            KnownCode(
                text(c["code"]),
                text(c.get("name", "")),
                text(c.get("op_class", "other")),
                share.units(c.get("units") or ()),
                share.ranges(c.get("ranges") or ()),
            )
            for c in ch.get("codes") or ()
        ]
        self.channels[key] = KnownChannel(*key, codes)
        self.protos.setdefault((key[0], key[1]), set()).add(key[2])
        by_code: dict[str, set[str]] = {}
        for code in codes:
            by_code.setdefault(code.code, set()).add(code.op_class)
        self.codes[key] = {c: share.classes(found) for c, found in by_code.items()}
        classes = self.op_classes.setdefault(key, set())
        classes.update(code.op_class for code in codes)
        if classes & COMMANDS:
            self.writers.add(key[0])
        for p in ch.get("periods") or ():
            low, high = p.get("low_s"), p.get("high_s")
            self.periods[(key, text(p["symbol"]))] = KnownPeriod(
                float(p["median_s"]), float(p["mad_s"]),
                float(low) if low is not None else None, float(high) if high is not None else None,
            )
        if ch.get("sequence_trained"):
            self.transitions[key] = {(text(a), text(b)) for a, b in ch.get("transitions") or ()}
        if key[2] in INDUSTRIAL:  # an SMB or SSH channel alone does not make a host OT
            self.ot_hosts.update((key[0], key[1]))


class _Share:
    """One object for each distinct text, channel key, unit list and range list of a baseline:
    a plant's channels repeat the same codes, names, symbols and register maps, and what is
    shared is not kept once per code (the tables are read, never changed)."""

    def __init__(self) -> None:
        self._texts: dict[str, str] = {}
        self._keys: dict[ChannelKey, ChannelKey] = {}
        self._units: dict[tuple[Any, ...], list[int]] = {}
        self._ranges: dict[tuple[tuple[Any, ...], ...], list[tuple[int, int]]] = {}
        self._classes: dict[frozenset[str], frozenset[str]] = {}

    def text(self, value: object) -> str:
        if not isinstance(value, str):
            raise TypeError(f"{value!r} is not a text")
        return self._texts.setdefault(value, value)

    def key(self, key: ChannelKey) -> ChannelKey:
        return self._keys.setdefault(key, key)

    def classes(self, found: set[str]) -> frozenset[str]:
        classes = frozenset(found)
        return self._classes.setdefault(classes, classes)

    def units(self, values: Any) -> list[int]:
        key = tuple(values)  # a plant repeats a few unit lists: each is checked once
        found = self._units.get(key)
        if found is None:
            found = self._units[key] = [int(u) for u in key]
        return found

    def ranges(self, values: Any) -> list[tuple[int, int]]:
        key = tuple(map(tuple, values))
        found = self._ranges.get(key)
        if found is None:
            found = self._ranges[key] = [(int(lo), int(hi)) for lo, hi in key]
        return found
