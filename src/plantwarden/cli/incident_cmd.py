"""``plantwarden incident open|show|note|decide|close|list|export|exercise`` (docs/incidents.md).

Incidents are numbered per site (``INC-1``); ``show`` prints the incident with its playbook,
built now from the stored site model and baseline."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from plantwarden.cli.console import out
from plantwarden.cli.listing import Cell, CsvOption, Styled, Time, WideOption, emit
from plantwarden.cli.options import DbOption, JsonOption, SiteNameOption
from plantwarden.settings import Settings

if TYPE_CHECKING:
    from plantwarden.incidents.records import IncidentView
    from plantwarden.site.model import SiteModel

app = typer.Typer(
    help="OT incident response: open from alerts, the playbook (safety gate, containment priced, "
    "recovery), decisions, evidence, export, tabletop exercises.",
    no_args_is_help=True,
)

Ref = Annotated[str, typer.Argument(help="Incident id: INC-7 or 7 (see plantwarden incident list).")]
By = Annotated[str, typer.Option("--by", help="Who acts (name, initials or RACI role id).")]
Why = Annotated[str, typer.Option("--why", help="Why (kept in the timeline and the audit log).")]
SEVERITY_STYLE = {"critical": "bold white on red", "high": "bold red", "medium": "yellow", "low": "cyan"}


def register(root: typer.Typer) -> None:
    from plantwarden.cli import incident_exercise, incident_more

    incident_more.register(app)
    incident_exercise.register(app)
    root.add_typer(app, name="incident")


def scoped(db: str | None, site_name: str | None) -> tuple[str, int | None, SiteModel | None]:
    from plantwarden.continuity.source import stored_model
    from plantwarden.store.choice import site_ref

    url = Settings.load(db).db_url
    ref = site_ref(db, site_name)
    return url, ref.id, stored_model(url, ref.id)


@app.command("open")
def open_cmd(
    alert: Annotated[
        list[str] | None, typer.Option("--alert", help="Alert id or unique prefix; repeat for more.")
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="Title (default: the worst alert's).")] = None,
    asset: Annotated[
        list[str] | None, typer.Option("--asset", help="Asset involved (by hand: the first is the target).")
    ] = None,
    source: Annotated[str | None, typer.Option("--from", help="By hand: the source host, if known.")] = None,
    severity: Annotated[str | None, typer.Option("--severity", help="low, medium, high, critical.")] = None,
    evidence_dir: Annotated[
        Path, typer.Option("--evidence-dir", help="Folder for the evidence pcap (made if missing).")
    ] = Path("plantwarden-evidence"),
    window: Annotated[
        float, typer.Option("--window", help="Seconds of traffic kept before and after the alerts.")
    ] = 30.0,
    by: By = "",
    why: Why = "",
    json_out: JsonOption = False,
    db: DbOption = None,
    site_name: SiteNameOption = None,
) -> None:
    """Open an incident from alerts (their frames preserved as evidence first) or by hand."""
    from plantwarden.incidents.service import OpenRequest, open_incident
    from plantwarden.people.audit import VIA_CLI

    url, site_id, model = scoped(db, site_name)
    req = OpenRequest(
        alerts=tuple(alert or ()),
        title=title,
        severity=severity,
        assets=tuple(asset or ()),
        source=source,
        by=by,
        why=why,
        evidence_dir=evidence_dir,
        window_s=window,
        how=VIA_CLI,
    )
    incident = open_incident(url, site_id, req, model)
    if json_out:
        _json("incident", incident.as_dict())
        return
    out.print(f"opened {incident.label}: {incident.title}", markup=False)
    for e in incident.entries:
        if e.kind == "evidence":
            out.print(f"  evidence: {e.text}", markup=False)
    out.print(f"next: plantwarden incident show {incident.label}  # the playbook", markup=False)


def _json(kind: str, body: dict[str, object]) -> None:
    from plantwarden import jsonout

    jsonout.write(jsonout.document(kind, 1, body), "-")


@app.command("note")
def note_cmd(
    ref: Ref,
    text: Annotated[str, typer.Argument(help="The note.")],
    by: By = "",
    db: DbOption = None,
    site_name: SiteNameOption = None,
) -> None:
    """Add a note to the incident's timeline."""
    from plantwarden.incidents.service import note
    from plantwarden.people.audit import VIA_CLI

    url, site_id, _ = scoped(db, site_name)
    incident = note(url, site_id, ref, text, by, VIA_CLI)
    out.print(f"{incident.label}: note added ({len(incident.entries)} timeline entries)", markup=False)


@app.command("close")
def close_cmd(
    ref: Ref, by: By = "", why: Why = "", db: DbOption = None, site_name: SiteNameOption = None
) -> None:
    """Close the incident; --why holds the lessons learned."""
    from plantwarden.incidents.service import close
    from plantwarden.people.audit import VIA_CLI

    url, site_id, _ = scoped(db, site_name)
    incident = close(url, site_id, ref, by, why, VIA_CLI)
    out.print(f"{incident.label} closed", markup=False)


@app.command("list")
def list_cmd(
    state: Annotated[str | None, typer.Option("--state", help="open, contained, ... (several: a,b).")] = None,
    json_out: JsonOption = False,
    as_csv: CsvOption = False,
    wide: WideOption = False,
    db: DbOption = None,
    site_name: SiteNameOption = None,
) -> None:
    """The site's incidents, newest first."""
    from plantwarden.errors import UsageError
    from plantwarden.incidents.service import list_incidents
    from plantwarden.incidents.states import STATES

    states = frozenset(s.strip() for s in (state or "").split(",") if s.strip())
    unknown = sorted(states - set(STATES))
    if unknown:
        raise UsageError(f"unknown state {unknown[0]!r} (expected one of {', '.join(STATES)})")
    url, site_id, model = scoped(db, site_name)
    items = list_incidents(url, site_id, states)
    if json_out:
        _json("incidents", {"incidents": [i.as_dict() for i in items]})
        return
    if not items and not as_csv:
        out.print("no incidents")
        return
    tz = model.tz if model is not None else None
    rows: list[list[Cell]] = [
        [
            i.label, Styled(i.severity, SEVERITY_STYLE.get(i.severity, "")), i.state, i.title,
            i.target or "", ", ".join(i.document.get("lines", [])), Time(i.opened_at.timestamp(), tz),
        ]
        for i in items
    ]  # fmt: skip
    emit(["id", "severity", "state", "title", "target", "lines", "opened"], rows, as_csv=as_csv, wide=wide)


def timeline_lines(incident: IncidentView, model: SiteModel | None) -> list[str]:
    tz = model.tz if model is not None else None
    lines = [
        f"{incident.label} [{incident.severity}, {incident.state}] {incident.title}",
        f"  source {incident.source or '-'} -> target {incident.target or '-'}; "
        f"lines {', '.join(incident.document.get('lines', [])) or '-'}",
        "timeline:",
    ]
    for e in incident.entries:
        why = f" ({e.why})" if e.why else ""
        lines.append(f"  {Time(e.at.timestamp(), tz).screen()}  {e.by}  {e.kind}: {e.text}{why}")
    return lines
