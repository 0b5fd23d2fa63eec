"""Cost at risk per production line as an inline SVG bar chart.

A bar is the line's downtime cost per hour (site model). Its colour says what the alerts mean
for it (report.facts.LineRisk): dark red, an observed failure of an asset it needs stopped it;
orange, an alert touches such an asset without a failure (at risk); amber, redundancy still
covers it (the next failure stops it); grey, no alert touches the line.
"""

from __future__ import annotations

from html import escape

from plantwarden.continuity.text import minutes, money
from plantwarden.report.facts import LineRisk

WIDTH = 900
LABEL_W = 190
BAR_H, GAP = 30, 14
COLOURS = {"stopped": "#a50f15", "exposed": "#e6550d", "covered": "#f3a712", "safe": "#9aa5b1"}
STATE_TEXT = {
    "stopped": "stopped: an asset it needs failed",
    "exposed": "at risk: an alert touches an asset it needs",
    "covered": "on redundancy: the next failure stops it",
    "safe": "no alert touches it",
}


def _bar(risk: LineRisk, y: float, scale: float, currency: str) -> str:
    w = max(2.0, risk.cost_per_hour * scale)
    after = "" if risk.buffer_minutes is None else f", stops after {minutes(risk.buffer_minutes)}"
    alerts = f"{risk.alerts} alert(s)" if risk.alerts else "no alert"
    text = f"{money(risk.cost_per_hour, currency)}/h · {alerts}{after}"
    return (
        f'<g class="bar" data-line="{escape(risk.line)}" data-state="{risk.state}">'
        f"<title>{escape(risk.line)}: {escape(STATE_TEXT[risk.state])}</title>"
        f'<text x="{LABEL_W - 8}" y="{y + BAR_H / 2 + 4:.0f}" class="bl">{escape(risk.line)}</text>'
        f'<rect x="{LABEL_W}" y="{y:.0f}" width="{w:.0f}" height="{BAR_H}" rx="4" '
        f'fill="{COLOURS[risk.state]}"/>'
        f'<text x="{LABEL_W + w + 8:.0f}" y="{y + BAR_H / 2 + 4:.0f}" class="bv">{escape(text)}</text></g>'
    )


def _legend(y: float) -> str:
    parts = []
    x = float(LABEL_W)
    for state, colour in COLOURS.items():
        parts.append(f'<rect x="{x:.0f}" y="{y:.0f}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 18:.0f}" y="{y + 10:.0f}" class="lg">{escape(STATE_TEXT[state])}</text>')
        x += 18 + 7.2 * len(STATE_TEXT[state]) + 24
    return "".join(parts)


def cost_chart(lines: list[LineRisk], currency: str) -> str:
    """One horizontal bar per line, widest cost first."""
    ordered = sorted(lines, key=lambda r: (-r.cost_per_hour, r.line))
    top = max((r.cost_per_hour for r in ordered), default=0.0) or 1.0
    scale = (WIDTH - LABEL_W - 330) / top
    bars = [_bar(r, i * (BAR_H + GAP), scale, currency) for i, r in enumerate(ordered)]
    height = len(ordered) * (BAR_H + GAP) + 24
    style = (
        "<style>.bl{font:600 13px sans-serif;text-anchor:end;fill:#1d2a3a}"
        ".bv{font:12px sans-serif;fill:#1d2a3a}.lg{font:11px sans-serif;fill:#5b6b82}</style>"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-label="Cost at risk per line">{style}{"".join(bars)}{_legend(height - 16)}</svg>'
    )
