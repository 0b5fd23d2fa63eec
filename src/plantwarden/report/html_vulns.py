"""The HTML report's vulnerability section: the most urgent items with the production each
puts at risk and its one-line why, then the roll-up per production line (money at risk and
counts, not an average of scores). Fed by ``plantwarden.vulns.service.site_vulns``."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from plantwarden.continuity.text import minutes, money

TOP = 10


def _at_risk(item: Mapping[str, Any], currency: str) -> str:
    p = item["production_at_risk"]
    if not p["in_model"]:
        return "unknown (not in the site model)"
    if not p["lines"]:
        return "no line stops"
    lines = ", ".join(f"{x['line']} after {minutes(x['after_minutes'])}" for x in p["lines"])
    return f"{money(p['per_hour'], currency)}/h ({lines})"


def _table(head: list[str], rows: list[list[str]], cls: str) -> str:
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def vulns_section(body: Mapping[str, Any]) -> list[str]:
    """The section's HTML parts (empty when the site was never matched)."""
    if not body:
        return []
    items: list[Mapping[str, Any]] = body["items"]
    currency = str(body.get("currency") or "")
    kev = sum(1 for i in items if i["kev"])
    source = f"advisories {body['bundle']}, KEV {body['kev_bundle']}"
    out = [
        f"<h2>Vulnerabilities, most urgent first ({len(items)}; {kev} known exploited)</h2>",
        f'<p class="sub">Ranked with SSVC as a deployer ({escape(source)}); '
        f"the top {min(TOP, len(items))} (plantwarden vulns lists them all).</p>",
    ]
    if not items:
        return [*out, "<p>No advisory in the bundle in use matches an asset of the site.</p>"]
    rows = [
        [
            escape(i["decision"]),
            escape(i["asset"]),
            f"{escape(i['cve'])} <small>{escape(i['advisory'])}</small>",
            "&#9888; known exploited" if i["kev"] else "no",
            escape(_at_risk(i, currency)),
            escape(str(i["status"]).replace("_", " ")),
            escape(i["why"]),
        ]
        for i in items[:TOP]
    ]
    head = ["decision", "asset", "vulnerability", "KEV", "production at risk", "status", "why"]
    out.append(_table(head, rows, "vulns"))
    lines = [
        [
            escape(g["line"]),
            escape(money(g["per_hour_at_risk"], currency)) + "/h",
            str(g["items"]),
            str(g["assets"]),
            str(g["kev"]),
            escape(g["most_urgent"]),
        ]
        for g in body["by_line"]
    ]
    out.append("<h2>Vulnerabilities per production line</h2>")
    if lines:
        line_head = ["line", "at risk", "items", "assets", "known exploited", "most urgent"]
        out.append(_table(line_head, lines, "vulns-lines"))
    else:
        out.append("<p>No vulnerable asset stops a production line.</p>")
    return out
