"""Advisories prepared once for matching: each product-tree entry's vendor keys, parsed
name and version range, indexed by vendor (so an asset is held only against its vendor's
entries)."""

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


@dataclass
class AdvisoryIndex:
    by_vendor: dict[str, list[Prepared]] = field(default_factory=lambda: defaultdict(list))
    advisories: dict[str, Advisory] = field(default_factory=dict)

    def add(self, adv: Advisory) -> None:
        self.advisories[adv.id] = adv
        for e in adv.entries:
            p = prepare(adv, e)
            for key in vendor_keys(e.vendor):
                self.by_vendor[key].append(p)


def prepare(adv: Advisory, e: Entry) -> Prepared:
    name = product_name(e.name, e.vendor)
    spec: Spec | None
    if e.version_text is None:
        spec = AllVersions("(no version given)")
    else:
        spec = inclusive_from_name(parse_range(e.version_text, single=not e.version_is_range), e.full_name)
    models = tuple(dict.fromkeys([*name.models, *(order_key(m) for m in e.model_numbers)]))
    family = product_name(e.family, e.vendor).name if e.family else None
    return Prepared(adv, e, name, family, spec, models)


def build_index(advisories: list[Advisory]) -> AdvisoryIndex:
    idx = AdvisoryIndex()
    for a in advisories:
        idx.add(a)
    return idx
