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
from plantwarden.cli.console import err
from plantwarden.cli.leaving import leaving_with_exit
from plantwarden.errors import EXIT_INTERNAL, PlantwardenError
from plantwarden.settings import ENV_DEBUG

# Each top-level command and the module that defines it. A run imports only the module of the
# command it names (importing all of them cost 0.3-0.5 s of every run: the web, store and
# report modules they pull in); no command named (--help, a typo, completion) imports them all.
# tests/cli/test_startup.py requires this table to list what the modules register.
COMMANDS: dict[str, str] = {
    "site": "site_cmd", "db": "db_cmd", "content": "content_cmd",
    "analyze": "analyze_cmd", "demo": "demo_cmd", "report": "report_cmd",
    **dict.fromkeys(("assets", "asset", "map", "export"), "inventory_cmd"),
    **dict.fromkeys(("impact", "spof", "dependencies", "segmentation", "raci", "lifecycle"),
                    "continuity_cmd"),
    "detect": "detect_cmd", **dict.fromkeys(("alerts", "mutes", "alert"), "alert_cmd"),
    "baseline": "baseline_cmd", "sites": "sites_cmd", "fleet": "fleet_cmd", "user": "user_cmd",
    "token": "token_cmd", "audit": "audit_cmd", "sensor": "sensor_cmd", "serve": "serve_cmd",
    "vulns": "vulns_cmd", "access": "access_cmd", "incident": "incident_cmd",
    **dict.fromkeys(("compliance", "assess"), "compliance_cmd"), "plan": "plan_cmd",
}
GROUPS = ("site", "db", "content")  # modules whose ``app`` is a sub-command group


def _version(value: bool) -> None:
    if value:
        typer.echo(f"plantwarden {__version__}")
        raise typer.Exit()


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


def build(command: str | None = None) -> typer.Typer:
    """The command tree: only ``command``'s module when it is one of ``COMMANDS``, else all,
    in the order of ``COMMANDS`` (the order of ``--help``)."""
    tree = typer.Typer(
        name="plantwarden",
        help="Passive OT/IT visibility and production-continuity analysis. "
        "Never sends a packet into the monitored network.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=True,  # --install-completion, --show-completion [SHELL]
    )
    tree.callback()(root)
    wanted = [COMMANDS[command]] if command in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    for module in wanted:
        # __import__, not importlib.import_module: -X importtime (tests/cli/test_startup.py) sees it
        mod = __import__(f"plantwarden.cli.{module}", fromlist=["register"])
        name = next(k for k, v in COMMANDS.items() if v == module)
        if name in GROUPS:
            tree.add_typer(mod.app, name=name)
        else:
            mod.register(tree)
    return tree


def _command(argv: list[str]) -> str | None:
    """The command ``argv`` names: its first word that is not an option (the root's options,
    ``--version`` and ``-v``, take no value)."""
    return next((a for a in argv if not a.startswith("-")), None)


def __getattr__(name: str) -> typer.Typer:
    """``app``: the whole tree, built on first use (tests drive it with Click's runner)."""
    if name == "app":
        tree = build()
        globals()["app"] = tree
        return tree
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
        args = sys.argv[1:] if argv is None else argv
        build(_command(args))(args=args, prog_name="plantwarden")
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
