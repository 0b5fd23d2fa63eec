"""``plantwarden fleet``: every site of the store side by side (docs/fleet.md).

``fleet`` / ``fleet alerts``: open alerts per site by severity; ``fleet risk``: production at
risk per site, worst first; ``fleet firmware TEXT``: where that firmware runs on a line
without redundancy; ``fleet kev``: known-exploited vulnerabilities with an exposure path.
The command line sees every site of the store; the API (``/api/v1/fleet/...``) and the
``/fleet`` page show a user the sites they may view.
"""

from __future__ import annotations

from typing import Any

import typer

from plantwarden.cli.listing import Cell, CsvOption, WideOption, emit
from plantwarden.cli.options import DbOption, JsonOption
from plantwarden.errors import UsageError
from plantwarden.settings import Settings

FLEET_SCHEMA = ("fleet-alerts", 1)
RISK_SCHEMA = ("fleet-risk", 1)

fleet_app = typer.Typer(
    help="Every site of the store side by side: open alerts, production at risk, fleet questions.",
    invoke_without_command=True,
)


def register(app: typer.Typer) -> None:
    from plantwarden.cli import fleet_questions_cmd

    fleet_questions_cmd.register(fleet_app)
    app.add_typer(fleet_app, name="fleet")


def check_formats(json_out: bool, as_csv: bool) -> None:
    if json_out and as_csv:
        raise UsageError("give --json or --csv, not both")


def write_json(schema: tuple[str, int], body: dict[str, Any]) -> None:
    from plantwarden import jsonout

    jsonout.write(jsonout.document(*schema, body), "-")


def say_skipped(skipped: list[Any]) -> None:
    from plantwarden.cli.console import err

    for s in skipped:
        err.print(f"skipped {s.site}: {s.reason}", markup=False)


@fleet_app.callback()
def fleet(
    ctx: typer.Context,
    json_out: JsonOption = False,
    as_csv: CsvOption = False,
    wide: WideOption = False,
    db: DbOption = None,
) -> None:
    """Open alerts (not closed) per site, by severity: every site of the store (as ``fleet alerts``)."""
    if ctx.invoked_subcommand is None:
        alerts(json_out, as_csv, wide, db)
    elif json_out or as_csv or wide or db is not None:
        raise UsageError(
            f"give the options after the subcommand: plantwarden fleet {ctx.invoked_subcommand} ..."
        )


@fleet_app.command("alerts")
def alerts(
    json_out: JsonOption = False, as_csv: CsvOption = False, wide: WideOption = False, db: DbOption = None
) -> None:
    """Open alerts (not closed) per site, by severity: every site of the store."""
    from dataclasses import asdict

    from plantwarden.fleet.alerts import SEVERITIES, all_sites, open_alerts_per_site

    check_formats(json_out, as_csv)
    url = Settings.load(db).db_url
    rows = open_alerts_per_site(url, all_sites(url))
    if json_out:
        write_json(FLEET_SCHEMA, {"sites": [asdict(r) for r in rows]})
        return
    emit(
        ("site", "open", *SEVERITIES),
        [[r.site, r.open, *(r.by_severity[s] for s in SEVERITIES)] for r in rows],
        as_csv=as_csv,
        wide=wide,
    )


def _money(value: float, currency: str) -> str:
    return f"{value:,.0f} {currency}".strip()


@fleet_app.command("risk")
def risk(
    json_out: JsonOption = False, as_csv: CsvOption = False, wide: WideOption = False, db: DbOption = None
) -> None:
    """Production at risk per site, worst first: the money per hour of the lines open alerts and
    open known-exploited / act-now vulnerabilities put at risk, the worst line, single points of
    failure, open alerts by severity, the newest capture."""
    from plantwarden.cli.listing import Time
    from plantwarden.fleet.alerts import all_sites
    from plantwarden.fleet.risk import production_at_risk

    check_formats(json_out, as_csv)
    url = Settings.load(db).db_url
    rows, skipped = production_at_risk(url, all_sites(url))
    if json_out:
        write_json(
            RISK_SCHEMA, {"sites": [r.as_dict() for r in rows], "skipped": [s.as_dict() for s in skipped]}
        )
        return
    head = (
        "site",
        "at risk / h",
        "alerts",
        "KEV/act now",
        "SPOF",
        "worst line",
        "open",
        "crit",
        "high",
        "last packet",
    )
    table: list[list[Cell]] = []
    for r in rows:
        worst = r.worst_line
        sev = r.alerts.by_severity
        table.append(
            [
                r.site,
                _money(r.at_risk_per_hour, r.currency) if r.has_model else "no site model",
                _money(r.alerts_per_hour, r.currency),
                _money(r.vulns_per_hour, r.currency),
                _money(r.spof_per_hour, r.currency),
                f"{worst.line} ({'; '.join(worst.reasons()[:2])})" if worst else "",
                r.alerts.open,
                sev.get("critical", 0),
                sev.get("high", 0),
                Time(r.fresh.last_packet.timestamp()) if r.fresh.last_packet else None,
            ]
        )
    emit(head, table, as_csv=as_csv, wide=wide)
    say_skipped(skipped)
