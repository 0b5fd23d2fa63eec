"""``plantwarden access request|approve|deny|revoke|list|show|check|report``: vendor remote
access grants, and the sessions on the wire held against them (docs/access.md).

Times without an offset are the site's local time. Every change goes to the audit log, by
the operating-system user unless ``--by`` names someone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from plantwarden.cli.audit_cmd import ByOption
from plantwarden.cli.console import out
from plantwarden.cli.listing import Cell, CsvOption, Time, WideOption, emit
from plantwarden.cli.options import DbOption, JsonOption, SiteNameOption, SiteOption
from plantwarden.cli.outfile import ForceOption, OutOption, guard
from plantwarden.errors import UsageError
from plantwarden.settings import Settings

if TYPE_CHECKING:
    from plantwarden.access.grants import Grant
    from plantwarden.site.model import SiteModel

access_app = typer.Typer(
    help="Vendor remote access: grants, and sessions held against them.", no_args_is_help=True
)
GRANTS_SCHEMA = ("access-grants", 1)
GRANT_SCHEMA = ("access-grant", 1)
REPORT_SCHEMA = ("access-report", 1)
GrantArg = Annotated[str, typer.Argument(help="The grant: G12 (stored) or a declared grant's name.")]
WhyOption = Annotated[
    str, typer.Option("--why", help="Why (recorded in the grant's history and the audit log).")
]


def register(app: typer.Typer) -> None:
    app.add_typer(access_app, name="access")
    from plantwarden.cli import access_check_cmd

    access_check_cmd.register(access_app)


def site_context(
    db: str | None, site: Path | None, site_name: str | None
) -> tuple[SiteModel, int | None, str]:
    """The site model (``--site`` or stored), the chosen site's id (None: none stored), the store URL."""
    from plantwarden.continuity.source import require_site
    from plantwarden.store.choice import site_ref

    url = Settings.load(db).db_url
    model = require_site(site, db, site_name)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return model, None, url
    return model, site_ref(db, site_name, model).id, url


def _writing(site_id: int | None) -> int:
    if site_id is None:
        raise UsageError(
            "the store holds no site yet: store the site model with 'plantwarden site load FILE'"
        )
    return site_id


def parse_at(text: str, option: str, model: SiteModel) -> datetime:
    """``2026-12-12T06:00`` (site time), with an offset, or ``now``."""
    if text.strip().lower() == "now":
        return datetime.now(UTC)
    try:
        at = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"{option} {text!r}: expected a date and time (2026-12-12T06:00, site time) or 'now'"
        ) from None
    return (at if at.tzinfo is not None else at.replace(tzinfo=model.tz)).astimezone(UTC)


@access_app.command("request")
def request_cmd(
    vendor: Annotated[str, typer.Option("--vendor", help="The vendor's company, as in the site model.")],
    person: Annotated[str, typer.Option("--person", help="Who connects.")],
    reason: Annotated[str, typer.Option("--reason", help="Why: the job to do.")],
    asset: Annotated[list[str] | None, typer.Option("--asset", help="An asset (repeat for more).")] = None,
    zone: Annotated[str | None, typer.Option("--zone", help="A whole zone instead of assets.")] = None,
    protocol: Annotated[
        list[str] | None, typer.Option("--protocol", help="ssh, rdp, vnc, s7comm, ... (repeat).")
    ] = None,
    operations: Annotated[str, typer.Option("--operations", help="view or engineering.")] = "view",
    start: Annotated[str, typer.Option("--start", help="Start (site time), or now.")] = "now",
    end: Annotated[str | None, typer.Option("--end", help="End (site time).", show_default=False)] = None,
    duration: Annotated[
        str | None, typer.Option("--for", help="Length instead of --end: 4h, 2d.", show_default=False)
    ] = None,
    ticket: Annotated[str | None, typer.Option("--ticket", help="Ticket number.", show_default=False)] = None,
    by: ByOption = None,
    json_out: JsonOption = False,
    site: SiteOption = None,
    site_name: SiteNameOption = None,
    db: DbOption = None,
) -> None:
    """Request a grant: who, which assets or zone, how, when (never open-ended)."""
    from datetime import timedelta

    from plantwarden.access import service
    from plantwarden.access.validate import GrantRequest
    from plantwarden.durations import parse_seconds
    from plantwarden.people.audit import VIA_CLI, os_actor

    model, site_id, url = site_context(db, site, site_name)
    begin = parse_at(start, "--start", model)
    if end is not None and duration is not None:
        raise UsageError("give --end or --for, not both")
    stop = parse_at(end, "--end", model) if end is not None else None
    if duration is not None:
        stop = begin + timedelta(seconds=parse_seconds(duration, bare="h", option="--for"))
    req = GrantRequest(
        person,
        vendor,
        tuple(asset or ()),
        zone,
        tuple(protocol or ()),
        operations,
        begin,
        stop,
        reason,
        ticket,
    )
    grant = service.request(url, _writing(site_id), model, req, os_actor(by), VIA_CLI)
    _one(
        grant,
        model,
        json_out,
        [],
        f"requested grant {grant.key}; approve it with: plantwarden access approve {grant.key} --why TEXT",
    )


