"""``plantwarden plan``: the remediation plan solved into the maintenance windows; ``plan show``;
``plan pin|move|exclude ITEM``; ``plan ics --out FILE`` (docs/plan.md)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from plantwarden.cli.console import out
from plantwarden.cli.listing import CsvOption, WideOption, emit
from plantwarden.cli.options import DbOption, JsonOption, SiteNameOption
from plantwarden.cli.outfile import ForceOption, OutOption, guard
from plantwarden.errors import UsageError
from plantwarden.settings import Settings

plan_app = typer.Typer(
    help="Remediation plan: patches and replacements scheduled into maintenance windows.",
    invoke_without_command=True,
)
PLAN_SCHEMA = ("plan", 1)
HEAD = ["item", "decision", "deadline", "window", "action", "why"]
HorizonOption = Annotated[str, typer.Option("--horizon", help="How far ahead to plan, e.g. 180d, 26w.")]
SolverOption = Annotated[
    str,
    typer.Option(
        "--solver",
        help="cbc (PuLP's CBC) or cpsat (OR-Tools CP-SAT, plantwarden[cpsat]: names binding constraints).",
    ),
]
WindowOption = Annotated[str | None, typer.Option("--window", help="Window name or NAME@DATE.")]
ByOpt = Annotated[str, typer.Option("--by", help="Who decides.")]
WhyOpt = Annotated[str, typer.Option("--why", help="Why.")]


def register(app: typer.Typer) -> None:
    app.add_typer(plan_app, name="plan")


def horizon_days(text: str) -> int:
    from plantwarden.durations import parse_seconds

    days = parse_seconds(text, bare="d", option="--horizon") / 86400
    if not 1 <= days <= 730:
        raise UsageError(f"--horizon {text}: expected 1 to 730 days")
    return int(days)


@plan_app.callback()
def plan(
    ctx: typer.Context,
    horizon: HorizonOption = "180d",
    solver: SolverOption = "cbc",
    json_out: JsonOption = False,
    as_csv: CsvOption = False,
    wide: WideOption = False,
    db: DbOption = None,
    site_name: SiteNameOption = None,
) -> None:
    """Solve the plan for the site's open vulnerabilities and end-of-support assets (kept pins
    hold), store it, and list every item with its window and why; then what changed."""
    if ctx.invoked_subcommand is not None:
        return
    from plantwarden.plan.service import run_plan

    if json_out and as_csv:
        raise UsageError("give --json or --csv, not both")
    body = run_plan(Settings.load(db).db_url, site_name, horizon_days(horizon), solver=solver)
    show(body, json_out, as_csv, wide)


def show(body: dict[str, Any], json_out: bool, as_csv: bool, wide: bool) -> None:
    if json_out:
        from plantwarden import jsonout

        jsonout.write(jsonout.document(*PLAN_SCHEMA, body), "-")
        return
    rows = [
        [i["id"], i["decision"], i["deadline"] or "", i["window"] or "-", i["action"], i["why"]]
        for i in body["items"]
    ]
    emit(HEAD, rows, as_csv=as_csv, wide=wide)
    if as_csv:
        return
    gap = "unknown" if body["gap"] is None else f"{body['gap']:.2%}"
    out.print(
        f"{len(body['items'])} items, {body['solver']}: {body['status']}, gap {gap}, {body['seconds']} s",
        markup=False,
    )
    for c in body["controls"]:
        out.print(
            f"control {c['item']}: {c['action']} (owner {c['owner']}; until {c['expires_with']})",
            markup=False,
        )
    for ch in body.get("changes", []):
        out.print(f"changed {ch['item']}: {ch['before']} -> {ch['after']}", markup=False)


@plan_app.command("show")
def show_cmd(
    json_out: JsonOption = False,
    as_csv: CsvOption = False,
    wide: WideOption = False,
    db: DbOption = None,
    site_name: SiteNameOption = None,
) -> None:
    """The latest stored plan (not solved again)."""
    from plantwarden.plan.service import show_plan

    show(show_plan(Settings.load(db).db_url, site_name), json_out, as_csv, wide)


def _pin(
    kind: str,
    item: str,
    window: str | None,
    by: str,
    why: str,
    horizon: str,
    db: str | None,
    site: str | None,
) -> None:
    from plantwarden.plan.service import set_pin

    pin = set_pin(Settings.load(db).db_url, site, kind, item, window, by, why, horizon_days(horizon))
    out.print(
        f"{kind} {pin.item}{' -> ' + pin.window if pin.window else ''} by {pin.by}: kept by the next plan",
        markup=False,
    )


@plan_app.command("pin")
def pin_cmd(
    item: str,
    by: ByOpt,
    why: WhyOpt,
    window: WindowOption = None,
    horizon: HorizonOption = "180d",
    db: DbOption = None,
    site_name: SiteNameOption = None,
) -> None:
    """Fix ITEM (an asset) in window W; re-planning keeps it."""
    _pin("pin", item, window, by, why, horizon, db, site_name)


@plan_app.command("move")
def move_cmd(
    item: str,
    by: ByOpt,
    why: WhyOpt,
    window: WindowOption = None,
    horizon: HorizonOption = "180d",
    db: DbOption = None,
    site_name: SiteNameOption = None,
) -> None:
    """Move ITEM to window W or later."""
    _pin("move", item, window, by, why, horizon, db, site_name)


@plan_app.command("exclude")
def exclude_cmd(
    item: str,
    by: ByOpt,
    why: WhyOpt,
    window: WindowOption = None,
    horizon: HorizonOption = "180d",
    db: DbOption = None,
    site_name: SiteNameOption = None,
) -> None:
    """Leave ITEM out of the plan (it gets no window and no control)."""
    _pin("exclude", item, window, by, why, horizon, db, site_name)


@plan_app.command("ics")
def ics_cmd(
    out_path: OutOption = None,
    force: ForceOption = False,
    db: DbOption = None,
    site_name: SiteNameOption = None,
) -> None:
    """The latest plan's windows with their items as an iCalendar file."""
    import sys

    from plantwarden.plan.ical import to_ical
    from plantwarden.plan.service import show_plan

    guard(out_path, force)
    data = to_ical(show_plan(Settings.load(db).db_url, site_name))
    if out_path is None:
        sys.stdout.buffer.write(data)
    else:
        out_path.write_bytes(data)


