"""``plantwarden baseline learn|show|export|import``: the baseline of normal traffic, per site.

A baseline is stored for the site it was learned for: ``--site FILE``, else the stored current
site (as every command uses it), else none. ``show``, ``export`` and detection find it the
same way, and fall back to the one baseline learned without a site.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from plantwarden.cli.console import out
from plantwarden.cli.listing import Cell, CsvOption, WideOption, emit
from plantwarden.cli.options import DbOption, JsonOption, SiteOption
from plantwarden.cli.outfile import ForceOption
from plantwarden.settings import Settings

if TYPE_CHECKING:  # imported where used, so that other commands start without them
    from plantwarden.detect import baseline as bl

baseline_app = typer.Typer(
    help="Learn, show, export and import the baseline of normal traffic.", no_args_is_help=True
)

SiteNameOption = Annotated[
    str | None,
    typer.Option("--site-name", help="Site whose baseline to use (default: the stored current site)."),
]
VersionOption = Annotated[int | None, typer.Option("--version", help="Baseline version (default newest).")]


def register(app: typer.Typer) -> None:
    app.add_typer(baseline_app, name="baseline")


def current_site_name(db: str | None) -> str | None:
    """The stored current site's name (None without a stored site; no store is created)."""
    from plantwarden.continuity.source import stored_site

    model = stored_site(db)
    return model.site.name if model is not None else None


@baseline_app.command("learn")
def baseline_learn(
    captures: Annotated[list[str], typer.Argument(help="Captures of known-good traffic.")],
    site: SiteOption = None,
    db: DbOption = None,
) -> None:
    """Learn a baseline from known-good captures and store it as a new version."""
    from plantwarden.continuity.source import optional_site
    from plantwarden.detect.service import site_name
    from plantwarden.detect.store_baselines import store_baseline
    from plantwarden.detect.stream import learn_captures
    from plantwarden.store.engine import check_writable

    url = Settings.load(db).db_url
    model = optional_site(site, db)
    check_writable(url, create=True)  # a read-only store is refused before anything is learned
    learned = learn_captures(captures, site_name(model))
    version = store_baseline(url, learned, "learned from " + ", ".join(Path(c).name for c in captures))
    _summary(learned, version)


def _summary(b: bl.Baseline, version: int) -> None:
    out.print(
        f"baseline {b.site or '(no site)'} version {version}: {len(b.talkers)} talkers, "
        f"{len(b.conversations)} conversations, {len(b.channels)} channels, "
        f"{sum(len(c.periods) for c in b.channels)} polling periods, "
        f"{sum(c.sequence_trained for c in b.channels)} trained sequences"
    )


def _load(db: str | None, site_name: str | None, version: int | None) -> tuple[bl.Baseline, int]:
    from plantwarden.detect.store_baselines import find_baseline
    from plantwarden.errors import NotFoundError

    url = Settings.load(db).db_url
    name = site_name if site_name is not None else current_site_name(db)
    found = find_baseline(url, name, version)
    if found is None:
        raise NotFoundError(
            f"no baseline stored for site {name or '(none)'!r}; run plantwarden baseline learn"
        )
    return found, found.version or 0


@baseline_app.command("show")
def baseline_show(
    json_out: JsonOption = False,
    as_csv: CsvOption = False,
    wide: WideOption = False,
    version: VersionOption = None,
    site_name: SiteNameOption = None,
    db: DbOption = None,
) -> None:
    """Show the baseline: talkers, conversations, channels with codes, periods and sequences."""
    from plantwarden import jsonout

    b, v = _load(db, site_name, version)
    if json_out:
        jsonout.write(b.to_json(), "-")
        return
    rows: list[list[Cell]] = []
    for c in b.channels:
        codes = ", ".join(f"{x.code} {x.name}" for x in (c.codes if as_csv else c.codes[:6]))
        periods = ", ".join(f"{p.symbol} {p.median_s:g}s" for p in (c.periods if as_csv else c.periods[:3]))
        seq = f"{len(c.transitions)} transitions" + (" (trained)" if c.sequence_trained else "")
        rows.append([c.client, c.server, c.proto, c.requests, codes, periods, seq])
    if not as_csv:
        _summary(b, v)
    emit(
        ("client", "server", "proto", "requests", "codes", "periods", "sequence"),
        rows,
        as_csv=as_csv,
        wide=wide,
    )


@baseline_app.command("export")
def baseline_export(
    path: Annotated[
        str, typer.Argument(help="File to write: .yaml/.yml for YAML, else JSON (- for stdout).")
    ],
    version: VersionOption = None,
    site_name: SiteNameOption = None,
    db: DbOption = None,
    force: ForceOption = False,
) -> None:
    """Export the baseline for review or editing (never over a capture or a foreign file)."""
    from plantwarden.cli.outfile import GENERATOR_MARK, guard
    from plantwarden.detect import baseline as bl

    guard(None if path == "-" else Path(path), force, "baseline export")
    b, _ = _load(db, site_name, version)
    bl.write_file(b, path, f"# {GENERATOR_MARK}: a baseline; edit it, then plantwarden baseline import\n")


@baseline_app.command("import")
def baseline_import(
    path: Annotated[Path, typer.Argument(help="A baseline exported (and possibly edited) as YAML or JSON.")],
    db: DbOption = None,
) -> None:
    """Validate an edited baseline and store it as a new version."""
    from plantwarden.detect import baseline as bl
    from plantwarden.detect.store_baselines import store_baseline

    b = bl.read_file(path)
    version = store_baseline(Settings.load(db).db_url, b, f"imported from {path.name}")
    _summary(b, version)
