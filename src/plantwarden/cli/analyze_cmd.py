"""``plantwarden analyze``: read captures passively and report what they show."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from plantwarden import gcpause
from plantwarden.capture.filehash import FileHash
from plantwarden.cli import leaving
from plantwarden.cli.console import err, out
from plantwarden.cli.options import DbOption, SiteNameOption, SiteOption
from plantwarden.cli.outfile import ForceOption, OutOption, guard
from plantwarden.errors import EXIT_INPUT, CaptureError, UsageError
from plantwarden.settings import Settings

if TYPE_CHECKING:  # imported where used: other commands (and --help) start without them
    from plantwarden.analyze.pipeline import CaptureResult
    from plantwarden.detect.engine import Detector
    from plantwarden.detect.model import Alert
    from plantwarden.detect.service import Prepared
    from plantwarden.site.model import SiteModel
    from plantwarden.store.background import Pending

ANALYZE_SCHEMA = 1


def register(app: typer.Typer) -> None:
    app.command("analyze")(analyze)


def analyze(
    captures: Annotated[
        list[str] | None,
        typer.Argument(help="Capture files (pcap/pcapng, may be gzipped); - for stdin.", show_default=False),
    ] = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="Write the analysis document (JSON) to stdout, not a summary.")
    ] = False,
    out_file: OutOption = None,
    force: ForceOption = False,
    db: DbOption = None,
    site: SiteOption = None,
    site_name: SiteNameOption = None,
    store: Annotated[bool, typer.Option("--store/--no-store", help="Record results in the store.")] = True,
    engine: Annotated[
        str | None,
        typer.Option("--engine", help="fast (numba kernel) or python (pure Python); default: python for a "
                     "small file (up to 1.5 MB), fast otherwise."),
    ] = None,
    live: Annotated[
        str | None, typer.Option("--live", help="Listen on INTERFACE with tcpdump/dumpcap (never sends).")
    ] = None,
    bpf: Annotated[str | None, typer.Option("--bpf", help="Capture filter for --live.")] = None,
    tool: Annotated[str, typer.Option("--tool", help="tcpdump or dumpcap, for --live.")] = "tcpdump",
    count: Annotated[int | None, typer.Option("--count", min=1, help="--live: stop after N frames.")] = None,
    detect: Annotated[
        bool,
        typer.Option(
            "--detect/--no-detect",
            help="Also run detection against the stored baseline; alerts go into the JSON and the store.",
        ),
    ] = False,
    live_for: Annotated[
        str | None, typer.Option("--for", help="--live: stop after DURATION (e.g. 10m).")
    ] = None,
) -> None:
    """Analyse captures or a live interface: hosts, flows, industrial operations, anomalies.

    Sends nothing: a live capture runs tcpdump or dumpcap, which only listen. Without --count
    or --for, a live capture runs until Ctrl-C, then reports what it saw. --json writes the
    document to stdout; --out FILE writes it to FILE, never over a capture or a file
    plantwarden did not write (unless --force).
    """
    captures = list(captures or [])
    _preflight(captures, out_file, force, live)
    # the first file's SHA-256 starts now, in a thread, while the kernel loads (capture.filehash)
    first = FileHash(captures[0]) if captures and live is None else None
    settings = Settings.load(db)
    model = None
    if site is not None:  # for this run only: storing a site is `site load` (site.use)
        from plantwarden.site.use import site_from_option

        model = site_from_option(site)
    chosen = StoreSite(db, settings.db_url, site_name, model)
    if store:  # a read-only store is refused before anything is analysed
        from plantwarden.store.engine import check_writable

        check_writable(settings.db_url, create=True, later=not detect)
        chosen.early(detect)
        if detect and model is None:  # as detect: the chosen site's stored model, same alerts
            from plantwarden.continuity.source import stored_model

            model = stored_model(settings.db_url, chosen.id())
    json_path = str(out_file) if out_file is not None else "-" if json_out else None
    # Files: Python's cyclic collector stays paused from the analysis through the store import,
    # the inventory and the JSON (see plantwarden.gcpause: a bounded run, whose few cycles,
    # the store's engine, wait for the next collection; a collection would walk the whole
    # analysis document again). The documents are freed when _run returns, before it resumes;
    # as the console script they are left to the process's end, which follows at once, and
    # the collector is not resumed (plantwarden.cli.leaving). Live capture keeps it running.
    with gcpause.paused(resume=not leaving.active()) if live is None else nullcontext():
        failed = _run(
            captures,
            json_path,
            settings.db_url,
            model,
            chosen if store else None,
            engine,
            detect,
            lambda: _live(live, bpf, tool, count, live_for),
            first,
        )
    if store and chosen.resolved is not None and len(captures or [LIVE]) > failed:
        plan_controls(settings.db_url, chosen.resolved, chosen.name, quiet=json_path == "-")
    if failed:
        raise typer.Exit(EXIT_INPUT)


def plan_controls(db_url: str, site_id: int, name: str | None, quiet: bool) -> None:
    """The site's compensating controls checked on what was just stored (plantwarden.plan.evidence):
    one line, when the site has a plan with controls (to stderr when stdout carries the JSON)."""
    from plantwarden.plan.evidence import after_analysis, one_line

    body = after_analysis(db_url, site_id, name or "")
    if body is not None:
        (err if quiet else out).print(one_line(body), markup=False)


class StoreSite:
    """The site the analyses are stored under (plantwarden.store.choice), resolved once per
    command: at the start when the store exists, else at the first import (a run that stores
    nothing leaves no store behind). The forked imports get its id (store.background)."""

    def __init__(self, db: str | None, url: str, name: str | None, model: SiteModel | None) -> None:
        from plantwarden.store.choice import name_for

        self.db, self.url, self.name = db, url, name_for(name, model)  # a mismatch: exit 2 first
        self._id: int | None = None

    def early(self, now: bool) -> None:
        """Resolve now (``now``, or the store exists): its errors come before any analysis."""
        from plantwarden.store.engine import sqlite_path

        path = sqlite_path(self.url)
        if now or path is None or path.exists():
            self.id()

    @property
    def resolved(self) -> int | None:
        """The site's id once resolved (None: nothing was stored under it yet)."""
        return self._id

    def id(self) -> int:
        if self._id is None:
            from plantwarden.store.choice import site_ref
            from plantwarden.store.sites import writable

            ref = site_ref(self.db, self.name, create=True)
            self._id, self.name = writable(self.url, ref.id), ref.name
        return self._id


