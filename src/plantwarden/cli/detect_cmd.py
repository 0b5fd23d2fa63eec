"""``plantwarden detect``, ``baseline``, ``alerts`` and ``alert``: baselines, detection, alert lifecycle."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from plantwarden import gcpause
from plantwarden.capture.filehash import FileHash
from plantwarden.cli import leaving
from plantwarden.cli.console import out
from plantwarden.cli.options import DbOption, JsonOption, SiteOption
from plantwarden.cli.outfile import ForceOption, OutOption, guard
from plantwarden.settings import Settings

if TYPE_CHECKING:  # imported where used, so that other commands start without them
    from plantwarden.detect import baseline as bl
    from plantwarden.detect.model import Alert
    from plantwarden.site.model import SiteModel

baseline_app = typer.Typer(
    help="Learn, show, export and import the baseline of normal traffic.", no_args_is_help=True
)
alert_app = typer.Typer(
    help="Act on one alert: ack, close, learn (into the baseline), mute.", no_args_is_help=True
)

SiteNameOption = Annotated[
    str | None,
    typer.Option("--site-name", help="Site whose baseline to use (default: the stored current site)."),
]
ById = Annotated[str, typer.Argument(help="Alert id (see plantwarden alerts).")]
By = Annotated[str, typer.Option("--by", help="Who acts (name or initials).")]
Why = Annotated[str, typer.Option("--why", help="Why (kept with the alert's history).")]


def register(app: typer.Typer) -> None:
    app.command("detect")(detect)
    app.command("alerts")(alerts)
    app.add_typer(baseline_app, name="baseline")
    app.add_typer(alert_app, name="alert")


def _site_name(db_url: str, given: str | None) -> str | None:
    if given is not None:
        return given
    from plantwarden.store.sites import current_site_document

    doc = current_site_document(db_url)
    site = doc.get("site") if doc else None
    return str(site["name"]) if isinstance(site, dict) and "name" in site else None


def detect(
    captures: Annotated[
        list[str], typer.Argument(help="Capture files (pcap/pcapng, may be gzipped); - for stdin.")
    ],
    learn_for: Annotated[
        str | None, typer.Option("--learn-for", help="Learn the baseline from the first DURATION (e.g. 10m).")
    ] = None,
    site: SiteOption = None,
    json_out: Annotated[bool, typer.Option("--json", help="Write the alerts document to stdout.")] = False,
    out_file: OutOption = None,
    force: ForceOption = False,
    jsonl: Annotated[
        str | None, typer.Option("--jsonl", help="Append one JSON line per alert to FILE.")
    ] = None,
    syslog: Annotated[
        str | None,
        typer.Option("--syslog", help="Send alerts to a syslog server (RFC 5424 + CEF), [tcp://]HOST:PORT."),
    ] = None,
    webhook: Annotated[str | None, typer.Option("--webhook", help="POST the alerts as JSON to URL.")] = None,
    db: DbOption = None,
    store: Annotated[
        bool, typer.Option("--store/--no-store", help="Use and record baselines and alerts.")
    ] = True,
) -> None:
    """Detect threats and deviations from the baseline; alerts map to MITRE ATT&CK for ICS. Sends nothing."""
    guard(out_file, force)  # before any work: never over a capture or a file plantwarden did not write
    json_path = str(out_file) if out_file is not None else "-" if json_out else None
    # the first file's SHA-256 starts now, in a thread, while detection's modules load
    first = FileHash(captures[0]) if captures and learn_for is None else None
    from plantwarden.detect.service import DetectOptions, parse_duration, run_detect
    from plantwarden.site.use import site_from_option
    from plantwarden.store.engine import check_writable

    settings = Settings.load(db)
    model = site_from_option(site, db) if store else (None if site is None else _read_site(site))
    if store:  # a read-only store is refused before anything is analysed
        check_writable(settings.db_url, create=True)
    opts = DetectOptions(
        captures=captures,
        db_url=settings.db_url,
        site=model,
        learn_for_s=parse_duration(learn_for) if learn_for is not None else None,
        store=store,
        jsonl=jsonl,
        syslog=syslog,
        webhook=webhook,
        first_digest=first,
    )
    # Detection against a stored baseline: the cyclic collector stays paused through the
    # baseline's load, the pass, the store and the JSON (plantwarden.gcpause; a full collection
    # would walk the baseline's objects again and again); the console script does not resume
    # it (plantwarden.cli.leaving). Learning keeps it running.
    with gcpause.paused(resume=not leaving.active()) if opts.learn_for_s is None else nullcontext():
        report = run_detect(opts)
        if json_path is not None:
            from plantwarden import jsonout

            jsonout.write(report.document(), json_path)
    if json_path != "-":
        for note in report.notes:
            out.print(f"[dim]{note}[/]", markup=True)
        _table(report.alerts, RUN_TABLE_ROWS)


def _read_site(path: Path) -> SiteModel:
    from plantwarden.site.use import read_site

    return read_site(path)[0]


#: Alerts a run's summary table shows, worst first (``plantwarden alerts`` lists them all; a
#: table of thousands of rows took longer to render than the detection of 10 M packets).
RUN_TABLE_ROWS = 50


def _table(items: list[Alert], limit: int | None = None) -> None:
    from rich.table import Table

    if not items:
        out.print("no alerts")
        return
    shown = items
    if limit is not None and len(items) > limit:
        shown = sorted(items, key=lambda a: (-a.severity, a.first_ts, a.rule, a.src, a.dst))[:limit]
    table = Table("id", "severity", "state", "rule", "src", "dst", "count", "techniques", "frames", box=None)
    for a in shown:
        frames = "; ".join(f"{e.capture}:{','.join(map(str, e.frames[:5]))}" for e in a.evidence)
        techs = ",".join(t["id"] for t in a.techniques)
        table.add_row(a.id, a.severity.label, a.state, a.rule, a.src, a.dst, str(a.count), techs, frames)
    out.print(table)
    if len(shown) < len(items):
        out.print(f"the {len(shown)} most severe of {len(items)} alerts; all of them: plantwarden alerts")


def alerts(
    json_out: JsonOption = False,
    state: Annotated[str | None, typer.Option("--state", help="new, acknowledged or closed.")] = None,
    severity: Annotated[str | None, typer.Option("--severity", help="This severity and above.")] = None,
    db: DbOption = None,
) -> None:
    """List stored alerts."""
    from plantwarden.detect.alerts import STATES
    from plantwarden.detect.store_alerts import list_alerts
    from plantwarden.errors import UsageError

    if state is not None and state not in STATES:
        raise UsageError(f"--state {state!r}: expected one of {', '.join(STATES)}")
    try:
        items = list_alerts(Settings.load(db).db_url, state, severity)
    except ValueError as exc:
        raise UsageError(f"--severity: {exc}") from None
    if json_out:
        from plantwarden import jsonout

        jsonout.write(jsonout.document("alerts", 1, {"alerts": [a.to_json() for a in items]}), "-")
        return
    _table(items)


def _act(action: str, alert_id: str, by: str, why: str, db: str | None, site_name: str | None) -> None:
    from plantwarden.detect.service import alert_action

    url = Settings.load(db).db_url
    alert, version = alert_action(url, alert_id, action, by, why, _site_name(url, site_name))
    out.print(f"alert {alert.id}: {alert.state}" + (f"; baseline version {version}" if version else ""))


@alert_app.command("ack")
def ack(alert_id: ById, by: By, why: Why, db: DbOption = None) -> None:
    """Acknowledge: someone is looking at it."""
    _act("ack", alert_id, by, why, db, None)


@alert_app.command("close")
def close(alert_id: ById, by: By, why: Why, db: DbOption = None) -> None:
    """Close: handled."""
    _act("close", alert_id, by, why, db, None)


@alert_app.command("learn")
def learn(alert_id: ById, by: By, why: Why, db: DbOption = None, site_name: SiteNameOption = None) -> None:
    """Add what the alert saw to the baseline (a new version) and close it."""
    _act("learn", alert_id, by, why, db, site_name)


@alert_app.command("mute")
def mute(alert_id: ById, by: By, why: Why, db: DbOption = None) -> None:
    """Suppress this rule for this source/destination pair from now on, and close the alert."""
    _act("mute", alert_id, by, why, db, None)


@baseline_app.command("learn")
def baseline_learn(
    captures: Annotated[list[str], typer.Argument(help="Captures of known-good traffic.")],
    site: SiteOption = None,
    db: DbOption = None,
) -> None:
    """Learn a baseline from known-good captures and store it as a new version."""
    from plantwarden.detect.service import site_name
    from plantwarden.detect.store_baselines import store_baseline
    from plantwarden.detect.stream import learn_captures
    from plantwarden.site.use import site_from_option
    from plantwarden.store.engine import check_writable

    url = Settings.load(db).db_url
    model = site_from_option(site, db)
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
    from plantwarden.detect.store_baselines import load_baseline
    from plantwarden.errors import NotFoundError

    url = Settings.load(db).db_url
    name = _site_name(url, site_name)
    found = load_baseline(url, name, version)
    if found is None:
        raise NotFoundError(
            f"no baseline stored for site {name or '(none)'!r}; run plantwarden baseline learn"
        )
    return found, found.version or 0


@baseline_app.command("show")
def baseline_show(
    json_out: JsonOption = False,
    version: Annotated[
        int | None, typer.Option("--version", help="Baseline version (default newest).")
    ] = None,
    site_name: SiteNameOption = None,
    db: DbOption = None,
) -> None:
    """Show the baseline: talkers, conversations, channels with codes, periods and sequences."""
    from rich.table import Table

    from plantwarden import jsonout

    b, v = _load(db, site_name, version)
    if json_out:
        jsonout.write(b.to_json(), "-")
        return
    _summary(b, v)
    table = Table("client", "server", "proto", "requests", "codes", "periods", "sequence", box=None)
    for c in b.channels:
        codes = ", ".join(f"{x.code} {x.name}" for x in c.codes[:6])
        periods = ", ".join(f"{p.symbol} {p.median_s:g}s" for p in c.periods[:3])
        seq = f"{len(c.transitions)} transitions" + (" (trained)" if c.sequence_trained else "")
        table.add_row(c.client, c.server, c.proto, str(c.requests), codes, periods, seq)
    out.print(table)


@baseline_app.command("export")
def baseline_export(
    path: Annotated[
        str, typer.Argument(help="File to write: .yaml/.yml for YAML, else JSON (- for stdout).")
    ],
    version: Annotated[
        int | None, typer.Option("--version", help="Baseline version (default newest).")
    ] = None,
    site_name: SiteNameOption = None,
    db: DbOption = None,
) -> None:
    """Export the baseline for review or editing."""
    from plantwarden.detect import baseline as bl

    b, _ = _load(db, site_name, version)
    bl.write_file(b, path)


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
