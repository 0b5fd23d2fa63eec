"""``plantwarden baseline learn|show|export|import``: the baseline of normal traffic, per site.

A baseline is stored for the site chosen as every command chooses it (plantwarden.store.choice:
``--site-name``, the site of ``--site FILE``, else the only site; a store without any gets
``default``). ``show``, ``export`` and detection find it the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from plantwarden.cli.audit_cmd import ByOption
from plantwarden.cli.console import out
from plantwarden.cli.listing import Cell, CsvOption, WideOption, emit
from plantwarden.cli.options import DbOption, JsonOption, SiteNameOption, SiteOption
from plantwarden.cli.outfile import ForceOption
from plantwarden.settings import Settings

if TYPE_CHECKING:  # imported where used, so that other commands start without them
    from plantwarden.detect import baseline as bl

baseline_app = typer.Typer(
    help="Learn, show, export and import the baseline of normal traffic.", no_args_is_help=True
)

VersionOption = Annotated[int | None, typer.Option("--version", help="Baseline version (default newest).")]


def register(app: typer.Typer) -> None:
    app.add_typer(baseline_app, name="baseline")


@baseline_app.command("learn")
def baseline_learn(
    captures: Annotated[list[str], typer.Argument(help="Captures of known-good traffic.")],
    site: SiteOption = None,
    db: DbOption = None,
    site_name: SiteNameOption = None,
    by: ByOption = None,
) -> None:
    """Learn a baseline from known-good captures and store it as a new version of the site's."""
    from plantwarden.detect.store_baselines import store_baseline
    from plantwarden.detect.stream import learn_captures
    from plantwarden.site.use import site_from_option
    from plantwarden.store.choice import site_ref
    from plantwarden.store.engine import check_writable

    url = Settings.load(db).db_url
    model = site_from_option(site)
    check_writable(url, create=True)  # a read-only store is refused before anything is learned
    ref = site_ref(db, site_name, model, create=True)
    learned = learn_captures(captures, ref.name)
    source = "learned from " + ", ".join(Path(c).name for c in captures)
    version = store_baseline(url, learned, source, ref.id)
    _audit(url, by, "baseline.learn", version, ref.id, source)
    _summary(learned, version, ref.name)


def _audit(url: str, by: str | None, action: str, version: int, site_id: int | None, source: str) -> None:
    from plantwarden.people.audit import os_actor, record

    record(
        url, os_actor(by), action, f"baseline version {version}", site_id=site_id, details={"source": source}
    )


def _summary(b: bl.Baseline, version: int, site: str) -> None:
    out.print(
        f"baseline {site} version {version}: {len(b.talkers)} talkers, "
        f"{len(b.conversations)} conversations, {len(b.channels)} channels, "
        f"{sum(len(c.periods) for c in b.channels)} polling periods, "
        f"{sum(c.sequence_trained for c in b.channels)} trained sequences"
    )


def _load(db: str | None, site_name: str | None, version: int | None) -> tuple[bl.Baseline, int, str]:
    from plantwarden.detect.store_baselines import load_baseline
    from plantwarden.errors import NotFoundError
    from plantwarden.store.choice import site_ref

    ref = site_ref(db, site_name)
    found = load_baseline(Settings.load(db).db_url, ref.id, version)
    if found is None:
        raise NotFoundError(f"no baseline stored for site {ref.name!r}; run plantwarden baseline learn")
    return found, found.version or 0, ref.name


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

    b, v, name = _load(db, site_name, version)
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
        _summary(b, v, name)
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
    b, _, _ = _load(db, site_name, version)
    bl.write_file(b, path, f"# {GENERATOR_MARK}: a baseline; edit it, then plantwarden baseline import\n")


@baseline_app.command("import")
def baseline_import(
    path: Annotated[Path, typer.Argument(help="A baseline exported (and possibly edited) as YAML or JSON.")],
    db: DbOption = None,
    site_name: SiteNameOption = None,
    by: ByOption = None,
) -> None:
    """Validate an edited baseline and store it as a new version of the site's."""
    from plantwarden.detect import baseline as bl
    from plantwarden.detect.store_baselines import store_baseline
    from plantwarden.store.choice import site_ref

    b = bl.read_file(path)
    ref = site_ref(db, site_name, create=True)
    url = Settings.load(db).db_url
    version = store_baseline(url, b, f"imported from {path.name}", ref.id)
    _audit(url, by, "baseline.import", version, ref.id, f"imported from {path.name}")
    _summary(b, version, ref.name)
