"""``incident show`` (the incident and its playbook); more sub-commands are added here."""

from __future__ import annotations

from typing import Annotated

import typer

from plantwarden.cli.console import out
from plantwarden.cli.options import DbOption, JsonOption, SiteNameOption

Ref = Annotated[str, typer.Argument(help="Incident id: INC-7 or 7 (see plantwarden incident list).")]


def register(app: typer.Typer) -> None:
    app.command("show")(show)


def show(
    ref: Ref, json_out: JsonOption = False, db: DbOption = None, site_name: SiteNameOption = None
) -> None:
    """The incident: timeline, evidence, decisions, and its playbook."""
    from plantwarden.cli.incident_cmd import _json, scoped, timeline_lines
    from plantwarden.incidents.service import get_incident

    url, site_id, model = scoped(db, site_name)
    incident = get_incident(url, site_id, ref)
    if json_out:
        _json("incident", incident.as_dict())
        return
    for line in timeline_lines(incident, model):
        out.print(line, markup=False, highlight=False)