def _preflight(captures: list[str], out_file: Path | None, force: bool, live: str | None) -> None:
    """Usage errors and the --out guard, before anything is read or analysed."""
    if live is None and not captures:
        raise UsageError("give capture files, - for stdin, or --live INTERFACE")
    if live is not None and captures:
        raise UsageError("--live and capture files do not go together")
    if out_file is not None and any(c != "-" and _same_file(c, out_file) for c in captures):
        raise UsageError(f"--out {out_file}: that is one of the captures to analyse")
    guard(out_file, force)
    if "-" in captures and os.isatty(0):
        raise UsageError(
            "- reads a capture from stdin, which is a terminal here; pipe a capture in "
            "(--json is a flag: use --out FILE to write the document to a file)"
        )


def _same_file(capture: str, out_file: Path) -> bool:
    try:
        return os.path.samefile(capture, out_file)
    except OSError:
        return False


def _run(
    captures: list[str],
    json_path: str | None,
    db_url: str,
    model: SiteModel | None,
    site: StoreSite | None,
    engine: str | None,
    detect: bool,
    live: Callable[[], CaptureResult],
    first: FileHash | None = None,
) -> int:
    """Analyse, store (under ``site``; None: --no-store), summarise and write the JSON;
    returns how many inputs failed.

    With ``detect`` (files only) the detector rides the same pass (docs/detection.md)."""
    docs: list[dict[str, Any]] = []
    failed = 0
    watch = _prepare(db_url, model, site) if detect and captures else None
    leaving.keep(docs, watch)  # freed by the process's end, not one object at a time (cli.leaving)
    stored: Pending | None = None  # the last capture's import, in a child process
    finished: list[Alert] | None = None  # the detector's alerts, once the last capture ran
    try:
        for i, name in enumerate(captures or [LIVE]):
            try:
                if name is LIVE:
                    result = live()
                else:
                    digest = first if first is not None and first.path == name else None
                    first = None
                    result = _run_one(name, engine, watch.detector if watch is not None else None, digest)
            except CaptureError as exc:
                err.print(f"plantwarden: error: {exc}", markup=False)
                failed += 1
                continue
            docs.append(result.doc)
            if watch is not None and i == len(captures) - 1:
                # the alerts before the last fork, and the detector's tables freed: the store
                # import's child would otherwise share them (summed memory of both processes)
                finished = watch.detector.finish()
                watch.detector.release()
            if site is not None:
                if stored is not None:
                    stored.wait()
                from plantwarden.store.background import record_in_background

                stored = record_in_background(db_url, result.doc, site.id())
            if json_path != "-":
                _summary(result)
        # the inventory while the last capture's import runs in its child (store.background)
        inventory = _inventory(docs, model) if json_path is not None else None
        alerts = None
        if watch is not None and docs:
            # the alerts' JSON while the store's child may still run (the store and this
            # command's JSON then use the same documents)
            made = {id(a): a.to_json() for a in finished} if finished is not None else {}
            if stored is not None:
                stored.wait()  # the alerts' evidence names the capture
            alerts = _alerts(watch, docs, finished, made)
        if json_path is not None and inventory is not None:
            from plantwarden import jsonout

            body: dict[str, Any] = {"captures": docs, **inventory}
            if alerts is not None:
                body["alerts"] = alerts
            jsonout.write(jsonout.document("analyze", ANALYZE_SCHEMA, body), json_path)
    except BaseException:
        if stored is not None:  # the error in flight is the one to report; the import ends too
            with contextlib.suppress(Exception):
                stored.wait()
        raise
    if stored is not None:
        stored.wait()
    return failed


