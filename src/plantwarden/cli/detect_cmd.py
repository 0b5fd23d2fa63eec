"""``plantwarden detect``: detection over captures against the stored baseline.

The alert queue (``alerts``, ``alert ...``, ``mutes``) is in :mod:`plantwarden.cli.alert_cmd`,
the baseline commands in :mod:`plantwarden.cli.baseline_cmd`.
"""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from plantwarden import gcpause
from plantwarden.capture.filehash import FileHash
from plantwarden.cli import leaving
from plantwarden.cli.console import out
from plantwarden.cli.options import DbOption, SiteNameOption, SiteOption
from plantwarden.cli.outfile import ForceOption, OutOption, guard
from plantwarden.settings import Settings

if TYPE_CHECKING:  # imported where used, so that other commands start without them
    from plantwarden.detect.model import Alert
    from plantwarden.site.model import SiteModel


def register(app: typer.Typer) -> None:
    app.command("detect")(detect)


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
    site_name: SiteNameOption = None,
    store: Annotated[
        bool, typer.Option("--store/--no-store", help="Use and record baselines and alerts.")
    ] = True,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on", help="Exit 1 when an alert of this severity or above is raised (cron, CI)."
        ),
    ] = None,
) -> None:
    """Detect threats and deviations from the baseline; alerts map to MITRE ATT&CK for ICS. Sends nothing."""
    guard(out_file, force)  # before any work: never over a capture or a file plantwarden did not write
    guard(None if jsonl is None else Path(jsonl), force, "--jsonl")  # appended to: ours, or --force
    json_path = str(out_file) if out_file is not None else "-" if json_out else None
    # the first file's SHA-256 starts now, in a thread, while detection's modules load
    floor = _fail_floor(fail_on)
    first = FileHash(captures[0]) if captures and learn_for is None else None
    from plantwarden.detect.service import DetectOptions, parse_duration, run_detect

    settings = Settings.load(db)
    model, site_id, name = chosen_site(settings.db_url, db, site, site_name, store)
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
        site_id=site_id,
        site_name=name,
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
        _table(report.alerts, RUN_TABLE_ROWS, model)
    if store and site_id is not None:
        from plantwarden.cli.analyze_cmd import plan_controls

        plan_controls(settings.db_url, site_id, name, quiet=json_path == "-")
    _fail(report.alerts, floor)


def chosen_site(
    url: str, db: str | None, site: Path | None, site_name: str | None, store: bool
) -> tuple[SiteModel | None, int | None, str | None]:
    """The run's site model, and the chosen site's id and name (plantwarden.store.choice): the
    ``--site`` file, else the chosen site's stored model (the same severities and impact as
    every command). With the store, a read-only one is refused first, before any analysis."""
    from plantwarden.site.use import site_from_option
    from plantwarden.store.choice import name_for, site_ref

    model = site_from_option(site)
    if not store:
        return model, None, name_for(site_name, model)
    from plantwarden.continuity.source import stored_model
    from plantwarden.store.engine import check_writable

    check_writable(url, create=True)
    ref = site_ref(db, site_name, model, create=True)
    return model or stored_model(url, ref.id), ref.id, ref.name


def _fail_floor(text: str | None) -> int | None:
    """``--fail-on``'s severity, checked before any work (a typo is exit 2, not a silent 0)."""
    if text is None:
        return None
    from plantwarden.detect.queue import parse_severity

    return int(parse_severity(text, "--fail-on"))


def _fail(alerts: list[Alert], floor: int | None) -> None:
    if floor is not None and any(a.severity >= floor for a in alerts):
        raise typer.Exit(1)


#: Alerts a run's summary table shows, worst first (``plantwarden alerts`` lists them all; a
#: table of thousands of rows took longer to render than the detection of 10 M packets).
RUN_TABLE_ROWS = 50


def _table(items: list[Alert], limit: int | None = None, site: SiteModel | None = None) -> None:
    from plantwarden.cli.alert_cmd import show_alerts
    from plantwarden.detect.queue import SiteView

    show_alerts(items, SiteView(site), limit=limit)
