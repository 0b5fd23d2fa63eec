"""The HTML report's remediation plan section, from the latest stored plan run of the site
(``plantwarden plan``; plan.store.latest_run): per window its items, the lines that stop, the
production cost and the risk it retires; per line the money per hour at risk before and after
the plan; every deferred item with why, and its compensating control (owner, expiry,
evidence). Numbers carry their raw value in ``data-sort``, so the tables sort in the browser."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from plantwarden.continuity.text import money

NO_PLAN = "No remediation plan is stored for this site yet: run <code>plantwarden plan</code> to make one."
Cell = str | tuple[str, float]  # HTML, or (HTML, raw number for data-sort)


def _td(cell: Cell) -> str:
    if isinstance(cell, tuple):
        return f'<td data-sort="{cell[1]}">{cell[0]}</td>'
    return f"<td>{cell}</td>"


def _table(head: list[str], rows: Sequence[Sequence[Cell]], cls: str) -> str:
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(_td(c) for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls} sortable"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def _list(names: Sequence[str], none: str = "-") -> str:
    return escape(", ".join(names)) if names else none


def _head(body: Mapping[str, Any]) -> str:
    items = body["items"]
    placed = sum(1 for i in items if i["window"] is not None)
    gap = "unknown" if body["gap"] is None else f"{body['gap']:.2%}"
    when = str(body.get("created_at", ""))[:16].replace("T", " ")
    return (
        f'<p class="sub">Plan run {body.get("run", "?")} of {escape(when)} UTC, {escape(body["solver"])}: '
        f"{escape(body['status'])}, gap {gap}. {len(items)} items over {body['horizon_days']} days "
        f"from {escape(body['today'])}: {placed} in a window, {len(items) - placed} in none, "
        f"{len(body['controls'])} compensating controls (plantwarden plan show lists each with why).</p>"
    )


def _windows(body: Mapping[str, Any], currency: str) -> str:
    rows: list[list[Cell]] = [
        [
            escape(w["id"]),
            escape(f"{w['start'][:16].replace('T', ' ')} ({w['hours']:g} h)"),
            _list(w["items"]),
            _list(w["lines_stopping"], "no line"),
            (escape(money(w["production_cost"], currency)), w["production_cost"]),
            (f"{w['risk_retired']:g}", w["risk_retired"]),
            (str(len(w["cves_retired"])), len(w["cves_retired"])),
        ]
        for w in body["windows"]
    ]
    head = ["window", "starts", "items", "lines that stop", "production cost", "risk retired", "CVEs retired"]
    return _table(head, rows, "plan-windows")


def _lines(body: Mapping[str, Any], currency: str) -> str:
    rows: list[list[Cell]] = [
        [
            escape(x["line"]),
            (escape(money(x["at_risk_before"], currency)) + "/h", x["at_risk_before"]),
            (escape(money(x["at_risk_after"], currency)) + "/h", x["at_risk_after"]),
            _list(x["items_before"]),
            _list(x["items_after"]),
        ]
        for x in body["lines"]
    ]
    head = ["line", "at risk before the plan", "at risk after it", "open items before", "open after"]
    return _table(head, rows, "plan-lines")


def _deferred(body: Mapping[str, Any]) -> list[list[Cell]]:
    """Items in no window, or with a control (late, or no installable fix)."""
    controls = {c["item"]: c for c in body["controls"]}
    rows: list[list[Cell]] = []
    for i in body["items"]:
        c = controls.get(i["id"])
        if c is None and i["window"] is not None:
            continue
        control = ["none", "-", "-", "-"]
        if c is not None:
            fixed = c["expires_with"] != "horizon end (review)"
            expires = c["expires_with"] if fixed else f"{c['expires'][:10]} (horizon end: review)"
            control = [escape(c["action"]), escape(c["owner"]), escape(expires), escape(c["evidence"])]
        where = escape(i["window"] or "none")
        rows.append([escape(i["id"]), escape(i["deadline"] or "-"), where, escape(i["why"]), *control])
    return rows


def plan_section(body: Mapping[str, Any] | None) -> list[str]:
    """The section's HTML parts; one line saying how to make a plan when none is stored."""
    if not body:
        return ["<h2>Remediation plan</h2>", f"<p>{NO_PLAN}</p>"]
    currency = str(body.get("currency") or "")
    out = ["<h2>Remediation plan: fixes scheduled into the maintenance windows</h2>", _head(body)]
    out.append(f"<h3>Per window ({len(body['windows'])} with work)</h3>")
    out.append(_windows(body, currency) if body["windows"] else "<p>No window holds an item.</p>")
    out += ["<h3>Money at risk per line, before and after the plan</h3>", _lines(body, currency)]
    rows = _deferred(body)
    out.append(f"<h3>Deferred and late items, with their compensating controls ({len(rows)})</h3>")
    head = ["item", "deadline", "window", "why", "compensating control", "owner", "expires", "evidence"]
    out.append(
        _table(head, rows, "plan-deferred") if rows else "<p>Every item is in a window by its deadline.</p>"
    )
    return out
