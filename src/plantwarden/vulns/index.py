"""Advisories prepared once for matching: each product-tree entry's vendor keys, parsed
name and version range, indexed so that an asset is held only against the entries it can
meet: by (vendor, the first and the last word of the entry's name: both must be among the
asset's words for any name match), by order number, and per vendor the
few entries with wildcards or no name (always tried)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from plantwarden.vulns.csaf import Advisory, Entry
from plantwarden.vulns.names import ProductName, order_key, product_name, vendor_keys
from plantwarden.vulns.ranges import AllVersions, Spec, inclusive_from_name, parse_range


@dataclass(frozen=True, slots=True)
class Prepared:
    advisory: Advisory
    entry: Entry
    name: ProductName
    family: str | None
    spec: Spec | None  # None: the entry is a version of a component (a relationship's part)
    models: tuple[str, ...]
    component: bool = False  # a firmware version met only through its relationships


@dataclass
class AdvisoryIndex:
    by_words: dict[tuple[str, str, str], list[Prepared]] = field(default_factory=lambda: defaultdict(list))
    by_model: dict[tuple[str, str], list[Prepared]] = field(default_factory=lambda: defaultdict(list))
    always: dict[str, list[Prepared]] = field(default_factory=lambda: defaultdict(list))
    advisories: dict[str, Advisory] = field(default_factory=dict)

    def add(self, adv: Advisory) -> None:
        self.advisories[adv.id] = adv
        components = {r.component for r in adv.relationships}
        for e in adv.entries:
            p = prepare(adv, e, e.product_id in components)
            words = p.name.name.split()
            for key in vendor_keys(e.vendor):
                for m in p.models:
                    self.by_model[(key, m)].append(p)
                if p.name.pattern is not None or not words:
                    self.always[key].append(p)
                else:
                    self.by_words[(key, words[0], words[-1])].append(p)

    def candidates(self, vendor: str, words: set[str], models: set[str]) -> list[Prepared]:
        """The entries of ``vendor`` an asset with these name words and order numbers can meet."""
        found = list(self.always.get(vendor, ()))
        for first in words:
            for last in words:
                found.extend(self.by_words.get((vendor, first, last), ()))
        for m in models:
            found.extend(self.by_model.get((vendor, m), ()))
        return list({id(p): p for p in found}.values())


def prepare(adv: Advisory, e: Entry, component: bool = False) -> Prepared:
    name = product_name(e.name, e.vendor)
    spec: Spec | None
    if e.version_text is None:
        spec = AllVersions("(no version given)")
    else:
        spec = inclusive_from_name(parse_range(e.version_text, single=not e.version_is_range), e.full_name)
    models = tuple(dict.fromkeys([*name.models, *(order_key(m) for m in e.model_numbers)]))
    family = product_name(e.family, e.vendor).name if e.family else None
    return Prepared(adv, e, name, family, spec, models, component)


def build_index(advisories: list[Advisory]) -> AdvisoryIndex:
    idx = AdvisoryIndex()
    for a in advisories:
        idx.add(a)
    return idx
