"""``plantwarden vulns``: the site's vulnerabilities ranked with their production at risk;
``vulns match`` matches the store's assets again; ``vulns status ASSET CVE --set ...`` records
what is being done about one (docs/vulns.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import typer

from plantwarden.cli.audit_cmd import ByOption
from plantwarden.cli.console import out
from plantwarden.cli.listing import Cell, CsvOption, Styled, WideOption, emit
from plantwarden.cli.options import DbOption, JsonOption, SiteNameOption
from plantwarden.errors import UsageError
from plantwarden.settings import Settings

vulns_app = typer.Typer(
    help="Vulnerabilities of the site's assets: matched advisories, risk in production terms, status.",
    invoke_without_command=True,
)
VULNS_SCHEMA = ("vulns", 1)
MATCH_SCHEMA = ("vulns-match", 1)
STATUS_WORDS = {
    "not_remediated": "not_remediated",
    "open": "not_remediated",
    "in_progress": "in_progress",
    "remediated": "remediated",
    "accepted": "accepted",
}
DECISION_STYLE = {"Immediate": "bold red", "Out-of-Cycle": "red", "Scheduled": "yellow", "Defer": "dim"}
HEAD = ["decision", "asset", "CVE", "KEV", "advisory", "confidence", "status", "at risk / h", "why"]


def register(app: typer.Typer) -> None:
    app.add_typer(vulns_app, name="vulns")


@vulns_app.callback()
def vulns(
    ctx: typer.Context,
    asset: Annotated[str | None, typer.Option("--asset", help="Only this asset.")] = None,
    line: Annotated[
        str | None, typer.Option("--line", help="Only items that stop this production line.")
    ] = None,
    kev: Annotated[
        bool, typer.Option("--kev", help="Only known exploited vulnerabilities (CISA KEV).")
    ] = False,
    json_out: JsonOption = False,
    as_csv: CsvOption = False,
    wide: WideOption = False,
    db: DbOption = None,
    site_name: SiteNameOption = None,
) -> None:
    """List the site's vulnerabilities, most urgent first (SSVC deployer decision, KEV, money
    per hour of the lines the asset stops), each with why; then per line and per zone."""
    if ctx.invoked_subcommand is not None:
        return
    from plantwarden.vulns.service import site_vulns

    if json_out and as_csv:
        raise UsageError("give --json or --csv, not both")
    body = site_vulns(Settings.load(db).db_url, site_name, asset=asset, line=line, kev_only=kev)
    if json_out:
        from plantwarden import jsonout

        jsonout.write(jsonout.document(*VULNS_SCHEMA, body), "-")
        return
    emit(HEAD, [_row(i, as_csv) for i in body["items"]], as_csv=as_csv, wide=wide)
    if as_csv:
        return
    out.print(
        f"{len(body['items'])} items (advisories {body['bundle']}, KEV {body['kev_bundle']})", markup=False
    )
    if not body["observed_traffic"]:
        out.print("exposure from zones only: no capture stored for this site yet", markup=False)
    for by in ("line", "zone"):
        groups = body[f"by_{by}"]
        if groups:
            rows: list[list[Cell]] = [
                [
                    g[by],
                    g["items"],
                    g["assets"],
                    g["kev"],
                    f"{g['per_hour_at_risk']:,.0f} {body['currency']}",
                    g["most_urgent"],
                ]
                for g in groups
            ]
            emit([by, "items", "assets", "KEV", "at risk / h", "most urgent"], rows, wide=wide)


def _row(i: dict[str, Any], as_csv: bool) -> list[Cell]:
    risk = i["production_at_risk"]
    money = f"{risk['per_hour']:,.0f} {risk['currency']}".strip() if risk["in_model"] else "?"
    return [
        i["decision"] if as_csv else Styled(i["decision"], DECISION_STYLE[i["decision"]]),
        i["asset"],
        i["cve"],
        "yes" if i["kev"] else "",
        f"{i['advisory']} r{i['advisory_version']}",
        i["confidence"],
        i["status"] + (f" until {i['status_until'][:10]}" if i["status_until"] else ""),
        risk["per_hour"] if as_csv else money,
        i["why"],
    ]


@vulns_app.command("match")
def match(json_out: JsonOption = False, db: DbOption = None, site_name: SiteNameOption = None) -> None:
    """Match the site's assets (observed and declared) against the advisories in use, again.
    Statuses already set are kept."""
    from plantwarden.vulns.service import match_site

    summary = match_site(Settings.load(db).db_url, site_name)
    if json_out:
        from plantwarden import jsonout

        jsonout.write(jsonout.document(*MATCH_SCHEMA, summary), "-")
        return
    conf = ", ".join(f"{n} {k}" for k, n in sorted(summary["by_confidence"].items()))
    rows = summary["rows"]
    out.print(
        f"site {summary['site']}: {summary['matches']} (asset, CVE) pairs on {summary['assets_matched']} of "
        f"{summary['assets']} assets ({conf or 'none'}); advisories {summary['bundle']}; "
        f"{rows['added']} new, {rows['removed']} gone",
        markup=False,
    )


@vulns_app.command("status")
def status(
    asset: Annotated[str, typer.Argument(help="The asset (as plantwarden vulns lists it).")],
    cve: Annotated[str, typer.Argument(help="The CVE, e.g. CVE-2024-6207.")],
    set_to: Annotated[
        str,
        typer.Option("--set", help="not_remediated | in_progress | remediated | accepted (risk accepted)."),
    ],
    why: Annotated[str, typer.Option("--why", help="Why (required for accepted).")] = "",
    until: Annotated[
        str | None,
        typer.Option("--until", help="Until when a risk is accepted (2027-03-31).", show_default=False),
    ] = None,
    by: ByOption = None,
    db: DbOption = None,
    site_name: SiteNameOption = None,
) -> None:
    """Record what is being done about one vulnerability of one asset (audited; kept when the
    advisory is revised or the assets are matched again)."""
    from plantwarden.people.audit import os_actor
    from plantwarden.vulns.service import set_status

    word = STATUS_WORDS.get(set_to.replace("-", "_").lower())
    if word is None:
        raise UsageError(f"--set {set_to}: expected one of not_remediated, in_progress, remediated, accepted")
    when = _until(until)
    who = os_actor(by)
    set_status(Settings.load(db).db_url, site_name, asset, cve.upper(), word, who, why, when)
    shown = f" until {when.date()}" if when else ""
    out.print(f"{asset} {cve.upper()}: {word}{shown} (by {who})", markup=False)


def _until(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--until {text}: expected a date like 2027-03-31") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)
