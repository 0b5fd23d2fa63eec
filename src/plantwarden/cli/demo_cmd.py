"""``plantwarden demo``: the dairy demo plant end to end.

Loads examples/dairy/site.yaml into the store, analyses normal.pcap and incidents.pcap into
it, learns the baseline from normal.pcap, detects on incidents.pcap, prints what it means for
production and writes demo-report.html. Running it again changes nothing in the store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from plantwarden.cli.console import err, out
from plantwarden.cli.options import DbOption
from plantwarden.cli.outfile import ForceOption, guard
from plantwarden.errors import InputError
from plantwarden.settings import Settings


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo_root() -> Path:
    """examples/dairy of the source tree (editable install or a checkout)."""
    for base in (Path.cwd(), Path(__file__).resolve().parents[3]):
        if (base / "examples" / "dairy" / "site.yaml").is_file():
            return base / "examples" / "dairy"
    raise InputError("examples/dairy not found: run `plantwarden demo` from the plantwarden checkout")


def demo(
    db: DbOption = None,
    out_dir: Annotated[
        Path, typer.Option("--out", help="Directory for demo-report.html (default: the current one).")
    ] = Path("."),
    force: ForceOption = False,
) -> None:
    """The dairy demo plant: store, analyse, learn, detect; what it means for production."""
    from plantwarden.cli.demo_summary import (
        fleet_lines,
        incident,
        plan_summary,
        summary,
        vulns_summary,
        weakest_areas,
    )
    from plantwarden.plan.service import latest_plan
    from plantwarden.report.html import write_report
    from plantwarden.report.run import DemoPaths, run_demo
    from plantwarden.report.text import NEXT_STEPS
    from plantwarden.site.use import read_site
    from plantwarden.store.sites import choose_site

    guard(out_dir / "demo-report.html", force)  # before any work: never over a file not ours
    settings = Settings.load(db)
    paths = DemoPaths(demo_root())
    out.rule("[bold]plantwarden demo[/]: Molkerei Talblick, a dairy")
    run = run_demo(paths, settings.db_url, lambda text: err.print(f"[dim]{text}[/]"))
    facts = run.facts
    for note in run.notes:
        out.print(f"[dim]{note}[/]")
    summary(facts)
    vulns_summary(run.vulns)
    plan_summary(settings.db_url, facts.site)
    facts.plan = latest_plan(settings.db_url, choose_site(settings.db_url, facts.site).id)  # for the report
    incident(settings.db_url, facts.site, read_site(paths.site)[0], out_dir / "plantwarden-evidence")
    weakest_areas(settings.db_url, facts.site)
    fleet_lines(settings.db_url)
    out_dir.mkdir(parents=True, exist_ok=True)
    report = write_report(facts, out_dir / "demo-report.html")
    out.rule("stored")
    out.print(
        f"store:  {settings.db_url} (site {facts.site!r}: model, 2 captures, "
        f"baseline v{run.baseline_version}, alerts)",
        markup=False,
    )
    out.print(f"report: {report.resolve()}  (open it in a browser)")
    out.rule("next")
    for command, why in NEXT_STEPS:
        out.print(f"[bold]{command}[/]  [dim]# {why}[/]")
    out.rule("the web console")
    out.print(console_command(settings.db_url, db), markup=False)


def console_command(db_url: str, db: str | None) -> str:
    """The one command that opens the console on the demo store: ``serve``, after creating the
    first admin when the store has none (there is no default user or password)."""
    import os
    import shlex

    from plantwarden.people.users import list_users
    from plantwarden.settings import ENV_DB

    store = "" if db is None and not os.environ.get(ENV_DB) else f" --db {shlex.quote(db_url)}"
    serve = f"plantwarden serve{store}"
    if any(u.is_admin and u.disabled_at is None for u in list_users(db_url)):
        return serve
    return f"plantwarden user add admin --admin{store} && {serve}"
