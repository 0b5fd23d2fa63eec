"""``plantwarden sites``: the sites of the store, side by side (docs/store.md)."""

from __future__ import annotations

import typer

from plantwarden.cli.console import out
from plantwarden.cli.listing import CsvOption, Time, WideOption, emit
from plantwarden.cli.options import DbOption, JsonOption
from plantwarden.errors import UsageError
from plantwarden.settings import Settings

SITES_SCHEMA = ("sites", 1)
HEADERS = ("site", "model version", "captures", "hosts", "open alerts", "newest capture")


def register(app: typer.Typer) -> None:
    app.command("sites")(sites)


def sites(
    json_out: JsonOption = False, as_csv: CsvOption = False, wide: WideOption = False, db: DbOption = None
) -> None:
    """List the sites of the store: current model version, captures, hosts, open alerts, newest
    capture. Every other command works on one of them (--site-name NAME)."""
    from plantwarden.store.site_list import list_sites

    if json_out and as_csv:
        raise UsageError("give --json or --csv, not both")
    found = list_sites(Settings.load(db).db_url)
    if json_out:
        from plantwarden import jsonout

        jsonout.write(jsonout.document(*SITES_SCHEMA, {"sites": [s.as_dict() for s in found]}), "-")
        return
    if not found and not as_csv:
        out.print("no sites (plantwarden site load FILE, or analyze, adds one)")
        return
    rows = [
        [
            s.name,
            "" if s.model_version is None else s.model_version,
            s.captures,
            s.hosts,
            s.open_alerts,
            Time(s.newest_capture_ts),
        ]
        for s in found
    ]
    emit(HEADERS, rows, as_csv=as_csv, wide=wide)
