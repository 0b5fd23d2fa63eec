"""``incident show`` (the incident and its playbook), ``incident decide`` and ``incident export``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from plantwarden.cli.console import out
from plantwarden.cli.options import DbOption, JsonOption, SiteNameOption
from plantwarden.cli.outfile import ForceOption, OutOption, guard

if TYPE_CHECKING:
    from plantwarden.incidents.playbook import Playbook
    from plantwarden.incidents.records import IncidentView
    from plantwarden.site.model import SiteModel

Ref = Annotated[str, typer.Argument(help="Incident id: INC-7 or 7 (see plantwarden incident list).")]


def register(app: typer.Typer) -> None:
    app.command("show")(show)
    app.command("decide")(decide)
    app.command("export")(export)


def _print(lines: list[str]) -> None:
    for line in lines:
        out.print(line, markup=False, highlight=False)


def show(
    ref: Ref, json_out: JsonOption = False, db: DbOption = None, site_name: SiteNameOption = None
) -> None:
    """The incident: timeline, evidence, decisions, and its playbook (from the current model)."""
    from plantwarden.cli.incident_cmd import _json, scoped, timeline_lines
    from plantwarden.incidents.generate import for_incident
    from plantwarden.incidents.service import get_incident
    from plantwarden.incidents.text import playbook_lines

    url, site_id, model = scoped(db, site_name)
    incident = get_incident(url, site_id, ref)
    pb = for_incident(url, site_id, incident, model) if model is not None else None
    if json_out:
        _json("incident", {**incident.as_dict(), "playbook": pb.as_dict() if pb else None})
        return
    _print(timeline_lines(incident, model))
    if incident.decisions:
        out.print("decisions:")
        _print(
            [
                f"  {d.option} by {d.by}: predicted {d.predicted_cost_per_hour:,.0f} {d.currency}/h"
                + (f"; OVERRIDE: {d.override}" if d.override else "")
                for d in incident.decisions
            ]
        )
    if pb is None:
        out.print("no site model: no playbook (plantwarden site load FILE)")
        return
    _print(playbook_lines(pb))


def decide(
    ref: Ref,
    option: Annotated[
        str, typer.Argument(help="Option id from the playbook, e.g. containment.isolate-source.")
    ],
    by: Annotated[
        str, typer.Option("--by", help="Who decides (a RACI role id, its team or one of its people).")
    ] = "",
    why: Annotated[str, typer.Option("--why", help="Why (kept in the timeline and the audit log).")] = "",
    override: Annotated[
        str | None, typer.Option("--override", help="Reason to choose a marked option anyway.")
    ] = None,
    db: DbOption = None,
    site_name: SiteNameOption = None,
) -> None:
    """Record a decision: the option, its predicted cost per hour, who and why."""
    from plantwarden.cli.incident_cmd import scoped
    from plantwarden.incidents.decide import decide as record
    from plantwarden.people.audit import VIA_CLI

    url, site_id, model = scoped(db, site_name)
    incident = record(url, site_id, ref, option, by, why, model, override, how=VIA_CLI)
    d = incident.decisions[-1]
    out.print(
        f"{incident.label} ({incident.state}): {d.option} decided by {d.by}, predicted "
        f"{d.predicted_cost_per_hour:,.0f} {d.currency}/h" + (" (override recorded)" if d.override else ""),
        markup=False,
    )


def export(
    ref: Ref,
    fmt: Annotated[
        str, typer.Option("--format", help="cacao (OASIS CACAO 2.0 JSON) or html (printable).")
    ] = "cacao",
    out_file: OutOption = None,
    force: ForceOption = False,
    db: DbOption = None,
    site_name: SiteNameOption = None,
) -> None:
    """The incident's playbook as CACAO 2.0 JSON or as a printable page for the control room."""
    from plantwarden.cli.incident_cmd import scoped

    write_export(fmt, out_file, force, lambda: _built(scoped(db, site_name), ref))


def _built(
    scope: tuple[str, int | None, SiteModel | None], ref: str
) -> tuple[Playbook, IncidentView | None, SiteModel]:
    from plantwarden.incidents.generate import for_incident
    from plantwarden.incidents.service import get_incident

    url, site_id, model = scope
    incident = get_incident(url, site_id, ref)
    pb = for_incident(url, site_id, incident, model)
    assert model is not None
    return pb, incident, model


def write_export(
    fmt: str,
    out_file: Path | None,
    force: bool,
    make: Callable[[], tuple[Playbook, IncidentView | None, SiteModel]],
) -> None:
    """Check the format and guard --out before any work, then write the page or the CACAO JSON."""
    from plantwarden.errors import UsageError

    if fmt not in ("cacao", "html"):
        raise UsageError(f"--format {fmt!r}: expected cacao or html")
    guard(out_file, force)
    pb, incident, model = make()
    if fmt == "html":
        from plantwarden.incidents.html import page

        text = page(pb, incident)
    else:
        from plantwarden import jsonout
        from plantwarden.incidents.cacao import export as cacao
        from plantwarden.store.types import utc_now

        created = incident.opened_at if incident is not None else utc_now()
        text = jsonout.dumps(cacao(pb, model, created, utc_now()))
    if out_file is None or str(out_file) == "-":
        typer.echo(text, nl=not text.endswith("\n"))
        return
    out_file.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    out.print(f"wrote {out_file} ({fmt})", markup=False)
