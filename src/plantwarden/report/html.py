"""``demo-report.html``: one self-contained page (inline CSS and SVG, no external fetch).

The answer first (does this keep production safe and running?), then the pictures (the
network map by zone, cost at risk per line), then the tables: alerts, single points of
failure, segmentation violations, legacy share per zone, and what to run next.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from plantwarden.continuity.text import minutes, money
from plantwarden.report.facts import DemoFacts
from plantwarden.report.svg_bars import cost_chart
from plantwarden.report.svg_map import SEVERITY_COLOURS, VIOLATION, network_map
from plantwarden.report.text import (
    NEXT_STEPS,
    SEVERITIES,
    clock,
    names,
    risk_text,
    verdict,
    violation_groups,
)

CSS = """
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d2a3a;margin:0;background:#f7f9fc}
main{max-width:1320px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:26px;margin:0 0 4px}
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
"""


def _sev(level: str) -> str:
    return (
        f'<span class="sev" style="background:{SEVERITY_COLOURS.get(level, "#999")}">{escape(level)}</span>'
    )


def _table(head: list[str], rows: list[list[str]], cls: str) -> str:
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def _frames(alert: dict[str, Any]) -> str:
    return "; ".join(f"{e['capture']}: {', '.join(map(str, e['frames'][:6]))}" for e in alert["evidence"])


def _alert_row(alert: dict[str, Any]) -> list[str]:
    src, dst = names(alert)
    details = alert.get("details") or [""]
    return [
        _sev(alert["severity"]),
        f"<code>{escape(alert['rule'])}</code><br>{escape(alert['title'])}",
        f"{escape(src)} &rarr; {escape(dst)}",
        escape(clock(alert["first_ts"])) + (f" (&times;{alert['count']})" if alert["count"] > 1 else ""),
        escape(_frames(alert)),
        escape(risk_text(alert)),
        escape(str(details[0])),
    ]


def alerts_table(facts: DemoFacts) -> str:
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    ordered = sorted(facts.alerts, key=lambda a: (rank.get(a["severity"], 9), a["first_ts"]))
    head = [
        "severity",
        "rule",
        "source → destination",
        "first (UTC)",
        "evidence frames",
        "production at risk",
        "detail",
    ]
    return _table(head, [_alert_row(a) for a in ordered], "alerts")


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


def render(facts: DemoFacts) -> str:
    steps = "".join(f"<li><code>{escape(c)}</code> {escape(why)}</li>" for c, why in NEXT_STEPS)
    sections = [
        f"<h1>{escape(facts.site)}: does this keep production safe and running?</h1>",
        f'<p class="sub">plantwarden demo · captures {escape(", ".join(facts.captures))}</p>',
        '<div class="verdict">' + "".join(f"<p>{escape(x)}</p>" for x in verdict(facts)) + "</div>",
        "<h2>Network map by zone</h2>",
        f"<figure>{network_map(facts)}<figcaption>{_map_key()}</figcaption></figure>",
        "<h2>Cost at risk per line</h2>",
        f"<figure>{cost_chart(facts.lines, facts.currency)}</figure>",
        f"<h2>Alerts ({len(facts.alerts)})</h2>",
        alerts_table(facts),
        "<h2>Top single points of failure</h2>",
        spof_table(facts),
        f"<h2>Segmentation violations ({len(facts.violations)} flows)</h2>",
        violations_table(facts),
        "<h2>Legacy share per zone</h2>",
        legacy_table(facts),
        "<h2>What to run next</h2>",
        f"<ul>{steps}</ul>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(facts.site)} - plantwarden demo</title>"
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style></head>'
        f"<body><main>{''.join(sections)}</main></body></html>\n"
    )


def write_report(facts: DemoFacts, path: Path) -> Path:
    path.write_text(render(facts), encoding="utf-8")
    return path
