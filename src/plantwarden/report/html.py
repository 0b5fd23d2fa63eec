"""The HTML report (``demo-report.html``, ``plantwarden report --out``): one self-contained
page (inline CSS, SVG and JavaScript, no external fetch: it opens on a machine without network).

The answer first (does this keep production safe and running?), then the pictures (the
network map by zone, cost at risk per line), then the tables: alerts worst first (a click on
a column header sorts by it, the ``#`` column restores worst first), single points of
failure, segmentation violations, legacy share per zone, and what to run next.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from plantwarden.cli.outfile import GENERATOR_MARK
from plantwarden.continuity.text import minutes, money
from plantwarden.detect.model import Severity
from plantwarden.detect.order import at_risk_per_hour, worst_first_docs
from plantwarden.report.facts import DemoFacts
from plantwarden.report.html_plan import plan_section
from plantwarden.report.html_vulns import vulns_section
from plantwarden.report.svg_bars import cost_chart
from plantwarden.report.svg_map import SEVERITY_COLOURS, VIOLATION, network_map
from plantwarden.report.text import (
    NEXT_STEPS,
    names,
    risk_text,
    verdict,
    violation_groups,
)

CSS = """
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d2a3a;margin:0;background:#f7f9fc}
main{max-width:1320px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:26px;margin:0 0 4px}
h3{font-size:15.5px;margin:20px 0 8px}
h2{font-size:19px;margin:34px 0 10px;border-bottom:2px solid #dbe3ee;padding-bottom:4px}
.sub{color:#5b6b82;margin:0 0 18px}
.verdict{background:#fff;border-left:6px solid #d62728;
padding:12px 18px;border-radius:6px;box-shadow:0 1px 3px #0001}
.verdict p{margin:6px 0;font-size:15px}
figure{margin:0;background:#fff;border-radius:8px;padding:12px;box-shadow:0 1px 3px #0001}
figcaption{color:#5b6b82;font-size:12.5px;margin-top:6px}
svg{width:100%;height:auto;display:block}
table{border-collapse:collapse;width:100%;background:#fff;box-shadow:0 1px 3px #0001;font-size:13px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e5ebf3;vertical-align:top}
th{background:#eef2f7;font-weight:600}
.sev{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;font-weight:600}
code{background:#eef2f7;padding:1px 5px;border-radius:4px;font-size:12.5px}
.key span{display:inline-block;margin-right:16px}
.sw{display:inline-block;width:22px;height:4px;vertical-align:middle;margin-right:6px}
table.sortable th{cursor:pointer;user-select:none}
table.sortable th[data-dir=asc]::after{content:" \\25B2"}
table.sortable th[data-dir=desc]::after{content:" \\25BC"}
"""

#: Sorts a ``table.sortable`` by the clicked column: numbers by value (a cell's ``data-sort``
#: when it has one), text alphabetically; a second click reverses. Inline: no network needed.
SORT_JS = """
(function(){
function key(td){var v=td.getAttribute('data-sort');if(v===null)v=td.textContent;
var n=Number(v);return v!==''&&!isNaN(n)?[0,n]:[1,v.toLowerCase()];}
function cmp(a,b){if(a[0]!==b[0])return a[0]-b[0];return a[1]<b[1]?-1:a[1]>b[1]?1:0;}
document.querySelectorAll('table.sortable').forEach(function(t){
var heads=t.tHead.rows[0].cells;
Array.prototype.forEach.call(heads,function(th,i){th.addEventListener('click',function(){
var asc=th.getAttribute('data-dir')!=='asc';
Array.prototype.forEach.call(heads,function(h){h.removeAttribute('data-dir');});
th.setAttribute('data-dir',asc?'asc':'desc');
var body=t.tBodies[0],rows=Array.prototype.slice.call(body.rows);
rows.sort(function(x,y){return cmp(key(x.cells[i]),key(y.cells[i]))*(asc?1:-1);});
rows.forEach(function(r){body.appendChild(r);});});});});
})();
"""


def _sev(level: str) -> str:
    return (
        f'<span class="sev" style="background:{SEVERITY_COLOURS.get(level, "#999")}">{escape(level)}</span>'
    )


Cell = str | tuple[str, str | float]  # HTML, or (HTML, sort key)


def _td(cell: Cell) -> str:
    if isinstance(cell, tuple):
        html, key = cell
        return f'<td data-sort="{escape(str(key))}">{html}</td>'
    return f"<td>{cell}</td>"


def _table(head: list[str], rows: Sequence[Sequence[Cell]], cls: str) -> str:
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(_td(c) for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def _frames(alert: Mapping[str, Any]) -> str:
    return "; ".join(f"{e['capture']}: {', '.join(map(str, e['frames'][:6]))}" for e in alert["evidence"])


def when(ts: float, tz: str | None) -> str:
    """A time in the site's timezone with its date (UTC without a site)."""
    zone = ZoneInfo(tz) if tz else UTC
    return datetime.fromtimestamp(ts, zone).strftime("%Y-%m-%d %H:%M:%S %Z")


def _alert_row(rank: int, alert: Mapping[str, Any], tz: str | None) -> list[Cell]:
    src, dst = names(alert)
    details = alert.get("details") or [""]
    count = f" (&times;{alert['count']})" if alert["count"] > 1 else ""
    return [
        (str(rank), rank),
        (_sev(alert["severity"]), int(Severity.parse(str(alert["severity"])))),
        f"<code>{escape(alert['rule'])}</code><br>{escape(alert['title'])}",
        f"{escape(src)} &rarr; {escape(dst)}",
        (escape(when(alert["first_ts"], tz)) + count, alert["first_ts"]),
        (escape(when(alert["last_ts"], tz)), alert["last_ts"]) if alert.get("last_ts") else "",
        escape(_frames(alert)),
        (escape(risk_text(alert)), at_risk_per_hour(alert.get("impact"))),
        escape(str(details[0])),
    ]


def alerts_table(facts: DemoFacts) -> str:
    """Every alert, worst first (detect.order); sortable by any column in the browser."""
    ordered = worst_first_docs(facts.alerts)
    zone = facts.timezone or "UTC"
    head = [
        "#",
        "severity",
        "rule",
        "source → destination",
        f"first ({zone})",
        f"last ({zone})",
        "evidence frames",
        "production at risk",
        "detail",
    ]
    rows = [_alert_row(i, a, facts.timezone) for i, a in enumerate(ordered, 1)]
    return _table(head, rows, "alerts sortable")


def spof_table(facts: DemoFacts) -> str:
    rows = [
        [
            escape(s.name),
            escape(money(s.cost_per_hour, facts.currency)) + "/h",
            escape(", ".join(f"{line} after {minutes(t)}" for line, t in s.lines.items())),
        ]
        for s in facts.spof
    ]
    return _table(["asset", "stops alone", "lines"], rows, "spof")


def violations_table(facts: DemoFacts) -> str:
    rows = [
        [escape(a), escape(b), escape(reason), str(n), escape(", ".join(services))]
        for a, b, reason, n, services in violation_groups(facts)
    ]
    return _table(
        ["client zone", "server zone", "reason", "flows", "services (examples)"], rows, "violations"
    )


def legacy_table(facts: DemoFacts) -> str:
    rows = [
        [
            escape(zone),
            str(z["assets"]),
            f"{z['legacy_share']:.0%}",
            escape(", ".join(z["legacy"]) or "-"),
            escape(", ".join(z["unknown"]) or "-"),
        ]
        for zone, z in facts.legacy.items()
    ]
    return _table(["zone", "assets", "legacy share", "out of support", "support unknown"], rows, "legacy")


def _map_key() -> str:
    return (
        '<p class="key"><span><i class="sw" style="background:#8391a7"></i>observed conversation</span>'
        f'<span><i class="sw" style="background:{VIOLATION}"></i>outside every conduit</span>'
        "<span>ring: worst alert on the asset</span><span>yellow: not in the site model</span>"
        "<span>dashed: declared, never seen</span></p>"
    )


def render(facts: DemoFacts, next_steps: Sequence[tuple[str, str]] = NEXT_STEPS, what: str = "demo") -> str:
    """The page. ``what`` names it under the title (``demo``, ``report``)."""
    steps = "".join(f"<li><code>{escape(c)}</code> {escape(why)}</li>" for c, why in next_steps)
    sections = [
        f"<h1>{escape(facts.site)}: does this keep production safe and running?</h1>",
        f'<p class="sub">plantwarden {escape(what)} · captures {escape(", ".join(facts.captures))}</p>',
        '<div class="verdict">' + "".join(f"<p>{escape(x)}</p>" for x in verdict(facts)) + "</div>",
        "<h2>Network map by zone</h2>",
        f"<figure>{network_map(facts)}<figcaption>{_map_key()}</figcaption></figure>",
        "<h2>Cost at risk per line</h2>",
        f"<figure>{cost_chart(facts.lines, facts.currency)}</figure>",
        f"<h2>Alerts, worst first ({len(facts.alerts)})</h2>",
        alerts_table(facts),
        "<h2>Top single points of failure</h2>",
        spof_table(facts),
        f"<h2>Segmentation violations ({len(facts.violations)} flows)</h2>",
        violations_table(facts),
        "<h2>Legacy share per zone</h2>",
        legacy_table(facts),
        *vulns_section(facts.vulns),
        *plan_section(facts.plan),
    ]
    if steps:
        sections += ["<h2>What to run next</h2>", f"<ul>{steps}</ul>"]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="generator" content="{GENERATOR_MARK}">'
        f"<title>{escape(facts.site)} - plantwarden {escape(what)}</title>"
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style></head>'
        f"<body><main>{''.join(sections)}</main><script>{SORT_JS}</script></body></html>\n"
    )


def write_report(
    facts: DemoFacts, path: Path, next_steps: Sequence[tuple[str, str]] = NEXT_STEPS, what: str = "demo"
) -> Path:
    path.write_text(render(facts, next_steps, what), encoding="utf-8")
    return path
