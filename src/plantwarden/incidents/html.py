"""The playbook as one printable HTML page for the control room: the safety gate first, each
step with its owners, the containment options with their cost, stops, approvers and marks,
the evidence to secure, and the incident's timeline and decisions."""

from __future__ import annotations

from html import escape

from plantwarden.cli.outfile import GENERATOR_MARK
from plantwarden.continuity.text import minutes, money
from plantwarden.incidents.options import Option
from plantwarden.incidents.playbook import Playbook
from plantwarden.incidents.records import IncidentView

STYLE = """
body{font-family:system-ui,sans-serif;margin:1.5em;max-width:60em;color:#111}
h1{font-size:1.4em}h2{font-size:1.1em;border-bottom:1px solid #999;margin-top:1.4em}
.gate{border:3px solid #b00;padding:.6em 1em;background:#fff4f4}
.gate.clear{border-color:#070;background:#f4fff4}
table{border-collapse:collapse;width:100%}
td,th{border:1px solid #bbb;padding:.3em;text-align:left;vertical-align:top}
.mark{color:#b00;font-weight:bold}
.box{display:inline-block;width:1em;height:1em;border:1px solid #000;margin-right:.4em}
@media print{body{margin:0}h2{page-break-after:avoid}table{page-break-inside:avoid}}
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _option_row(o: Option, currency: str) -> str:
    stops = (
        "<br>".join(
            _e(
                f"{s.line} after {minutes(s.after_minutes)} ({money(s.cost_per_hour, currency)}/h)"
                + ("" if s.running else f", in window {s.window}")
            )
            for s in o.stops
        )
        or "nothing"
    )
    marks = "".join(
        f'<div class="mark">MARKED {_e(m.mark)}: {_e(m.text)}; needs an override with its reason</div>'
        for m in o.marks
    )
    partners = "<br>".join(_e(p) for p in o.partners)
    return (
        f'<tr><td><span class="box"></span><code>{_e(o.id)}</code><br>{_e(o.title)}'
        f"<br><small>{_e(o.text)}</small>"
        f"{marks}</td><td>{_e(money(o.cost_per_hour, currency))}/h</td><td>{stops}</td><td>{partners}</td>"
        f"<td>{_e(', '.join(o.approvers))}</td></tr>"
    )


def page(pb: Playbook, incident: IncidentView | None) -> str:
    g = pb.gate
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="en"><head><meta charset="utf-8"><meta name="generator" content="{GENERATOR_MARK}">',
        f"<title>{_e(pb.incident)} playbook</title><style>{STYLE}</style></head><body>",
        f"<h1>{_e(pb.incident)}: {_e(pb.title)}</h1>",
        f"<p>Site {_e(pb.site)}; source {_e(pb.source or '-')}, target {_e(pb.target or '-')}"
        + (" (tabletop exercise)" if pb.exercise else "")
        + "</p>",
        f'<div class="gate{"" if g.required else " clear"}"><h2>1. Safety gate: '
        f"{'REQUIRED, decided first' if g.required else 'no safety function involved'}</h2>",
        f"<p>Decides: <b>{_e(', '.join(g.deciders) or 'nobody (gray area)')}</b></p><ul>",
        *(f"<li>{_e(r)}</li>" for r in g.reasons),
        *([f"<li>{_e(g.gray)}</li>"] if g.gray else []),
        "</ul></div>",
    ]
    for n, step in enumerate(pb.steps[1:], 2):
        parts.append(
            f"<h2>{n}. {_e(step.title)}</h2><p>Owners: {_e(', '.join(step.owners) or 'none (gray area)')}</p>"
        )
        parts.append("<ul>" + "".join(f"<li>{_e(t)}</li>" for t in step.text) + "</ul>")
        if step.id == "containment":
            parts.append(
                "<table><tr><th>option</th><th>cost/h</th><th>stops</th><th>partner</th><th>approves</th></tr>"
            )
            parts += [_option_row(o, pb.currency) for o in step.options]
            parts.append("</table>")
            parts += [f"<p><b>never:</b> <code>{_e(o)}</code>: {_e(w)}</p>" for o, w in pb.withheld]
        else:
            parts.append(
                "<ul>"
                + "".join(
                    f'<li><span class="box"></span><code>{_e(o.id)}</code> {_e(o.title)}</li>'
                    for o in step.options
                )
                + "</ul>"
            )
    parts.append(
        "<h2>Evidence to secure first</h2><ul>" + "".join(f"<li>{_e(t)}</li>" for t in pb.to_secure) + "</ul>"
    )
    if incident is not None:
        parts.append("<h2>Timeline</h2><table><tr><th>when (UTC)</th><th>who</th><th>what</th></tr>")
        parts += [
            f"<tr><td>{_e(e.at.strftime('%Y-%m-%d %H:%M:%S'))}</td><td>{_e(e.by)}</td>"
            f"<td>{_e(e.kind)}: {_e(e.text)}" + (f" ({_e(e.why)})" if e.why else "") + "</td></tr>"
            for e in incident.entries
        ]
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
