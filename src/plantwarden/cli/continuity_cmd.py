"""Continuity commands: impact, spof, dependencies, segmentation, raci, lifecycle (docs/continuity.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from plantwarden.cli.console import out
from plantwarden.cli.options import DbOption, JsonOption, SiteOption
from plantwarden.errors import InputError

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
) -> None:
    """What-if: which lines stop when these fail, after how long, and what it costs."""
    from plantwarden.continuity import text
    from plantwarden.continuity.graph import build_graph
    from plantwarden.continuity.impact import impact as what_if
    from plantwarden.continuity.source import parse_duration, require_site

    minutes = parse_duration(outage) if outage is not None else None
    model = require_site(site, db)
    names = [n for item in [*fail, *(more or [])] for n in item.split(",") if n]
    result = what_if(build_graph(model), names, minutes)
    if as_json:
        _emit("continuity.impact", model, result.as_dict())
        return
    for line in text.impact_lines(result, model.site.currency):
        out.print(line, markup=False)


def spof_cmd(
    pairs: Annotated[
        bool, typer.Option("--pairs", help="Also pairs that stop what neither stops alone.")
    ] = False,
    as_json: JsonOption = False,
    site: SiteOption = None,
    db: DbOption = None,
) -> None:
    """Single points of failure, ranked by the production each alone can stop."""
    from plantwarden.continuity import spof, text
    from plantwarden.continuity.graph import build_graph
    from plantwarden.continuity.source import require_site

    model = require_site(site, db)
    graph = build_graph(model)
    singles = spof.singles(graph)
    found = spof.pairs(graph, singles) if pairs else []
    if as_json:
        body: dict[str, Any] = {"singles": [s.as_dict() for s in singles]}
        _emit("continuity.spof", model, {**body, "pairs": [p.as_dict() for p in found] if pairs else None})
        return
    stopping = [s for s in singles if s.lines]
    out.print(text.spof_table(stopping, model.site.currency))
    out.print(f"{len(singles) - len(stopping)} other asset(s)/service(s) stop no line on their own.")
    if pairs:
        out.print(text.pair_table(found, model.site.currency))


def dependencies(
    captures: CapturesArg, as_json: JsonOption = False, site: SiteOption = None, db: DbOption = None
) -> None:
    """Observed traffic vs declared dependencies: missing ones, and declared ones never seen."""
    from plantwarden.continuity import text
    from plantwarden.continuity.graph import build_graph
    from plantwarden.continuity.observed import observed_report
    from plantwarden.continuity.source import analyse_paths, require_site

    model = require_site(site, db)
    report = observed_report(model, build_graph(model), analyse_paths(captures)).as_dict()
    if as_json:
        _emit("continuity.dependencies", model, report)
        return
    missing = [
        {**m, "evidence": [e["proto"] or f"{e['transport']}/{e['port']}" for e in m["evidence"]]}
        for m in report["missing_dependencies"]
    ]
    out.print(
        text.dict_table(
            "Observed, not declared (suggested dependencies)", missing, ["dependent", "requires", "evidence"]
        )
    )
    out.print(
        text.dict_table(
            "Declared, not observed in the analysed captures",
            report["declared_not_observed"],
            ["dependent", "requires", "via"],
        )
    )
    out.print(
        f"{len(report['confirmed'])} declared dependencies confirmed by traffic; "
        f"{len(report['not_covered'])} not covered by the captures."
    )


def segmentation(
    captures: CapturesArg, as_json: JsonOption = False, site: SiteOption = None, db: DbOption = None
) -> None:
    """Observed traffic against zones and conduits: violations, flat networks, exposure paths."""
    from plantwarden.continuity import text
    from plantwarden.continuity.segmentation import audit
    from plantwarden.continuity.source import analyse_paths, optional_site

    model = optional_site(site, db)
    body = audit(model, analyse_paths(captures))
    if as_json:
        _emit("continuity.segmentation", model, body)
        return
    if model is None:
        out.print("No site model: zones suggested from the traffic.")
        out.print(
            text.dict_table(
                "Suggested zones", body["suggested_zones"], ["name", "level", "cidrs", "description"]
            )
        )
    violations = [
        {**v, "client": v["evidence"]["client"], "server": v["evidence"]["server"]}
        for v in body["violations"]
    ]
    out.print(
        text.dict_table(
            f"Violations ({len(violations)})",
            violations,
            ["client", "client_zone", "server", "server_zone", "service", "reason"],
        )
    )
    out.print(text.dict_table("Flat networks", body["flat_networks"], ["subnet", "zones"]))
    paths = [
        {**p, "hops": " -> ".join(f"{h['address']} ({h['zone']})" for h in p["hops"])}
        for p in body["exposure_paths"]
    ]
    out.print(text.dict_table("Exposure paths into control and safety", paths, ["kind", "hops", "services"]))
    cells = [{"from": a, "to": b, "services": c} for a, row in body["matrix"].items() for b, c in row.items()]
    out.print(text.dict_table("Zone x zone (packets per service)", cells, ["from", "to", "services"]))


def raci_cmd(
    as_json: JsonOption = False,
    as_csv: Annotated[
        bool, typer.Option("--csv", help="Write the whole RACI matrix as CSV to stdout.")
    ] = False,
    site: SiteOption = None,
    db: DbOption = None,
) -> None:
    """RACI gray areas (no Responsible, no Accountable, several Accountable) and the matrix."""
    from plantwarden.continuity import raci, text
    from plantwarden.continuity.graph import build_graph
    from plantwarden.continuity.source import require_site

    if as_json and as_csv:
        raise InputError("give --json or --csv, not both")
    model = require_site(site, db)
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
    table = [{**r.as_dict(), "activity": r.activity or "-"} for r in gray]
    out.print(
        text.dict_table(
            f"RACI gray areas ({len(gray)} of {len(rows)})",
            table,
            ["kind", "subject", "activity", "responsible", "accountable", "gray"],
        )
    )


def lifecycle_cmd(
    at: Annotated[
        str | None, typer.Option("--at", help="Date to judge at, YYYY-MM-DD (default today).")
    ] = None,
    as_json: JsonOption = False,
    site: SiteOption = None,
    db: DbOption = None,
) -> None:
    """End of support: legacy share per zone and line, and IT/OT lifecycle alignment."""
    from plantwarden.continuity import lifecycle, text
    from plantwarden.continuity.graph import build_graph
    from plantwarden.continuity.source import require_site

    when = _date(at)
    model = require_site(site, db)
    body = lifecycle.report(model, build_graph(model), when)
    if as_json:
        _emit("continuity.lifecycle", model, body)
        return
    for title, part in (("zone", body["zones"]), ("line", body["lines"])):
        rows = [
            {title: k, "assets": v["assets"], "legacy": v["legacy"], "share": f"{v['legacy_share']:.0%}"}
            for k, v in part.items()
        ]
        out.print(
            text.dict_table(f"Legacy share per {title} at {when}", rows, [title, "assets", "share", "legacy"])
        )
    out.print(
        text.dict_table(
            "IT components ending support before the OT systems that need them",
            body["alignment"],
            ["ot", "ot_end", "it", "it_end", "kind"],
        )
    )


def _date(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--at {value!r} is not a date (expected YYYY-MM-DD)") from None
