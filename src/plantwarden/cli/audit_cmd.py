"""``plantwarden audit [verify]``: the hash-chained log of every change (docs/people.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from plantwarden.cli.console import out
from plantwarden.cli.listing import Cell, CsvOption, Time, WideOption, emit
from plantwarden.cli.options import DbOption, JsonOption
from plantwarden.errors import EXIT_FINDINGS, UsageError
from plantwarden.settings import Settings

audit_app = typer.Typer(
    help="The audit log: every change, who, when, what, why (hash-chained).", invoke_without_command=True
)
AUDIT_SCHEMA = ("audit", 1)
#: Who makes a change, for the audit log (every changing command has it).
ByOption = Annotated[
    str | None,
    typer.Option(
        "--by", help="Who makes the change (default: the operating-system user).", show_default=False
    ),
]
VERIFY_SCHEMA = ("audit-verify", 1)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")


@audit_app.callback()
def audit(
    ctx: typer.Context,
    site_name: Annotated[
        str | None, typer.Option("--site-name", help="Only this site's entries.", show_default=False)
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="From this time (2026-12-07, 2026-12-07T08:30) or back from now (24h, 7d).",
            show_default=False,
        ),
    ] = None,
    json_out: JsonOption = False,
    as_csv: CsvOption = False,
    wide: WideOption = False,
    db: DbOption = None,
) -> None:
    """List the audit log, oldest first; `plantwarden audit verify` checks its chain."""
    if ctx.invoked_subcommand is not None:
        return
    from plantwarden.detect.queue import parse_time
    from plantwarden.people.audit import entries
    from plantwarden.store.sites import choose_site

    if json_out and as_csv:
        raise UsageError("give --json or --csv, not both")
    url = Settings.load(db).db_url
    start = None
    if since is not None:
        start = datetime.fromtimestamp(parse_time(since, "--since", None, datetime.now(UTC)), UTC)
    site_id = None
    if site_name is not None:
        site_id = choose_site(url, site_name).id
        if site_id is None:
            raise UsageError("the store holds no site yet")
    found = entries(url, site_id, start)
    if json_out:
        from plantwarden import jsonout

        jsonout.write(jsonout.document(*AUDIT_SCHEMA, {"entries": [e.as_dict() for e in found]}), "-")
        return
    if not found and not as_csv:
        out.print("no audit entries")
        return
    rows: list[list[Cell]] = [
        [e.seq, Time(e.ts.timestamp()), e.actor, e.site or "", e.action, e.target, e.why] for e in found
    ]
    emit(("seq", "at", "who", "site", "action", "target", "why"), rows, as_csv=as_csv, wide=wide)


@audit_app.command("verify")
def verify(json_out: JsonOption = False, db: DbOption = None) -> None:
    """Walk the chain from the first entry; report the first broken link (exit 1)."""
    from plantwarden.people.audit import verify as walk

    verdict = walk(Settings.load(db).db_url)
    if json_out:
        from plantwarden import jsonout

        body = {
            "ok": verdict.broken_at is None,
            "entries": verdict.count,
            "head": verdict.head,
            "broken_at": verdict.broken_at,
            "problem": verdict.problem,
        }
        jsonout.write(jsonout.document(*VERIFY_SCHEMA, body), "-")
    elif verdict.broken_at is None:
        out.print(f"audit log intact: {verdict.count} entries; head {verdict.head}", markup=False)
    else:
        out.print(
            f"audit log broken at entry {verdict.broken_at}: {verdict.problem} "
            f"({verdict.count} entries before it verify)",
            markup=False,
        )
    if verdict.broken_at is not None:
        raise typer.Exit(EXIT_FINDINGS)