CONTROLS_SCHEMA = ("plan-controls", 1)
FailOnOption = Annotated[
    str | None,
    typer.Option("--fail-on", help="Exit 1 when a control is in this state: broken, expired or no_data."),
]


@plan_app.command("controls")
def controls_cmd(
    json_out: JsonOption = False,
    fail_on: FailOnOption = None,
    wide: WideOption = False,
    db: DbOption = None,
    site_name: SiteNameOption = None,
) -> None:
    """Check the latest plan's compensating controls on the captures analysed since each began:
    holds, broken (with the flows, sessions or writes), no data yet, or expired."""
    from plantwarden.plan.evidence import LABELS, STATES, check_controls, one_line

    if fail_on is not None and fail_on not in STATES[1:]:
        raise UsageError(f"--fail-on {fail_on}: expected one of: {', '.join(STATES[1:])}")
    body = check_controls(Settings.load(db).db_url, site_name)
    if json_out:
        from plantwarden import jsonout

        jsonout.write(jsonout.document(*CONTROLS_SCHEMA, body), "-")
    else:
        rows: list[list[Any]] = [
            [c["item"], c["kind"], c["owner"], c["expires_with"], LABELS[c["state"]], c["summary"]]
            for c in body["controls"]
        ]
        emit(["item", "control", "owner", "expires", "state", "evidence"], rows, wide=wide)
        out.print(one_line(body), markup=False)
    if fail_on is not None and body["counts"][fail_on]:
        raise typer.Exit(1)
