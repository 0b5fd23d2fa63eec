"""Root of the ``plantwarden`` command.

Sub-command groups live in their own modules and are registered here. ``main`` turns every
:class:`~plantwarden.errors.PlantwardenError` into one line on stderr and its exit code;
anything else is an internal error reported in one line (traceback with PLANTWARDEN_DEBUG=1).
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import sys
from typing import Annotated, NoReturn

import typer

from plantwarden import __version__
from plantwarden.cli import (
    access_cmd,
    alert_cmd,
    analyze_cmd,
    audit_cmd,
    baseline_cmd,
    compliance_cmd,
    content_cmd,
    continuity_cmd,
    db_cmd,
    demo_cmd,
    detect_cmd,
    fleet_cmd,
    incident_cmd,
    inventory_cmd,
    plan_cmd,
    report_cmd,
    sensor_cmd,
    serve_cmd,
    site_cmd,
    sites_cmd,
    token_cmd,
    user_cmd,
    vulns_cmd,
)
from plantwarden.cli.console import err
from plantwarden.cli.leaving import leaving_with_exit
from plantwarden.errors import EXIT_INTERNAL, PlantwardenError
from plantwarden.settings import ENV_DEBUG

app = typer.Typer(
    name="plantwarden",
    help="Passive OT/IT visibility and production-continuity analysis. "
    "Never sends a packet into the monitored network.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,  # --install-completion, --show-completion [SHELL]
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"plantwarden {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, help="More log output.")] = 0,
) -> None:
    """plantwarden: does this keep production safe and running?"""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


app.add_typer(site_cmd.app, name="site")
app.add_typer(db_cmd.app, name="db")
app.add_typer(content_cmd.app, name="content")
analyze_cmd.register(app)
demo_cmd.register(app)
report_cmd.register(app)
inventory_cmd.register(app)
continuity_cmd.register(app)
detect_cmd.register(app)
alert_cmd.register(app)
baseline_cmd.register(app)
sites_cmd.register(app)
fleet_cmd.register(app)
user_cmd.register(app)
token_cmd.register(app)
audit_cmd.register(app)
sensor_cmd.register(app)
serve_cmd.register(app)
vulns_cmd.register(app)
access_cmd.register(app)
incident_cmd.register(app)
compliance_cmd.register(app)
plan_cmd.register(app)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point. Usage errors exit 2 (Click's own handling).

    As the console script (no ``argv``) it leaves with ``os._exit`` once the command is done
    and its output flushed: tearing down the heap of a long analysis (millions of objects,
    freed one by one) took 0.4-0.8 s of a 10 M packet run, for a process that ends anyway.
    Exit handlers still run; every file and store connection is closed by then. What a
    command hands to :func:`plantwarden.cli.leaving.keep` is then not freed either."""
    if argv is None:
        leaving_with_exit()
    code = _run(argv)
    if argv is None:
        _leave(code)
    sys.exit(code)


def _run(argv: list[str] | None) -> int:
    try:
        app(args=argv, prog_name="plantwarden")
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        err.print(str(exc.code), markup=False)
        return 1
    except PlantwardenError as exc:
        for line in exc.lines():
            err.print(f"plantwarden: error: {line}", markup=False)
        return exc.exit_code
    except KeyboardInterrupt:
        err.print("plantwarden: interrupted")
        return 130
    except Exception as exc:  # a bug: one line, never a traceback unless asked for
        if os.environ.get(ENV_DEBUG):
            raise
        err.print(
            f"plantwarden: internal error: {type(exc).__name__}: {exc} (set {ENV_DEBUG}=1 for a traceback)",
            markup=False,
        )
        return EXIT_INTERNAL
    return 0


def _leave(code: int) -> NoReturn:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (| head), a closed stream
            stream.flush()
    logging.shutdown()
    atexit._run_exitfuncs()
    os._exit(code)
