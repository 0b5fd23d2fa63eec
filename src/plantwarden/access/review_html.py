"""The review as one self-contained HTML page (what is signed off monthly)."""

from __future__ import annotations

from html import escape
from typing import Any

from plantwarden import __version__
from plantwarden.access.review import Review
from plantwarden.cli.outfile import GENERATOR_MARK

STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}"
    "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}th{background:#eee}"
    ".bad{color:#b00;font-weight:bold}.sign{margin-top:3em}.sign span{display:inline-block;width:20em;"
    "border-top:1px solid #222;margin-right:3em;padding-top:4px}"
)


def _cell(value: Any) -> str:
    if isinstance(value, dict):
        return escape(", ".join(f"{k} {v}" for k, v in value.items()) or "-")
    if isinstance(value, list):
        return escape(", ".join(str(x) for x in value) or "-")
    return escape(str(value))


def _table(headers: list[str], rows: list[list[Any]], bad: int | None = None) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            cls = ' class="bad"' if i == bad and value else ""
            cells.append(f"<td{cls}>{_cell(value)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def render(review: Review, site: str) -> str:
    doc = review.as_dict()
    period = f"{doc['since'] or 'the first stored session'} to {doc['until']}"
    vendors = _table(
        ["vendor", "sessions", "hours", "assets touched", "protocols", "operations", "findings", "grants"],
        [
            [v["vendor"], v["sessions"], f"{v['hours']:.2f}", v["assets"], v["protocols"], v["operations"],
             v["findings"], v["grants"]]
            for v in doc["vendors"]
        ],
        bad=6,
    )  # fmt: skip
    sessions = _table(
        ["vendor", "start", "end", "proto", "from", "to", "bytes", "evidence", "grant", "findings", "hints"],
        [
            [s["vendor"], s["start"], s["end"], s["proto"], s["from"], s["to"], s["bytes"],
             f"{s['capture']} #{s['first_frame']}", s["grant"] or "-", s["findings"], s["hints"]]
            for s in doc["sessions"]
        ],
        bad=9,
    )  # fmt: skip
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="generator" content="{GENERATOR_MARK} {escape(__version__)}">'
        f"<title>Vendor remote access review: {escape(site)}</title><style>{STYLE}</style></head><body>"
        f"<h1>Vendor remote access review</h1><p>{escape(site)}, {escape(period)}.</p>"
        f"<h2>Per vendor</h2>{vendors if doc['vendors'] else '<p>No remote sessions stored.</p>'}"
        f"<h2>Sessions</h2>{sessions if doc['sessions'] else '<p>None.</p>'}"
        '<p class="sign"><span>Reviewed (name, date)</span><span>Plant manager (name, date)</span></p>'
        "</body></html>\n"
    )
