"""``incident show`` (the incident and its playbook) and ``incident decide``."""

from __future__ import annotations

from typing import Annotated

import typer

from plantwarden.cli.console import out
from plantwarden.cli.options import DbOption, JsonOption, SiteNameOption

Ref = Annotated[str, typer.Argument(help="Incident id: INC-7 or 7 (see plantwarden incident list).")]


def register(app: typer.Typer) -> None:
    app.command("show")(show)
    app.command("decide")(decide)


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

    url, site_id, model = scoped(db, site_name)
    incident = record(url, site_id, ref, option, by, why, model, override)
    d = incident.decisions[-1]
    out.print(
        f"{incident.label} ({incident.state}): {d.option} decided by {d.by}, predicted "
        f"{d.predicted_cost_per_hour:,.0f} {d.currency}/h" + (" (override recorded)" if d.override else ""),
        markup=False,
    )
