"""``plantwarden incident exercise``: the playbook of a hypothetical incident (tabletop)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from plantwarden.cli.console import out
from plantwarden.cli.options import DbOption, JsonOption, SiteNameOption, SiteOption
from plantwarden.cli.outfile import ForceOption, OutOption
from plantwarden.settings import Settings

if TYPE_CHECKING:
    from plantwarden.detect.baseline import Baseline


def register(app: typer.Typer) -> None:
    app.command("exercise")(exercise_cmd)


def exercise_cmd(
    asset: Annotated[str, typer.Option("--asset", help="The asset the hypothetical incident hits.")],
    scenario: Annotated[
        str, typer.Option("--scenario", help="unauthorized-command, hmi-compromise or ransomware-it.")
    ],
    source: Annotated[
        str | None, typer.Option("--from", help="The source (default: the scenario's).")
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="cacao or html (with --out, or stdout).")
    ] = None,
    out_file: OutOption = None,
    force: ForceOption = False,
    store: Annotated[
        bool, typer.Option("--store", help="Also store it as an incident (needs --by, --why).")
    ] = False,
    by: Annotated[str, typer.Option("--by", help="Who runs the exercise (with --store).")] = "",
    why: Annotated[str, typer.Option("--why", help="Why (with --store).")] = "",
    json_out: JsonOption = False,
    site: SiteOption = None,
    db: DbOption = None,
    site_name: SiteNameOption = None,
) -> None:
    """Tabletop: the same playbook for a hypothetical incident; nothing is stored unless --store."""
    from plantwarden.cli.incident_more import write_export
    from plantwarden.continuity.source import require_site
    from plantwarden.errors import UsageError
    from plantwarden.incidents.exercise import exercise
    from plantwarden.incidents.exercise import scenario as check_scenario
    from plantwarden.store.types import utc_now

    check_scenario(scenario)
    if store and (not by.strip() or not why.strip()):
        raise UsageError("--store needs --by NAME and --why TEXT")
    if out_file is not None and fmt is None:
        raise UsageError("--out needs --format cacao or html")
    model = require_site(site, db, site_name)
    url, site_id, baseline = _baseline(db, site_name, site is not None, model.site.name)
    now = utc_now()
    pb, src, title = exercise(model, asset, scenario, now, baseline, source)
    if store:
        from plantwarden.incidents.generate import for_incident
        from plantwarden.incidents.service import OpenRequest, open_incident
        from plantwarden.people.audit import VIA_CLI

        req = OpenRequest(title=title, assets=(asset,), source=src, severity="medium", by=by, why=why,
                          scenario=scenario, how=VIA_CLI)  # fmt: skip
        incident = open_incident(url, site_id, req, model)
        pb = for_incident(url, site_id, incident, model, now)
        out.print(f"stored as {incident.label} (plantwarden incident show {incident.label})", markup=False)
    if fmt is not None:
        write_export(fmt, out_file, force, lambda: (pb, None, model))
        return
    if json_out:
        from plantwarden.cli.incident_cmd import _json

        _json("incident.exercise", {"scenario": scenario, **pb.as_dict()})
        return
    from plantwarden.incidents.text import playbook_lines

    for line in playbook_lines(pb):
        out.print(line, markup=False, highlight=False)


def _baseline(
    db: str | None, site_name: str | None, from_file: bool, name: str
) -> tuple[str, int | None, Baseline | None]:
    """The store's URL, the site's id and its baseline, when the store exists (a reading command
    creates none); with ``--site FILE`` for a site the store does not hold, no baseline."""
    from plantwarden.detect.store_baselines import load_baseline
    from plantwarden.errors import UsageError
    from plantwarden.store.choice import site_ref

    url = Settings.load(db).db_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return url, None, None
    try:
        ref = site_ref(db, site_name or (name if from_file else None))
    except UsageError:
        if from_file:
            return url, None, None
        raise
    return url, ref.id, load_baseline(url, ref.id)