def _one(
    grant: Grant, model: SiteModel, json_out: bool, history: list[dict[str, str]], note: str = ""
) -> None:
    now = datetime.now(UTC)
    if json_out:
        from plantwarden import jsonout

        jsonout.write(jsonout.document(*GRANT_SCHEMA, {"grant": grant.as_dict(now), "history": history}), "-")
        return
    doc = grant.as_dict(now)
    for key in (
        "grant",
        "state",
        "grantee",
        "company",
        "assets",
        "zone",
        "protocols",
        "operations",
        "start",
        "end",
        "ticket",
        "reason",
        "requested_by",
        "approved_by",
        "revoked_by",
        "revoked_at",
    ):
        value = doc.get(key)
        if key in ("start", "end", "revoked_at") and value:
            value = Time(datetime.fromisoformat(str(value)).timestamp(), model.tz).screen()
        if isinstance(value, list):
            value = ", ".join(value)
        if value not in (None, "", []):
            out.print(f"{key:>13}  {value}", markup=False)
    for h in history:
        out.print(f"{'history':>13}  {h['ts']}  {h['action']} by {h['actor']}: {h['why']}", markup=False)
    if note:
        out.print(note, markup=False)


def _decision(
    action: str,
    key: str,
    by: str | None,
    why: str,
    db: str | None,
    site: Path | None,
    site_name: str | None,
    json_out: bool,
) -> None:
    from plantwarden.access import service
    from plantwarden.people.audit import VIA_CLI, os_actor

    model, site_id, url = site_context(db, site, site_name)
    actor = os_actor(by)
    sid = _writing(site_id)
    if action == "approve":
        grant = service.approve(url, sid, model, key, actor, why, how=VIA_CLI)
    elif action == "deny":
        grant = service.deny(url, sid, key, actor, why, VIA_CLI)
    else:
        grant = service.revoke(url, sid, key, actor, why, VIA_CLI)
    _one(grant, model, json_out, [], f"grant {grant.key} {grant.state(datetime.now(UTC))}")


@access_app.command("approve")
def approve_cmd(
    key: GrantArg,
    why: WhyOption,
    by: ByOption = None,
    json_out: JsonOption = False,
    site: SiteOption = None,
    site_name: SiteNameOption = None,
    db: DbOption = None,
) -> None:
    """Approve a requested grant (another person than the requester, R or A in the RACI)."""
    _decision("approve", key, by, why, db, site, site_name, json_out)


@access_app.command("deny")
def deny_cmd(
    key: GrantArg,
    why: WhyOption,
    by: ByOption = None,
    json_out: JsonOption = False,
    site: SiteOption = None,
    site_name: SiteNameOption = None,
    db: DbOption = None,
) -> None:
    """Deny a requested grant."""
    _decision("deny", key, by, why, db, site, site_name, json_out)


@access_app.command("revoke")
def revoke_cmd(
    key: GrantArg,
    why: WhyOption,
    by: ByOption = None,
    json_out: JsonOption = False,
    site: SiteOption = None,
    site_name: SiteNameOption = None,
    db: DbOption = None,
) -> None:
    """End a grant now: sessions after this are outside it."""
    _decision("revoke", key, by, why, db, site, site_name, json_out)


