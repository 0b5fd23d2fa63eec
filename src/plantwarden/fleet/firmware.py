"""Which sites run firmware X (optionally of vendor V, model M) on a line without redundancy.

Over the assets vulnerability matching runs over (``vulns.assets.site_assets``: observed
devices with their identity from the traffic, merged with what the site model declares, and
declared assets never seen), an asset answers when one of its firmware values matches
(:mod:`plantwarden.fleet.firmware_text`). It is a *hit* when its failure alone stops a line
(``continuity.spof.single``: not in a redundancy group that tolerates its loss); the others
are listed apart with why not (covered by a group, on no line, not in the site model).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from plantwarden.errors import UsageError
from plantwarden.fleet.common import Skipped, per_site
from plantwarden.fleet.firmware_text import firmware_matches, model_matches, vendor_matches
from plantwarden.store.sites import SiteRef

if TYPE_CHECKING:
    from plantwarden.continuity.graph import DependencyGraph
    from plantwarden.vulns.facts import AssetFacts

LONGEST = 200


@dataclass(frozen=True, slots=True)
class FirmwareQuery:
    firmware: str
    vendor: str | None = None
    model: str | None = None

    def checked(self) -> FirmwareQuery:
        """The query with its texts trimmed; a blank or overlong text is a usage error."""
        fields = {"firmware": self.firmware, "vendor": self.vendor, "model": self.model}
        for name, value in fields.items():
            if value is None:
                continue
            if not value.strip():
                raise UsageError(f"{name}: give a text (it is empty)")
            if len(value) > LONGEST:
                raise UsageError(f"{name}: at most {LONGEST} characters")
        return FirmwareQuery(
            self.firmware.strip(),
            self.vendor.strip() if self.vendor else None,
            self.model.strip() if self.model else None,
        )

    def as_dict(self) -> dict[str, str | None]:
        return {"firmware": self.firmware, "vendor": self.vendor, "model": self.model}


@dataclass
class FirmwareAsset:
    site: str
    asset: str
    declared: bool  # in the site model
    zone: str | None
    vendor: str
    model: str
    firmware: str  # the value that matched
    source: str  # where that value comes from: "declared (site model)" or "s7comm a.pcap#87"
    currency: str
    lines: dict[str, float] = field(default_factory=dict)  # line -> minutes, when it alone fails
    cost_per_hour: float = 0.0
    covered_by: list[str] = field(default_factory=list)  # redundancy groups that tolerate its loss
    why: str = ""

    @property
    def single(self) -> bool:
        return bool(self.lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "asset": self.asset,
            "declared": self.declared,
            "zone": self.zone,
            "vendor": self.vendor,
            "model": self.model,
            "firmware": self.firmware,
            "source": self.source,
            "single_point_of_failure": self.single,
            "lines": [{"line": k, "after_minutes": v} for k, v in self.lines.items()],
            "cost_per_hour": self.cost_per_hour,
            "currency": self.currency,
            "covered_by": self.covered_by,
            "why": self.why,
        }


@dataclass
class FirmwareAnswer:
    query: FirmwareQuery
    sites: list[str]  # the sites asked
    items: list[FirmwareAsset]  # single points of failure, costliest first
    others: list[FirmwareAsset]  # matching, but their loss alone stops no line
    skipped: list[Skipped]

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": self.query.as_dict(),
            "sites": self.sites,
            "items": [x.as_dict() for x in self.items],
            "others": [x.as_dict() for x in self.others],
            "skipped": [s.as_dict() for s in self.skipped],
        }


def _text(facts: AssetFacts, *names: str) -> list[str]:
    return [f.value for n in names for f in facts.values(n)]


def _where(hit: FirmwareAsset, graph: DependencyGraph | None) -> None:
    """Fill in what the asset's failure alone stops, else why it stops nothing."""
    from plantwarden.continuity.spof import single

    if graph is None or not hit.declared or hit.asset not in graph.kinds:
        hit.why = "not in the site model: its lines are unknown"
        return
    alone = single(graph, hit.asset)
    hit.lines, hit.cost_per_hour = alone.lines, alone.cost_per_hour
    if alone.lines:
        first = min(alone.lines, key=lambda n: alone.lines[n])
        hit.why = (
            f"its failure alone stops {', '.join(alone.lines)} (first {first} after "
            f"{alone.lines[first]:g} min; {alone.cost_per_hour:,.0f} {hit.currency}/h)"
        )
        return
    above = graph.reached_by(hit.asset)
    hit.covered_by = sorted(g for g in above if g in graph.groups)
    on_lines = sorted(n for n in above if n in graph.cost_per_hour)
    if not on_lines:
        hit.why = "on no production line"
    else:
        groups = ", ".join(f"{g} ({graph.groups[g].k} of {graph.groups[g].n} needed)" for g in hit.covered_by)
        hit.why = f"on {', '.join(on_lines)}, covered by {groups or 'redundancy'}"


def site_firmware(db_url: str, ref: SiteRef, query: FirmwareQuery) -> list[FirmwareAsset]:
    """The assets of one site whose firmware matches, each with what its loss alone stops."""
    from plantwarden.continuity.graph import build_graph
    from plantwarden.continuity.impact import check_acyclic
    from plantwarden.vulns.assets import site_assets
    from plantwarden.vulns.service import site_context

    _, name, model, report = site_context(db_url, ref.name)
    graph = build_graph(model) if model is not None else None
    if graph is not None:
        check_acyclic(graph)
    currency = str(model.site.currency) if model is not None else ""
    found = []
    for facts in site_assets(report, model):
        firmware = [f for f in facts.values("firmware") if firmware_matches(query.firmware, f.value)]
        if not firmware:
            continue
        if query.vendor and not vendor_matches(query.vendor, _text(facts, "vendor")):
            continue
        if query.model and not model_matches(query.model, _text(facts, "model", "order_number", "product")):
            continue
        hit = FirmwareAsset(
            name,
            facts.key,
            facts.declared is not None,
            facts.zone,
            ", ".join(_text(facts, "vendor")),
            ", ".join(dict.fromkeys(_text(facts, "model", "order_number"))),
            firmware[0].value,
            firmware[0].source,
            currency,
        )
        _where(hit, graph)
        found.append(hit)
    return found


def firmware_question(db_url: str, sites: list[SiteRef], query: FirmwareQuery) -> FirmwareAnswer:
    """Over ``sites`` only (the caller chooses which it may show)."""
    asked = query.checked()
    per, skipped = per_site(sites, lambda ref: site_firmware(db_url, ref, asked))
    hits = [h for found in per for h in found]
    items = sorted((h for h in hits if h.single), key=lambda h: (-h.cost_per_hour, h.site, h.asset))
    others = sorted((h for h in hits if not h.single), key=lambda h: (h.site, h.asset))
    return FirmwareAnswer(asked, [s.name for s in sites], items, others, skipped)