LIVE = "\0live"  # marker in the list of inputs


def _prepare(db_url: str, model: SiteModel | None, site: StoreSite | None) -> Prepared:
    from plantwarden.detect.service import DetectOptions, prepare

    opts = DetectOptions(captures=[], db_url=db_url, site=model, store=site is not None)
    if site is not None:
        opts.site_id, opts.site_name = site.id(), site.name
    return prepare(opts)


def _alerts(
    prepared: Prepared,
    docs: list[dict[str, Any]],
    finished: list[Alert] | None,
    made: dict[int, dict[str, Any]],
) -> list[dict[str, Any]]:
    """The detector's alerts after the last capture (``finished``, unless the last capture
    failed), stored and sent as ``detect`` does."""
    from plantwarden.detect.service import conclude
    from plantwarden.detect.stream import RunResult

    alerts = finished if finished is not None else prepared.detector.finish()
    report = conclude(prepared, RunResult.of_analyses(docs, alerts), made)
    for note in report.notes:
        err.print(f"detect: {note}", markup=False)
    if report.alerts:
        err.print(f"alerts: {len(report.alerts)} (plantwarden alerts to list them)")
    return [made.get(id(a)) or a.to_json() for a in report.alerts]  # a stored alert merged: anew


def _live(
    interface: str | None, bpf: str | None, tool: str, count: int | None, live_for: str | None
) -> CaptureResult:
    from plantwarden.analyze.pipeline import analyze_live
    from plantwarden.capture.source import live_capture
    from plantwarden.durations import parse_seconds

    assert interface is not None
    limit = parse_seconds(live_for, option="--for") if live_for is not None else None
    start = time.monotonic()

    def stop(frames: int) -> bool:
        return (count is not None and frames >= count) or (
            limit is not None and time.monotonic() - start >= limit
        )

    err.print(f"listening on {interface} with {tool} (Ctrl-C to stop and report)")
    return analyze_live(live_capture(interface, bpf, tool, limit), stop)


def _inventory(docs: list[dict[str, Any]], model: SiteModel | None) -> dict[str, Any]:
    """Assets and the asset-level communication map over every capture of this run."""
    from plantwarden.inventory.build import make_inventory
    from plantwarden.inventory.document import inventory_body

    body = inventory_body(make_inventory(docs, model))
    return {"assets": body["assets"], "edges": body["map"]}


def _run_one(
    name: str, engine: str | None = None, detector: Detector | None = None, digest: FileHash | None = None
) -> CaptureResult:
    from plantwarden.analyze.pipeline import analyze_capture

    total = os.path.getsize(name) if name != "-" and os.path.isfile(name) else None
    if not err.is_terminal or total is None or total < (8 << 20):
        return analyze_capture(name, engine=engine, detector=detector, digest=digest)
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(Path(name).name, total=total)
        return analyze_capture(
            name,
            progress=lambda done: bar.update(task, completed=done),
            engine=engine,
            detector=detector,
            digest=digest,
        )


def _summary(result: CaptureResult) -> None:
    doc = result.doc
    out.print(
        f"[bold]{doc['name']}[/]: {doc['packets']:,} packets, {doc['bytes']:,} bytes, "
        f"{doc['flows']['total']:,} flows, {len(doc['hosts']['ipv4']) + len(doc['hosts']['ipv6'])} IP hosts"
    )
    if doc["protocols"]:
        from rich.table import Table

        table = Table("protocol", "PDUs", "top codes", box=None, pad_edge=False)
        for proto, info in doc["protocols"].items():
            top = sorted(info["codes"].items(), key=lambda kv: -kv[1]["count"])[:4]
            table.add_row(
                proto, f"{info['pdus']:,}", ", ".join(f"{c} {v['name']} x{v['count']}" for c, v in top)
            )
        out.print(table)
    if doc["anomaly_counts"]:
        out.print("anomalies: " + ", ".join(f"{k} x{v}" for k, v in doc["anomaly_counts"].items()))
    if doc["points_not_kept"]:
        out.print(
            f"[yellow]points[/]: the first {len(doc['points']):,} distinct points kept; "
            f"{doc['points_not_kept']:,} values of further points counted, not kept"
        )
    for s in doc["skipped"]:
        out.print(
            f"[yellow]skipped[/] {s['count']} ({s['reason']}, "
            f"first at frame {s['first_frame']}): {s['detail']}"
        )
