"""``plantwarden report``: the demo's HTML report for the user's own store and site.

The answer first, the map by zone, cost at risk per line and the sortable alert table, from
the captures and alerts stored in ``--db`` and the stored current site model (or ``--site
FILE``, read and never stored: storing a site is ``site load`` alone). A reading command: it
never creates a store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from plantwarden.cli.console import err
from plantwarden.cli.options import DbOption, SiteNameOption
from plantwarden.cli.outfile import ForceOption, OutOption, guard
from plantwarden.errors import InputError
from plantwarden.settings import Settings


def register(app: typer.Typer) -> None:
    app.command("report")(report)


def no_store(db_url: str) -> InputError | None:
    """The error for a SQLite store file that does not exist (reading must not create it)."""
    if db_url.startswith("sqlite:///"):
        path = db_url.removeprefix("sqlite:///")
        if path and path != ":memory:" and not Path(path).exists():
            return InputError(f"no plantwarden store at {path} (run `plantwarden db upgrade` or check --db)")
    return None


def report(
    out_path: OutOption = None,
    force: ForceOption = False,
    site: Annotated[
        Path | None, typer.Option("--site", help="Site model YAML file (read only; default: the stored one).")
    ] = None,
    closed: Annotated[bool, typer.Option("--closed", help="Also closed alerts.")] = False,
    db: DbOption = None,
    site_name: SiteNameOption = None,
) -> None:
    """The HTML report of a site of the store: the answer first, map by zone, cost at risk, alerts."""
    guard(out_path, force)
    from plantwarden.continuity.source import NO_SITE, stored_model
    from plantwarden.detect.store_alerts import list_alerts
    from plantwarden.report.facts import gather
    from plantwarden.report.html import render
    from plantwarden.report.text import REPORT_NEXT_STEPS
    from plantwarden.site.use import read_site
    from plantwarden.store.choice import site_ref
    from plantwarden.store.imports import capture_documents

    url = Settings.load(db).db_url
    missing = no_store(url)
    if missing is not None:
        raise missing
    model = read_site(site)[0] if site is not None else None
    ref = site_ref(db, site_name, model)
    model = model or stored_model(url, ref.id)
    if model is None:
        raise InputError(NO_SITE)
    docs = capture_documents(url, ref.id)
    alerts = [a for a in list_alerts(url, site=ref.id) if closed or a.state != "closed"]
    if not docs:
        err.print("[yellow]no capture stored: the map and segmentation are empty (plantwarden analyze)[/]")
    facts = gather(model, docs, alerts)
    if ref.id is not None:
        from plantwarden.vulns.service import site_vulns

        facts.vulns = site_vulns(url, ref.name)
    from plantwarden.plan.service import latest_plan

    facts.plan = latest_plan(url, ref.id)
    page = render(facts, REPORT_NEXT_STEPS, "report")
    if out_path is None or str(out_path) == "-":
        typer.echo(page, nl=False)
        return
    try:
        out_path.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{out_path}: cannot write the report: {exc.strerror}") from exc
    err.print(f"report: {out_path.resolve()} ({len(alerts)} alerts, {len(docs)} captures)")
