"""``plantwarden site``: validate, describe and store the site model."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from plantwarden import jsonout
from plantwarden.cli.audit_cmd import ByOption
from plantwarden.cli.console import out
from plantwarden.cli.options import DbOption, JsonOption
from plantwarden.cli.outfile import ForceOption, OutOption, guard
from plantwarden.errors import InputError, SiteModelError

if TYPE_CHECKING:  # the site model (pydantic) is imported by the commands that use it
    from plantwarden.site.model import SiteModel

app = typer.Typer(
    help="The declared site model (zones, conduits, assets, lines, RACI, windows).", no_args_is_help=True
)

FileArg = Annotated[Path, typer.Argument(help="Site model YAML file.", show_default=False)]
FilesArg = Annotated[list[Path], typer.Argument(help="Site model YAML file(s).", show_default=False)]


def summary(model: SiteModel, source: str) -> dict[str, object]:
    """What the site declares, in numbers."""
    return {
        "file": source,
        "site": model.site.name,
        "timezone": model.site.timezone,
        "currency": model.site.currency,
        "counts": model.counts(),
        "downtime_cost_per_hour": {x.name: x.downtime_cost_per_hour for x in model.lines},
    }


def _print_summary(model: SiteModel, source: str) -> None:
    from rich.table import Table

    out.print(
        f"[bold green]ok[/] {source}: site [bold]{model.site.name}[/] "
        f"({model.site.timezone}, {model.site.currency})"
    )
    table = Table(show_header=True, header_style="bold")
    table.add_column("section")
    table.add_column("count", justify="right")
    for section, count in model.counts().items():
        table.add_row(section.replace("_", " "), str(count))
    out.print(table)


@app.command()
def validate(files: FilesArg, as_json: JsonOption = False) -> None:
    """Check site files; print a summary, or every problem as file:line:col (exit 2)."""
    from plantwarden.site.loader import load_site

    models, problems = [], []
    for file in files:
        try:
            models.append((load_site(file), str(file)))
        except SiteModelError as exc:
            problems += exc.problems
    if problems:
        raise SiteModelError(problems)
    if as_json:
        sites = [summary(model, source) for model, source in models]
        jsonout.write(jsonout.document("site.summary", 1, {"sites": sites}), "-")
        return
    for model, source in models:
        _print_summary(model, source)


@app.command()
def schema(out_file: OutOption = None, force: ForceOption = False) -> None:
    """Print the JSON Schema of the site file (for editors)."""
    from plantwarden.site.schema import site_schema

    guard(out_file, force)
    jsonout.write(site_schema(), out_file or "-")


@app.command()
def init(
    captures: Annotated[list[Path], typer.Argument(help="Capture files to draft the site from.")],
    out_file: OutOption = None,
    force: ForceOption = False,
) -> None:
    """Draft a site file from captures: suggested zones, observed assets with their identity;
    '# DECIDE:' comments mark what you must decide. Validates as it is."""
    from plantwarden.analyze.pipeline import analyze_capture
    from plantwarden.site.draft import draft

    guard(out_file, force)
    docs = [analyze_capture(str(path)).doc for path in captures]
    text = draft(docs, [path.name for path in captures])
    if out_file is None or str(out_file) == "-":
        typer.echo(text, nl=False)
        return
    try:
        out_file.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{out_file}: cannot write the draft: {exc.strerror}") from exc
    out.print(f"drafted {out_file}: check every '# DECIDE:' line, then 'plantwarden site load {out_file}'")


@app.command()
def load(file: FileArg, db: DbOption = None, by: ByOption = None) -> None:
    """Validate a site file and store it as a new version of the site model."""
    from plantwarden.people.audit import os_actor, record
    from plantwarden.settings import Settings
    from plantwarden.site.use import store_site
    from plantwarden.store.sites import choose_site

    model, version = store_site(file, db)
    url = Settings.load(db).db_url
    site_id = choose_site(url, model.site.name).id
    record(
        url,
        os_actor(by),
        "site.load",
        f"site {model.site.name}",
        site_id=site_id,
        details={"version": version, "file": str(file)},
    )
    out.print(f"stored site [bold]{model.site.name}[/] from {file} as version {version}")
