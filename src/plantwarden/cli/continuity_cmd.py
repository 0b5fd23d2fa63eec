"""Continuity commands: impact, spof, dependencies, segmentation, raci, lifecycle (docs/continuity.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from plantwarden.cli.console import out
from plantwarden.cli.listing import Cell, CsvOption, Time, WideOption, emit
from plantwarden.cli.options import DbOption, JsonOption, SiteNameOption, SiteOption
from plantwarden.errors import InputError, UsageError

if TYPE_CHECKING:
    from plantwarden.site.model import SiteModel

# The continuity engine (NetworkX, the site model) is imported by the commands that use it,
# so that other commands start without it.

CapturesArg = Annotated[list[Path], typer.Argument(help="Capture files (pcap/pcapng, may be gzipped).")]


def register(app: typer.Typer) -> None:
    for name, command in (
        ("impact", impact),
        ("spof", spof_cmd),
        ("dependencies", dependencies),
        ("segmentation", segmentation),
        ("raci", raci_cmd),
        ("lifecycle", lifecycle_cmd),
    ):
        app.command(name)(command)


def _emit(kind: str, model: SiteModel | None, body: dict[str, Any]) -> None:
    from plantwarden import jsonout

    head = {"site": model.site.name, "currency": model.site.currency} if model is not None else {}
    jsonout.write(jsonout.document(kind, 1, {**head, **body}), "-")


def impact(
    fail: Annotated[
        list[str],
        typer.Option("--fail", help="Asset, service, line or group that fails; more names may follow."),
    ],
    more: Annotated[
        list[str] | None, typer.Argument(help="More names failing at the same time.", show_default=False)
    ] = None,
    outage: Annotated[str | None, typer.Option("--for", help="Outage duration, e.g. 4h, 90m, 1h30m.")] = None,
    as_json: JsonOption = False,
    site: SiteOption = None,
    db: DbOption = None,
    site_name: SiteNameOption = None,
) -> None:
    """What-if: which lines stop when these fail, after how long, and what it costs."""
    from plantwarden.continuity import text
    from plantwarden.continuity.graph import build_graph
    from plantwarden.continuity.impact import impact as what_if
    from plantwarden.continuity.source import parse_duration, require_site

    minutes = parse_duration(outage) if outage is not None else None
    model = require_site(site, db, site_name)
    names = [n for item in [*fail, *(more or [])] for n in item.split(",") if n]
    result = what_if(build_graph(model), names, minutes)
    if as_json:
        _emit("continuity.impact", model, result.as_dict())
        return
    for line in text.impact_lines(result, model.site.currency):
        out.print(line, markup=False)


def _title(text: str, as_csv: bool) -> None:
    if not as_csv:
        out.print(f"[bold]{text}[/]")


def _join(items: list[str], most: int = 6) -> str:
    """Names separated by commas, the first ``most`` then how many more."""
    shown = ", ".join(items[:most])
    return shown + (f" and {len(items) - most} more" if len(items) > most else "")


def spof_cmd(
    pairs: Annotated[
        bool, typer.Option("--pairs", help="Also pairs that stop what neither stops alone.")
    ] = False,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    wide: WideOption = False,
    site: SiteOption = None,
    db: DbOption = None,
    site_name: SiteNameOption = None,
) -> None:
    """Single points of failure, ranked by the production each alone can stop."""
    from plantwarden.continuity import spof
    from plantwarden.continuity.graph import build_graph
    from plantwarden.continuity.source import require_site
    from plantwarden.continuity.text import minutes, money

    _exclusive(as_json, as_csv)
    model = require_site(site, db, site_name)
    graph = build_graph(model)
    singles = spof.singles(graph)
    found = spof.pairs(graph, singles) if pairs else []
    if as_json:
        body: dict[str, Any] = {"singles": [s.as_dict() for s in singles]}
        _emit("continuity.spof", model, {**body, "pairs": [p.as_dict() for p in found] if pairs else None})
        return
    cur = model.site.currency
    stopping = [s for s in singles if s.lines]

    def stops(lines: dict[str, float]) -> str:
        return ", ".join(f"{line} ({minutes(t)})" for line, t in lines.items())

    rows: list[list[Cell]] = [
        [i, s.name, s.kind, money(s.cost_per_hour, cur), stops(s.lines)] for i, s in enumerate(stopping, 1)
    ]
    head = ["#", "name", "kind", "cost/h", "lines stopped (after)"]
    if as_csv:
        rows += [
            ["pair", f"{p.first} + {p.second}", "pair", money(p.cost_per_hour, cur), stops(p.lines)]
            for p in found
        ]
        emit(head, rows, as_csv=True)
        return
    _title("Single points of failure", as_csv)
    emit(head, rows, wide=wide)
    out.print(f"{len(singles) - len(stopping)} other asset(s)/service(s) stop no line on their own.")
    if pairs:
        _title("Pairs that stop what neither stops alone", as_csv)
        emit(
            ["pair", "cost/h", "lines stopped (after)"],
            [[f"{p.first} + {p.second}", money(p.cost_per_hour, cur), stops(p.lines)] for p in found],
            wide=wide,
        )


def _exclusive(as_json: bool, as_csv: bool) -> None:
    if as_json and as_csv:
        raise UsageError("give --json or --csv, not both")


def dependencies(
    captures: CapturesArg,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    wide: WideOption = False,
    site: SiteOption = None,
    db: DbOption = None,
    site_name: SiteNameOption = None,
) -> None:
    """Observed traffic vs declared dependencies: missing ones, and declared ones never seen."""
    from plantwarden.continuity.graph import build_graph
    from plantwarden.continuity.observed import observed_report
    from plantwarden.continuity.source import analyse_paths, require_site

    _exclusive(as_json, as_csv)
    model = require_site(site, db, site_name)
    report = observed_report(model, build_graph(model), analyse_paths(captures)).as_dict()
    if as_json:
        _emit("continuity.dependencies", model, report)
        return
    missing: list[list[Cell]] = [
        [
            "observed, not declared",
            m["dependent"],
            m["requires"],
            ", ".join(e["proto"] or f"{e['transport']}/{e['port']}" for e in m["evidence"]),
        ]
        for m in report["missing_dependencies"]
    ]
    unseen: list[list[Cell]] = [
        ["declared, not observed", d["dependent"], d["requires"], _cell(d.get("via"))]
        for d in report["declared_not_observed"]
    ]
    if as_csv:
        emit(["status", "dependent", "requires", "evidence or via"], missing + unseen, as_csv=True)
        return
    _title("Observed, not declared (suggested dependencies)", as_csv)
    emit(["dependent", "requires", "evidence"], [r[1:] for r in missing], wide=wide)
    _title("Declared, not observed in the analysed captures", as_csv)
    emit(["dependent", "requires", "via"], [r[1:] for r in unseen], wide=wide)
    out.print(
        f"{len(report['confirmed'])} declared dependencies confirmed by traffic; "
        f"{len(report['not_covered'])} not covered by the captures."
    )


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, list | tuple):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_cell(v)}" for k, v in value.items())
    return str(value)


def segmentation(
    captures: CapturesArg,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    wide: WideOption = False,
    site: SiteOption = None,
    db: DbOption = None,
    site_name: SiteNameOption = None,
) -> None:
    """Observed traffic against zones and conduits: violations per client, zone pair and service
    (ports as ranges), flat networks, exposure paths. --csv: the violation groups."""
    from plantwarden.continuity.segmentation import audit
    from plantwarden.continuity.source import analyse_paths, optional_site

    _exclusive(as_json, as_csv)
    model = optional_site(site, db, site_name)
    body = audit(model, analyse_paths(captures))
    if as_json:
        _emit("continuity.segmentation", model, body)
        return
    tz = model.tz if model is not None else None

    def name(address: str) -> str:
        asset = model.asset_for_ip(address) if model is not None else None
        return address if asset is None else asset.name

    groups = body["violation_groups"]
    head = ["client", "from", "to", "service", "ports", "servers", "flows", "first", "last", "reason"]
    rows: list[list[Cell]] = [
        [
            name(g["client"]),
            g["client_zone"],
            g["server_zone"],
            g["service"],
            g["ports"] if as_csv else g["ports"].replace(",", ", "),
            (" ".join if as_csv else _join)([name(x) for x in g["servers"]]),
            g["flows"],
            Time(g["first_ts"], tz),
            Time(g["last_ts"], tz),
            "; ".join(g["reasons"]),
        ]
        for g in groups
    ]
    if as_csv:
        emit(head, rows, as_csv=True)
        return
    if model is None:
        out.print("No site model: zones suggested from the traffic.")
        _title("Suggested zones", as_csv)
        emit(
            ["name", "level", "cidrs", "description"],
            [
                [z["name"], z["level"], " ".join(z["cidrs"]), z["description"]]
                for z in body["suggested_zones"]
            ],
            wide=wide,
        )
    _title(
        f"Violations: {len(body['violations'])} flows in {len(groups)} groups "
        "(per client, zone pair and service)",
        as_csv,
    )
    emit(head, rows, wide=wide)
    _title("Flat networks", as_csv)
    emit(
        ["subnet", "zones"],
        [[f["subnet"], _cell({z: _join(h) for z, h in f["zones"].items()})] for f in body["flat_networks"]],
        wide=wide,
    )
    _title("Exposure paths into control and safety", as_csv)
    emit(["kind", "hops", "services"], _exposure_rows(body["exposure_paths"]), wide=wide)
    _title("Zone x zone (packets per service)", as_csv)
    emit(
        ["from", "to", "services"],
        [[a, b, _cell(c)] for a, row in body["matrix"].items() for b, c in row.items()],
        wide=wide,
    )


def _exposure_rows(paths: list[dict[str, Any]]) -> list[list[Cell]]:
    """One row per (kind, hops): its services, undecoded ports collapsed (``tcp 21-23, 80``)."""
    from plantwarden.continuity.segmentation import port_ranges

    merged: dict[tuple[str, str], set[str]] = {}
    for p in paths:
        hops = " -> ".join(f"{h['address']} ({h['zone']})" for h in p["hops"])
        listed = p["services"] if isinstance(p["services"], list) else [p["services"]]
        merged.setdefault((p["kind"], hops), set()).update(str(x) for x in listed)
    rows: list[list[Cell]] = []
    for (kind, hops), services in merged.items():
        named = sorted(x for x in services if "/" not in x)
        by_transport: dict[str, list[int]] = {}
        for x in services:
            transport, _, port = x.partition("/")
            if port.isdigit():
                by_transport.setdefault(transport, []).append(int(port))
        ported = [f"{t} {port_ranges(ports).replace(',', ', ')}" for t, ports in sorted(by_transport.items())]
        rows.append([kind, hops, ", ".join(named + ported)])
    return rows


def raci_cmd(
    as_json: JsonOption = False,
    as_csv: Annotated[
        bool, typer.Option("--csv", help="Write the whole RACI matrix as CSV to stdout.")
    ] = False,
    wide: WideOption = False,
    site: SiteOption = None,
    db: DbOption = None,
    site_name: SiteNameOption = None,
) -> None:
    """RACI gray areas (no Responsible, no Accountable, several Accountable) and the matrix."""
    from plantwarden.continuity import raci
    from plantwarden.continuity.graph import build_graph
    from plantwarden.continuity.source import require_site

    _exclusive(as_json, as_csv)
    model = require_site(site, db, site_name)
    rows = raci.matrix(model, build_graph(model))
    if as_csv:
        typer.echo(raci.to_csv(rows), nl=False)
        return
    gray = raci.gray_areas(rows)
    if as_json:
        _emit(
            "continuity.raci",
            model,
            {"matrix": [r.as_dict() for r in rows], "gray_areas": [r.as_dict() for r in gray]},
        )
        return
    columns = ["kind", "subject", "activity", "responsible", "accountable", "gray"]
    table = [{**r.as_dict(), "activity": r.activity or "-"} for r in gray]
    _title(f"RACI gray areas ({len(gray)} of {len(rows)})", as_csv)
    emit(columns, [[_cell(t.get(c)) for c in columns] for t in table], wide=wide)


def lifecycle_cmd(
    at: Annotated[
        str | None, typer.Option("--at", help="Date to judge at, YYYY-MM-DD (default today).")
    ] = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    wide: WideOption = False,
    site: SiteOption = None,
    db: DbOption = None,
    site_name: SiteNameOption = None,
) -> None:
    """End of support: legacy share per zone and line, and IT/OT lifecycle alignment.
    --csv: the legacy share of every zone and line."""
    from plantwarden.continuity import lifecycle
    from plantwarden.continuity.graph import build_graph
    from plantwarden.continuity.source import require_site

    _exclusive(as_json, as_csv)
    when = _date(at)
    model = require_site(site, db, site_name)
    body = lifecycle.report(model, build_graph(model), when)
    if as_json:
        _emit("continuity.lifecycle", model, body)
        return
    shares: list[list[Cell]] = [
        [scope, k, v["assets"], f"{v['legacy_share']:.0%}", _join(list(v["legacy"]), 1000) or "-"]
        for scope, part in (("zone", body["zones"]), ("line", body["lines"]))
        for k, v in part.items()
    ]
    if as_csv:
        emit(["scope", "name", "assets", "legacy share", "legacy"], shares, as_csv=True)
        return
    for scope in ("zone", "line"):
        _title(f"Legacy share per {scope} at {when}", as_csv)
        emit([scope, "assets", "share", "legacy"], [r[1:] for r in shares if r[0] == scope], wide=wide)
    _title("IT components ending support before the OT systems that need them", as_csv)
    columns = ["ot", "ot_end", "it", "it_end", "kind"]
    emit(columns, [[_cell(a.get(c)) for c in columns] for a in body["alignment"]], wide=wide)


def _date(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--at {value!r} is not a date (expected YYYY-MM-DD)") from None
