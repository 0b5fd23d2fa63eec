"""``plantwarden fleet``: open alerts per site by severity, every site of the store side by
side (the API's ``GET /api/v1/fleet/alerts`` shows a user the sites they may view)."""

from __future__ import annotations

import typer

from plantwarden.cli.listing import CsvOption, WideOption, emit
from plantwarden.cli.options import DbOption, JsonOption
from plantwarden.errors import UsageError
from plantwarden.settings import Settings

FLEET_SCHEMA = ("fleet-alerts", 1)


def register(app: typer.Typer) -> None:
    app.command("fleet")(fleet)


def fleet(
    json_out: JsonOption = False, as_csv: CsvOption = False, wide: WideOption = False, db: DbOption = None
) -> None:
    """Open alerts (not closed) per site, by severity: every site of the store."""
    from dataclasses import asdict

    from plantwarden.fleet.alerts import SEVERITIES, all_sites, open_alerts_per_site

    if json_out and as_csv:
        raise UsageError("give --json or --csv, not both")
    url = Settings.load(db).db_url
    rows = open_alerts_per_site(url, all_sites(url))
    if json_out:
        from plantwarden import jsonout

        jsonout.write(jsonout.document(*FLEET_SCHEMA, {"sites": [asdict(r) for r in rows]}), "-")
        return
    emit(
        ("site", "open", *SEVERITIES),
        [[r.site, r.open, *(r.by_severity[s] for s in SEVERITIES)] for r in rows],
        as_csv=as_csv,
        wide=wide,
    )