@access_app.command("list")
def list_cmd(
    state: Annotated[str | None, typer.Option("--state", help="Only this state.", show_default=False)] = None,
    json_out: JsonOption = False,
    as_csv: CsvOption = False,
    wide: WideOption = False,
    site: SiteOption = None,
    site_name: SiteNameOption = None,
    db: DbOption = None,
) -> None:
    """The grants: the site model's standing ones and the stored ones, with their state now."""
    from plantwarden.access import service
    from plantwarden.access.grants import STATES

    if state is not None and state not in STATES:
        raise UsageError(f"unknown state {state!r} (expected one of: {', '.join(STATES)})")
    if json_out and as_csv:
        raise UsageError("give --json or --csv, not both")
    model, site_id, url = site_context(db, site, site_name)
    now = datetime.now(UTC)
    grants = service.listing(
        service.all_grants(url if site_id is not None else None, site_id, model), now, state
    )
    if json_out:
        from plantwarden import jsonout

        jsonout.write(jsonout.document(*GRANTS_SCHEMA, {"grants": [g.as_dict(now) for g in grants]}), "-")
        return
    if not grants and not as_csv:
        out.print("no grants")
        return
    tz = model.tz
    rows: list[list[Cell]] = [
        [
            g.key,
            g.state(now),
            g.grantee,
            g.company,
            ", ".join(g.assets) or f"zone {g.zone}",
            ", ".join(g.protocols),
            g.operations,
            Time(g.start.timestamp(), tz),
            Time(g.until.timestamp(), tz),
            g.approved_by or "",
        ]
        for g in grants
    ]
    emit(
        (
            "grant",
            "state",
            "person",
            "vendor",
            "assets",
            "protocols",
            "operations",
            "start",
            "end",
            "approved by",
        ),
        rows,
        as_csv=as_csv,
        wide=wide,
    )


@access_app.command("show")
def show_cmd(
    key: GrantArg,
    json_out: JsonOption = False,
    site: SiteOption = None,
    site_name: SiteNameOption = None,
    db: DbOption = None,
) -> None:
    """One grant with its history."""
    from plantwarden.access import service

    model, site_id, url = site_context(db, site, site_name)
    grant, history = service.show(url, site_id, model, key)
    _one(grant, model, json_out, history)


@access_app.command("report")
def report_cmd(
    since: Annotated[
        str, typer.Option("--since", help="From a time (2026-11-01) or back from now (30d).")
    ] = "30d",
    out_path: OutOption = None,
    force: ForceOption = False,
    json_out: JsonOption = False,
    site: SiteOption = None,
    site_name: SiteNameOption = None,
    db: DbOption = None,
) -> None:
    """Per vendor: sessions, hours, assets touched, operations, findings (HTML with --out)."""
    guard(out_path, force)
    from plantwarden.access.review import review
    from plantwarden.access.store_sessions import load_sessions
    from plantwarden.detect.queue import parse_time

    if json_out and out_path is not None:
        raise UsageError("give --json or --out, not both")
    model, site_id, url = site_context(db, site, site_name)
    if site_id is None:
        raise UsageError(f"no plantwarden store at {url.removeprefix('sqlite:///')} (run detect first)")
    now = datetime.now(UTC)
    start = datetime.fromtimestamp(parse_time(since, "--since", model.tz, now), UTC)
    found = review(load_sessions(url, site_id, start), model, start, now)
    if json_out:
        from plantwarden import jsonout

        jsonout.write(jsonout.document(*REPORT_SCHEMA, found.as_dict()), "-")
        return
    if out_path is not None:
        from plantwarden.access.review_html import render

        out_path.write_text(render(found, model.site.name), encoding="utf-8")
        out.print(f"wrote {out_path}", markup=False)
        return
    if not found.vendors:
        out.print("no remote sessions stored in this period (plantwarden detect stores them)")
        return
    rows: list[list[Cell]] = [
        [v.vendor, v.sessions, f"{v.hours:.2f}", ", ".join(sorted(v.assets)),
         ", ".join(f"{k} {n}" for k, n in sorted(v.operations.items())),
         ", ".join(f"{k} {n}" for k, n in sorted(v.findings.items())) or "-"]
        for v in found.vendors
    ]  # fmt: skip
    emit(("vendor", "sessions", "hours", "assets", "operations", "findings"), rows)
