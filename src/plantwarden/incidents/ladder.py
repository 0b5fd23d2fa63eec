"""The containment ladder, least to most disruptive, each rung priced by the continuity engine:

1. ``contain.block-source``: block the source at the enforcing device of the conduit between
   its zone and the target's (or, where no conduit allows that pair, at the source zone's
   boundary device). Priced as if the source were lost to the other side (an upper bound).
2. ``contain.tighten-conduit``: let the conduit carry only the flows the stored baseline knows;
   the allowed entries the baseline never saw stop, nothing the model depends on (cost 0).
3. ``contain.isolate-source``: disconnect the source host: what-if of the source failing.
   (``contain.separate-it-ot``, only when the source sits at the enterprise level: cut every
   conduit between the enterprise zones and the plant at their enforcing devices; what-if of
   every enterprise asset failing, with the buffers the plant has for them.)
4. ``contain.isolate-target``: disconnect the target: what-if of the target failing; a
   redundant partner carries the load where a group has one to spare.

A safety system is never blocked or isolated: such a rung is withheld with its reason and
cannot be chosen, not even with an override. An option that cuts a host off a safety system
it talks to (``cuts-safety``), or stops a running line (``stops-line``), is marked
(:mod:`plantwarden.incidents.decide` says who may choose it).
"""

from __future__ import annotations

from datetime import timedelta

from plantwarden.continuity.impact import impact
from plantwarden.incidents.context import Context
from plantwarden.incidents.options import CUTS_SAFETY, STOPS_LINE, Mark, Option, Stop
from plantwarden.site.windows import expand_windows

STEP = "containment"
NEVER = "never isolate or query a safety system: {name} is {role}"


def ladder(ctx: Context) -> tuple[list[Option], list[tuple[str, str]]]:
    """The rungs offered, and the ones withheld with why."""
    offered: list[Option] = []
    withheld: list[tuple[str, str]] = []
    for build in (block_source, tighten_conduit, isolate_source, separate_it_ot, isolate_target):
        option, why = build(ctx)
        if option is not None:
            offered.append(option)
        if why and build is not separate_it_ot:
            withheld.append((f"{STEP}.{build.__name__.replace('_', '-')}", why))
    return offered, withheld


def _never(ctx: Context, name: str | None) -> str:
    if name is not None and name in ctx.safety:
        return NEVER.format(name=name, role=ctx.safety[name].role.value)
    return ""


def in_window(ctx: Context, line: str) -> str | None:
    """The maintenance window the line is in now, if any (then it is not running)."""
    tz = ctx.model.tz
    now = ctx.now.astimezone(tz)
    for iv in expand_windows(
        ctx.model.maintenance_windows, tz, now - timedelta(days=8), now + timedelta(minutes=1)
    ):
        if iv.start <= now < iv.end and line in iv.lines:
            return iv.window
    return None


def priced(ctx: Context, name: str | None) -> tuple[tuple[Stop, ...], tuple[str, ...], set[str]]:
    """Lines stopped if ``name`` fails, the partners that carry a group, and every node down."""
    if name is None or name not in ctx.graph.kinds:
        return (), (), set()
    stops, _, down = priced_many(ctx, [name])
    partners = []
    for group in ctx.model.redundancy_groups:
        if name in group.members and group.name not in down:
            partners += [f"{m} carries {group.name}" for m in group.members if m != name]
    return tuple(stops), tuple(partners), down


def marks(ctx: Context, name: str | None, stops: tuple[Stop, ...], down: set[str]) -> tuple[Mark, ...]:
    found = [
        Mark(CUTS_SAFETY, f"cuts {name} off safety system {s} ({how})") for s, how in ctx.safety_peers(name)
    ]
    found += [
        Mark(CUTS_SAFETY, f"safety system {s} goes down with it") for s in sorted(down & set(ctx.safety))
    ]
    running = [s for s in stops if s.running]
    if running:
        names = ", ".join(f"{s.line} (owner {'/'.join(s.owners) or 'none'})" for s in running)
        found.append(Mark(STOPS_LINE, f"stops running line(s) {names}"))
    return tuple(found)


def _approvers(ctx: Context, asset: str | None, stops: tuple[Stop, ...]) -> tuple[str, ...]:
    own = (
        ctx.accountable("asset", asset) if ctx.asset(asset) is not None and asset else ctx.site_accountable()
    )
    return tuple(dict.fromkeys([*own, *(o for s in stops for o in s.owners)]))


def block_source(ctx: Context) -> tuple[Option | None, str]:
    src, dst = ctx.source, ctx.target
    if src is None or dst is None:
        return None, "block-source needs a known source and target"
    if never := _never(ctx, src):
        return None, never
    zs, zd = ctx.zone_of(src), ctx.zone_of(dst)
    if zs is None or zd is None or zs == zd:
        where = f"both in zone {zs.name}" if zs is not None and zs == zd else "a zone is unknown"
        return None, f"no conduit between {src} and {dst} ({where}): isolate the source instead"
    conduit = ctx.conduit_between(zs, zd)
    if conduit is not None and conduit.enforced_by:
        device, how = conduit.enforced_by, f"on conduit {conduit.name}"
    else:
        edge = ctx.boundary(zs)
        if not edge:
            return None, f"no enforcing device at the boundary of zone {zs.name}"
        device = edge[0].enforced_by or ""
        how = f"at the boundary of zone {zs.name} (no conduit allows {zs.name} -> {zd.name})"
    stops, partners, down = priced(ctx, src)
    peers = [(s, h) for s, h in ctx.safety_peers(src) if ctx.zone_of(s) != zs]
    found = [Mark(CUTS_SAFETY, f"cuts {src} off safety system {s} ({h})") for s, h in peers]
    found += [m for m in marks(ctx, src, stops, down) if m.mark == STOPS_LINE]
    text = f"block {src} -> {zd.name} {how} at {device}; priced as if {src} were lost beyond {device}"
    text += " (an upper bound)"
    return Option(
        f"{STEP}.block-source",
        STEP,
        f"Block {src} at {device}",
        text,
        src,
        device,
        stops,
        partners,
        _approvers(ctx, device, stops),
        tuple(found),
    ), ""


