"""Tabletop exercises: the same playbook for a hypothetical incident on one asset.

Scenarios (after NIST SP 1800-41's manufacturing scenarios and the ransomware case every
plant rehearses), each naming a plausible source from the site model:

* ``unauthorized-command``: an engineering workstation that can reach the asset (its zone, or
  a conduit into it) sends commands nobody planned;
* ``hmi-compromise``: an HMI the asset's own line needs (else one of its zone) is taken over;
* ``ransomware-it``: an office workstation is encrypting; the response must keep it out of the
  plant (the IT/OT separation rung appears).

Nothing is stored unless asked (``incident exercise --store``: an incident opened by hand,
marked with its scenario).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from plantwarden.detect.baseline import Baseline
from plantwarden.errors import NotFoundError, UsageError
from plantwarden.incidents.context import Context
from plantwarden.incidents.ladder import ENTERPRISE
from plantwarden.incidents.playbook import Playbook, build
from plantwarden.incidents.safety import own_closure
from plantwarden.site.model import Asset, AssetRole, SiteModel


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    title: str
    rules: tuple[str, ...]


SCENARIOS = {
    s.name: s
    for s in (
        Scenario(
            "unauthorized-command",
            "unauthorized command message to {target} from {source}",
            ("write-from-new-host",),
        ),
        Scenario("hmi-compromise", "HMI {source} compromised, commanding {target}", ("new-conversation",)),
        Scenario(
            "ransomware-it",
            "ransomware on {source} in the office network, reaching for {target}",
            ("host-sweep", "outside-conduit"),
        ),
    )
}


def scenario(name: str) -> Scenario:
    found = SCENARIOS.get(name)
    if found is None:
        raise UsageError(f"unknown scenario {name!r} (expected one of {', '.join(SCENARIOS)})")
    return found


def _reaches(ctx: Context, a: Asset, target: Asset) -> bool:
    za, zt = ctx.model.zone(a.zone), ctx.model.zone(target.zone)
    return za is not None and zt is not None and (za == zt or ctx.conduit_between(za, zt) is not None)


def source_for(ctx: Context, name: str, target: Asset) -> str | None:
    """The scenario's plausible source in the site model (None when the model has none)."""
    assets = [a for a in ctx.model.assets if a.name != target.name]
    if name == "unauthorized-command":
        found = [
            a for a in assets if a.role == AssetRole.ENGINEERING_WORKSTATION and _reaches(ctx, a, target)
        ]
    elif name == "hmi-compromise":
        own = {x.name: own_closure(ctx, x.name) for x in ctx.model.lines}
        lines = {x for x, needs in own.items() if target.name in needs}
        hmis = [a for a in assets if a.role == AssetRole.HMI]
        same_line = [a for a in hmis if any(a.name in own[x] for x in lines)]
        found = same_line or [a for a in hmis if a.zone == target.zone] or hmis
    else:
        office = [a for a in assets if a.role == AssetRole.IT_WORKSTATION]
        zones = {z.name for z in ctx.model.zones if z.level in ENTERPRISE}
        found = [a for a in office if a.zone in zones] or office
    return found[0].name if found else None


def exercise(
    model: SiteModel,
    asset: str,
    name: str,
    now: datetime,
    baseline: Baseline | None = None,
    source: str | None = None,
) -> tuple[Playbook, str | None, str]:
    """The playbook of the hypothetical incident, its source and title."""
    sc = scenario(name)
    target = model.asset(asset)
    if target is None:
        raise NotFoundError(f"{asset!r} is not an asset of site {model.site.name!r}")
    if source is not None and model.asset(source) is None:
        raise NotFoundError(f"--from {source!r} is not an asset of site {model.site.name!r}")
    probe = Context(model, None, asset, now, now, baseline, sc.rules)
    src = source or source_for(probe, name, target)
    ctx = Context(model, src, asset, now, now, baseline, sc.rules)
    title = "Exercise: " + sc.title.format(target=asset, source=src or "an unknown host")
    assets = [asset, *([src] if src else [])]
    return build(ctx, name, title, assets, exercise=True), src, title
