"""What the site model says about one asset's item: the lines it stops, its vendor's qualification."""

from __future__ import annotations

from datetime import date

from plantwarden.continuity.graph import DependencyGraph
from plantwarden.site.model import Asset, SiteModel
from plantwarden.site.model_remediation import Qualification
from plantwarden.vulns.names import vendor_key


def lines_stopped(graph: DependencyGraph, asset: str) -> tuple[tuple[str, ...], float]:
    """The lines that stop when ``asset`` is down (at once or after a buffer), and their money per hour."""
    from plantwarden.vulns.risk import stops_of

    stops = stops_of(graph, asset)
    return tuple(sorted(n for n, _, _ in stops.lines)), stops.per_hour


def qualification_of(model: SiteModel, asset: Asset) -> tuple[Qualification, date | None, bool]:
    """(state, first day allowed, patchable within any horizon) for the asset's vendor.

    ``held`` or ``not_yet`` with an ``until`` date waits for that day; without one the version
    may not be installed at all (a compensating control holds instead)."""
    if not asset.vendor:
        return Qualification.NOT_APPLICABLE, None, True
    key = vendor_key(asset.vendor)
    found = next((q for q in model.remediation.qualification if vendor_key(q.vendor) == key), None)
    if found is None or found.state in (Qualification.QUALIFIED, Qualification.NOT_APPLICABLE):
        return (found.state if found else Qualification.NOT_APPLICABLE), None, True
    return found.state, found.until, found.until is not None