def tighten_conduit(ctx: Context) -> tuple[Option | None, str]:
    zs, zd = ctx.zone_of(ctx.source), ctx.zone_of(ctx.target)
    if zs is None or zd is None or zs == zd:
        return None, "tighten-conduit: source and target are not in two known zones"
    conduit = ctx.conduit_between(zs, zd)
    if conduit is None or not conduit.enforced_by:
        return (
            None,
            f"tighten-conduit: no conduit allows {zs.name} -> {zd.name}; "
            "the flow should not pass at all (block it)",
        )
    if ctx.baseline is None:
        return (
            None,
            f"tighten-conduit {conduit.name}: no stored baseline to tighten to (plantwarden baseline learn)",
        )
    a_ips = {str(i) for x in ctx.model.assets if x.zone == zs.name for i in x.ips}
    b_ips = {str(i) for x in ctx.model.assets if x.zone == zd.name for i in x.ips}
    kept = [c for c in ctx.baseline.conversations if c.client in a_ips and c.server in b_ips]
    ports = {c.port for c in kept}
    dropped = [
        f"{e.protocol}/{e.port}" if e.port else e.protocol for e in conduit.allow if e.port not in ports
    ]
    own = [c for c in kept if c.client in ctx.ips(ctx.source) and c.server in ctx.ips(ctx.target)]
    text = (
        f"let {conduit.enforced_by} pass only the {len(kept)} flows of the baseline on {conduit.name}; "
        f"stops: {', '.join(dropped) or 'nothing else'} (never seen in the baseline)"
    )
    if own:
        text += f"; {ctx.source} -> {ctx.target} is itself in the baseline: this does not stop it"
    return Option(
        f"{STEP}.tighten-conduit",
        STEP,
        f"Tighten {conduit.name} to the baseline",
        text,
        None,
        conduit.enforced_by,
        (),
        (),
        _approvers(ctx, conduit.enforced_by, ()),
    ), ""


def isolate_source(ctx: Context) -> tuple[Option | None, str]:
    return _isolate(ctx, ctx.source, "isolate-source", "source")


def isolate_target(ctx: Context) -> tuple[Option | None, str]:
    return _isolate(ctx, ctx.target, "isolate-target", "target")


def _isolate(ctx: Context, name: str | None, rung: str, who: str) -> tuple[Option | None, str]:
    if name is None:
        return None, f"{rung}: the {who} is not known"
    if never := _never(ctx, name):
        return None, never
    stops, partners, down = priced(ctx, name)
    if ctx.asset(name) is None:
        text = f"{name} is not in the site model: disconnect its switch port (nothing modelled depends on it)"
    else:
        text = f"disconnect {name} from the network (switch port or VLAN)"
    return Option(
        f"{STEP}.{rung}",
        STEP,
        f"Isolate the {who} {name}",
        text,
        name,
        None,
        stops,
        partners,
        _approvers(ctx, name, stops),
        marks(ctx, name, stops, down),
    ), ""


ENTERPRISE = frozenset({"enterprise", 4, 5})


def separate_it_ot(ctx: Context) -> tuple[Option | None, str]:
    zone = ctx.zone_of(ctx.source)
    if zone is None or zone.level not in ENTERPRISE:
        return None, ""
    it_zones = {z.name for z in ctx.model.zones if z.level in ENTERPRISE}
    cut = [
        c
        for c in ctx.model.conduits
        if (c.from_zone in it_zones) != (c.to_zone in it_zones) and c.enforced_by
    ]
    if not cut:
        return None, ""
    it_assets = [a.name for a in ctx.model.assets if a.zone in it_zones]
    stops, partners, down = priced_many(ctx, it_assets)
    devices = sorted({c.enforced_by for c in cut if c.enforced_by})
    text = (
        f"cut {', '.join(c.name for c in cut)} at {', '.join(devices)}: the plant runs without "
        f"{', '.join(it_assets)} (their buffers: cached logons, orders)"
    )
    found = marks(ctx, None, stops, down)
    return Option(
        f"{STEP}.separate-it-ot",
        STEP,
        "Separate IT from OT",
        text,
        None,
        ", ".join(devices),
        stops,
        partners,
        _approvers(ctx, devices[0], stops),
        found,
    ), ""


def priced_many(ctx: Context, names: list[str]) -> tuple[tuple[Stop, ...], tuple[str, ...], set[str]]:
    """Lines stopped if all of ``names`` fail together (the names the model knows), and every node down."""
    known = [n for n in names if n in ctx.graph.kinds]
    if not known:
        return (), (), set()
    result = impact(ctx.graph, known)
    stops = []
    for s in result.stops:
        window = in_window(ctx, s.line)
        owners = ctx.accountable("line", s.line)
        stops.append(Stop(s.line, s.after_minutes, s.cost_per_hour, window is None, owners, window))
    return tuple(stops), (), set(result.down)
