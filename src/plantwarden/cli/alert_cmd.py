"""``plantwarden alerts``, ``alert show|ack|close|learn|mute|reopen|unmute`` and ``mutes``: the
alert queue. Alert ids may be shortened to any unique prefix; assets are shown by their names in
the stored current site, times in its timezone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any

import typer

from plantwarden.cli.console import out
from plantwarden.cli.listing import CsvOption, Styled, Time, WideOption, emit
from plantwarden.cli.options import DbOption, JsonOption, SiteNameOption
from plantwarden.settings import Settings

if TYPE_CHECKING:  # imported where used, so that other commands start without them
    from plantwarden.detect.listing import QueueFilter
    from plantwarden.detect.model import Alert
    from plantwarden.detect.queue import SiteView

alert_app = typer.Typer(
    help="The alert queue: show one alert, or act on it (ack, close, learn, mute, reopen, unmute).",
    no_args_is_help=True,
)

ById = Annotated[str, typer.Argument(help="Alert id, or a unique prefix of it (see plantwarden alerts).")]
By = Annotated[str, typer.Option("--by", help="Who acts (name or initials).")]
Why = Annotated[str, typer.Option("--why", help="Why (kept with the alert's history).")]

SEVERITY_STYLE = {
    "critical": "bold white on red",
    "high": "bold red",
    "medium": "yellow",
    "low": "cyan",
    "info": "dim",
}

HEADERS = ("id", "severity", "state", "rule", "from", "to", "at risk", "owner", "count", "last seen")
CSV_HEADERS = (
    "id", "severity", "state", "rule", "src", "src_name", "dst", "dst_name", "at_risk_per_hour",
    "currency", "at_risk", "owner", "count", "first_seen", "last_seen", "title",
)  # fmt: skip


def register(app: typer.Typer) -> None:
    from plantwarden.cli.alert_frames import frames

    alert_app.command("frames")(frames)
    app.command("alerts")(alerts)
    app.command("mutes")(mutes)
    app.add_typer(alert_app, name="alert")


def scoped(db: str | None, site_name: str | None) -> tuple[str, int | None, SiteView]:
    """The store's URL, the chosen site's id (plantwarden.store.choice) and its view (names,
    owner, timezone of its stored model; a neutral one without a model)."""
    from plantwarden.continuity.source import stored_model
    from plantwarden.detect.queue import SiteView
    from plantwarden.store.choice import site_ref

    url = Settings.load(db).db_url
    ref = site_ref(db, site_name)
    return url, ref.id, SiteView(stored_model(url, ref.id))


def alert_rows(items: list[Alert], view: SiteView, *, as_csv: bool = False) -> list[list[Any]]:
    """One row per alert for the screen (names, at risk, owner) or CSV (addresses and names)."""
    from plantwarden.detect.order import at_risk_per_hour
    from plantwarden.detect.queue import at_risk_text

    rows: list[list[Any]] = []
    for a in items:
        owner = view.owner(a)
        label = a.severity.label
        risk = at_risk_text(a.impact, lines=as_csv)
        if as_csv:
            currency = str(a.impact.get("currency", "")) if a.impact else ""
            rows.append([
                a.id, label, a.state, a.rule, a.src, view.name(a, a.src), a.dst, view.name(a, a.dst),
                at_risk_per_hour(a.impact), currency, risk, owner.short() if owner else "", a.count,
                Time(a.first_ts, view.tz), Time(a.last_ts, view.tz), a.title,
            ])  # fmt: skip
            continue
        rows.append([
            a.id, Styled(label, SEVERITY_STYLE[label]), a.state, a.rule, view.name(a, a.src),
            view.name(a, a.dst), risk, owner.short() if owner else "", a.count, Time(a.last_ts, view.tz),
        ])  # fmt: skip
    return rows


def show_alerts(
    items: list[Alert], view: SiteView, *, limit: int | None = None, as_csv: bool = False, wide: bool = False
) -> None:
    """Alerts held in memory (a detection run's) worst first
    (:func:`plantwarden.detect.order.worst_first`), at most ``limit``."""
    from plantwarden.detect.order import worst_first

    ordered = worst_first(view.named(a) for a in items)
    if as_csv:
        emit(CSV_HEADERS, alert_rows(ordered, view, as_csv=True), as_csv=True)
        return
    if not ordered:
        out.print("no alerts")
        return
    shown = ordered if limit is None else ordered[:limit]
    emit(HEADERS, alert_rows(shown, view), wide=wide)
    if len(shown) < len(ordered):
        out.print(f"the {len(shown)} most severe of {len(ordered)} alerts; all of them: {ALL}")


#: How to see every alert (after a first page).
ALL = "plantwarden alerts --all (or --limit N)"
#: Rows the table shows without --limit or --all (the API's page).
FIRST_PAGE = 50

LimitOption = Annotated[
    int | None,
    typer.Option(
        "--limit",
        min=0,
        help=f"At most N alerts, worst first; 0: all. Default: {FIRST_PAGE} in a table, all in JSON or CSV.",
    ),
]
AllOption = Annotated[bool, typer.Option("--all", help="Every alert (the same as --limit 0).")]


def alerts(
    state: Annotated[
        str | None, typer.Option("--state", help="new, acknowledged or closed (several: new,acknowledged).")
    ] = None,
    rule: Annotated[str | None, typer.Option("--rule", help="Rule name(s), e.g. port-scan.")] = None,
    asset: Annotated[
        str | None, typer.Option("--asset", help="Alerts from or to this asset (site name or address).")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Active since: 2026-12-07, 2026-12-07T08:30 (site time) or 24h (ago)."),
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Active until (same forms as --since).")
    ] = None,
    severity: Annotated[str | None, typer.Option("--severity", help="This severity and above.")] = None,
    limit: LimitOption = None,
    all_: AllOption = False,
    json_out: JsonOption = False,
    as_csv: CsvOption = False,
    wide: WideOption = False,
    db: DbOption = None,
    site_name: SiteNameOption = None,
) -> None:
    """List the site's stored alerts, worst first: assets by name, production at risk, owner.

    The table shows the first 50 (--limit N, --all); --json and --csv write every one, read
    from the store a page at a time (plantwarden.detect.listing, as the API's list)."""
    from plantwarden.detect.listing import QueueFilter
    from plantwarden.detect.queue import parse_query

    url, site_id, view = scoped(db, site_name)
    query = parse_query(
        state=state, rule=rule, asset=asset, since=since, until=until, severity=severity, site=view.site
    )
    if all_ or limit == 0:
        most: int | None = None
    else:
        most = limit if limit is not None else (None if json_out or as_csv else FIRST_PAGE)
    flt = QueueFilter(query)
    if json_out:
        from plantwarden import jsonout

        docs = (_document(a, view) for a in _stored(url, site_id, flt, view, most))
        jsonout.write_listed(jsonout.document("alerts", 1, {}), "alerts", docs)
        return
    if as_csv:
        from plantwarden.cli.listing import write_csv_pages

        found = _pages(url, site_id, flt, view, most)
        write_csv_pages(CSV_HEADERS, (alert_rows(page, view, as_csv=True) for page in found))
        return
    _table(url, site_id, flt, view, most, wide)


def _pages(
    url: str, site_id: int | None, flt: QueueFilter, view: SiteView, most: int | None
) -> Iterator[list[Alert]]:
    """The stored alerts a page at a time, worst first, as the site names and prices them
    (none in a store that has no site yet)."""
    from plantwarden.detect.listing import pages
    from plantwarden.detect.model import Alert

    if site_id is None:
        return
    for rows in pages(url, site_id, flt, most):
        yield [view.named(Alert.from_json(r.document)) for r in rows]


def _stored(
    url: str, site_id: int | None, flt: QueueFilter, view: SiteView, most: int | None
) -> Iterator[Alert]:
    for page in _pages(url, site_id, flt, view, most):
        yield from page


def _table(
    url: str, site_id: int | None, flt: QueueFilter, view: SiteView, most: int | None, wide: bool
) -> None:
    from plantwarden.detect.listing import count

    shown = [a for page in _pages(url, site_id, flt, view, None if most is None else most + 1) for a in page]
    if not shown:
        out.print("no alerts")
        return
    more = most is not None and len(shown) > most
    shown = shown[:most] if more else shown
    emit(HEADERS, alert_rows(shown, view), wide=wide)
    if more and site_id is not None:
        total = count(url, site_id, flt)
        rest = total - len(shown)
        out.print(f"the {len(shown)} most severe of {total:,} alerts ({rest:,} more); all of them: {ALL}")


def _document(alert: Alert, view: SiteView, history: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    doc = alert.to_json()
    # the times as people read them too: ISO 8601 in the site's timezone (the epoch fields stay)
    doc["first_seen"] = Time(alert.first_ts, view.tz).iso()
    doc["last_seen"] = Time(alert.last_ts, view.tz).iso()
    owner = view.owner(alert)
    if owner is not None:
        doc["owner"] = {
            "asset": owner.asset,
            "responsible": list(owner.responsible),
            "accountable": list(owner.accountable),
            "source": owner.source,
        }
    if history is not None:
        doc["history"] = history
    return doc


@alert_app.command("show")
def show(
    alert_id: ById, json_out: JsonOption = False, db: DbOption = None, site_name: SiteNameOption = None
) -> None:
    """Everything about one alert: assets, evidence, production at risk, owner, history."""
    from plantwarden.detect.store_alerts import find_alert
    from plantwarden.vulns.on_alerts import known_exploited, text

    url, site_id, view = scoped(db, site_name)
    alert, history = find_alert(url, alert_id, site_id)
    alert = view.named(alert)
    target = view.describe(alert, alert.dst).get("name") if alert.dst else None
    kev = known_exploited(url, site_id, [str(target)] if target else [])
    if json_out:
        from plantwarden import jsonout

        # the alert JSON as --jsonl writes it (plantwarden.alert/1), with its owner and history
        doc = {**_document(alert, view, history), "known_exploited": kev}
        jsonout.write(jsonout.document("alert", 1, doc), "-")
        return
    lines = _show_lines(alert, history, view)
    at = next((i for i, x in enumerate(lines) if x.startswith("  response")), len(lines))
    lines[at:at] = [f"  KEV        {text(k)}" for k in kev]  # the target's known-exploited vulnerabilities
    for line in lines:
        out.print(line, markup=False, highlight=False)


def _asset_text(entry: dict[str, Any]) -> str:
    extra = [f"{k} {entry[k]}" for k in ("zone", "role", "criticality") if entry.get(k)]
    if entry.get("safety"):
        extra.append("safety")
    name = f"{entry['name']} {entry['address']}" if entry.get("name") else str(entry["address"])
    return name + (f" ({', '.join(extra)})" if extra else "")


def _show_lines(alert: Alert, history: list[dict[str, Any]], view: SiteView) -> list[str]:
    from plantwarden.detect.queue import at_risk_text

    def when(ts: float) -> str:
        return Time(ts, view.tz).screen()

    lines = [
        f"alert {alert.id}: {alert.title} ({alert.rule})",
        f"  severity   {alert.severity.label}, {alert.state}",
        f"  from       {_asset_text(view.describe(alert, alert.src))}",
        f"  to         {_asset_text(view.describe(alert, alert.dst))}",
        f"  seen       {_times(alert.count)}, first {when(alert.first_ts)}, last {when(alert.last_ts)}",
    ]
    for t in alert.techniques:
        lines.append(
            f"  ATT&CK     {t['id']} {t['name']} ({', '.join(t.get('tactics', []))}) {t.get('url', '')}"
        )
    impact = alert.impact
    if impact:
        lines.append(
            f"  at risk    {at_risk_text(impact) or 'no line stops'} (if {', '.join(impact['assets'])} fails)"
        )
        for x in impact.get("lines", []):
            path = " <- ".join(x.get("path", []))
            cost = f"{x['cost_per_hour']:,.0f} {impact.get('currency', '')}/h"
            lines.append(f"             {x['line']}: {cost} after {x['buffer_minutes']:g} min, via {path}")
    else:
        lines.append("  at risk    nothing known (no site model names its target)")
    owner = view.owner(alert)
    if owner is not None:
        lines.append(
            f"  owner      {owner.asset}: responsible {', '.join(map(view.role_text, owner.responsible))}"
        )
        lines.append(
            f"             accountable {', '.join(map(view.role_text, owner.accountable))} ({owner.source})"
        )
    else:
        lines.append("  owner      none declared (site model raci)")
    for detail in alert.details:
        lines.append(f"  detail     {detail}")
    for ev in alert.evidence:
        shown = ", ".join(map(str, ev.frames))
        lines.append(f"  evidence   {ev.capture} frames {shown}")
        if ev.burst_count:
            starts = ", ".join(map(str, ev.bursts))
            more = f" (the first {len(ev.bursts)})" if len(ev.bursts) < ev.burst_count else ""
            lines.append(f"             recurred {ev.burst_count} times, from frames {starts}{more}")
    lines.append(f"  response   {alert.response}")
    if not history:
        lines.append("  history    none yet (plantwarden alert ack ID --by NAME --why TEXT)")
    for h in history:
        at = Time(_ts(h["at"]), view.tz).screen()
        lines.append(f"  history    {at} {h['action']} by {h['by']}: {h['why']} -> {h['state']}")
    return lines


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


def _ts(iso: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(iso).timestamp()


def _act(action: str, alert_id: str, by: str, why: str, db: str | None, site_name: str | None) -> None:
    from plantwarden.detect.service import alert_action
    from plantwarden.store.choice import site_ref
    from plantwarden.store.engine import check_writable

    check_writable(Settings.load(db).db_url)  # a read-only store first, before the site is looked up
    ref = site_ref(db, site_name)
    url = Settings.load(db).db_url
    alert, version = alert_action(url, alert_id, action, by, why, ref.id, ref.name)
    from plantwarden.people.audit import record

    details: dict[str, object] = {
        "state": alert.state,
        "rule": alert.rule,
        "src": alert.src,
        "dst": alert.dst,
        "via": "cli",
    }
    if version:
        details["baseline_version"] = version
    record(url, by, f"alert.{action}", f"alert {alert.id}", site_id=ref.id, why=why, details=details)
    note = f"; baseline version {version}" if version else ""
    if action == "unmute":
        note = f"; {alert.rule} from {alert.src} to {alert.dst} alerts again"
    out.print(f"alert {alert.id}: {alert.state}{note}", markup=False)


@alert_app.command("ack")
def ack(alert_id: ById, by: By, why: Why, db: DbOption = None, site_name: SiteNameOption = None) -> None:
    """Acknowledge: someone is looking at it."""
    _act("ack", alert_id, by, why, db, site_name)


@alert_app.command("close")
def close(alert_id: ById, by: By, why: Why, db: DbOption = None, site_name: SiteNameOption = None) -> None:
    """Close: handled."""
    _act("close", alert_id, by, why, db, site_name)


@alert_app.command("learn")
def learn(alert_id: ById, by: By, why: Why, db: DbOption = None, site_name: SiteNameOption = None) -> None:
    """Add what the alert saw to the baseline (a new version) and close it."""
    _act("learn", alert_id, by, why, db, site_name)


@alert_app.command("mute")
def mute(alert_id: ById, by: By, why: Why, db: DbOption = None, site_name: SiteNameOption = None) -> None:
    """Suppress this rule for this source/destination pair from now on, and close the alert."""
    _act("mute", alert_id, by, why, db, site_name)


@alert_app.command("reopen")
def reopen(alert_id: ById, by: By, why: Why, db: DbOption = None, site_name: SiteNameOption = None) -> None:
    """Make a closed alert new again (a mute stays: alert unmute lifts it)."""
    _act("reopen", alert_id, by, why, db, site_name)


@alert_app.command("unmute")
def unmute(alert_id: ById, by: By, why: Why, db: DbOption = None, site_name: SiteNameOption = None) -> None:
    """Lift the mute this alert set: the rule alerts again for its source/destination pair."""
    _act("unmute", alert_id, by, why, db, site_name)


def mutes(
    json_out: JsonOption = False,
    as_csv: CsvOption = False,
    wide: WideOption = False,
    db: DbOption = None,
    site_name: SiteNameOption = None,
) -> None:
    """List the site's muted rule/source/destination pairs: who muted, when, why, and the alert to unmute."""
    from plantwarden.detect.store_alerts import list_mutes

    url, site_id, view = scoped(db, site_name)
    found = list_mutes(url, site_id)
    if json_out:
        from plantwarden import jsonout

        docs = [
            {
                "rule": m.rule,
                "src": m.src,
                "dst": m.dst,
                "by": m.by,
                "why": m.why,
                "at": m.at.isoformat(),
                "alert": m.alert_id,
            }
            for m in found
        ]
        jsonout.write(jsonout.document("mutes", 1, {"mutes": docs}), "-")
        return
    if not found and not as_csv:
        out.print("no mutes")
        return
    ctx = view.ctx
    rows: list[list[Any]] = [
        [
            m.rule,
            str(ctx.describe(m.src).get("name", m.src)) if m.src != "*" else m.src,
            str(ctx.describe(m.dst).get("name", m.dst)) if m.dst and m.dst != "*" else m.dst,
            m.by,
            Time(m.at.timestamp(), view.tz),
            m.why,
            m.alert_id or "",
        ]
        for m in found
    ]
    emit(("rule", "from", "to", "by", "at", "why", "alert"), rows, as_csv=as_csv, wide=wide)
