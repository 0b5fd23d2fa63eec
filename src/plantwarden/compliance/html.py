"""Self-contained HTML pages: the compliance assessment and the provider assessment."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from typing import Any

from plantwarden.cli.outfile import GENERATOR_MARK

CSS = (
    "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;width:100%}"
    "th,td{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}"
    ".s-satisfied{color:#176b2c}.s-not-satisfied{color:#b00020;font-weight:600}.s-partly{color:#a45a00}"
    ".s-not-enough-evidence{color:#555}.s-not-assessed-by-plantwarden{color:#999}small{color:#666}"
)


def page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="generator" content="{GENERATOR_MARK}"><title>{escape(title)}</title>'
        f"<style>{CSS}</style></head><body><h1>{escape(title)}</h1>{body}</body></html>\n"
    )


def _cls(status: str) -> str:
    return "s-" + status.replace(" ", "-")


def _time(ts: float | None) -> str:
    return "-" if ts is None else datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _evidence(items: list[dict[str, Any]]) -> str:
    rows = [
        f'<li class="{_cls(e["status"])}">{escape(e["summary"])} <small>({escape(e["rule"])}, '
        f"{escape(e['source'])}, {_time(e['observed_at'])}{'' if e['fresh'] else ', stale'})</small></li>"
        for e in items
    ]
    return f"<ul>{''.join(rows)}</ul>" if rows else ""


def compliance_page(doc: dict[str, Any], weakest: list[dict[str, Any]]) -> str:
    cat = doc["catalog"]
    counts = ", ".join(f"{k} {v}" for k, v in doc["counts"].items())
    head = (
        f"<p>Site <b>{escape(doc['site'])}</b>{', zone ' + escape(doc['zone']) if doc['zone'] else ''}; "
        f"judged at {_time(doc['judged_at'])}. {escape(counts)}.</p>"
        f"<p><small>{escape(cat['name'])} {escape(cat['version'])}: {escape(cat['licence'])}</small></p>"
    )
    weak = "".join(
        f"<li><b>{escape(w['group'])} {escape(w['title'])}</b>: "
        f"{escape(w['worst'])} {escape(w['reason'])}</li>"
        for w in weakest
    )
    rows = []
    for r in doc["requirements"]:
        said = "".join(
            f"<li>statement by {escape(s['by'])} ({_time(s['created_at'])}): {escape(s['why'])}</li>"
            for s in r["statements"]
        )
        rows.append(
            f'<tr><td>{escape(r["id"])}</td><td>{escape(r["title"])}</td><td class="{_cls(r["status"])}">'
            f"{escape(r['status'])}</td><td>{escape(r['reason'])}{_evidence(r['evidence'])}"
            f"{'<ul>' + said + '</ul>' if said else ''}</td></tr>"
        )
    table = "<table><tr><th>id</th><th>requirement</th><th>status</th><th>evidence</th></tr>" + "".join(rows)
    return page(
        f"Compliance: {cat['name']} {cat['version']}",
        f"{head}<h2>Weakest areas</h2><ol>{weak}</ol>{table}</table>",
    )


def provider_page(doc: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><td>{escape(s['area'])}</td><td>{escape(s['question'])}</td><td>{s['score']} / {s['max']}</td>"
        f"<td>{escape(s['answer'])}</td><td>{escape('; '.join(s['gaps'])) or '-'}</td></tr>"
        for s in doc["scores"]
    )
    gaps = "".join(f"<li>{escape(g)}</li>" for g in doc["gaps"])
    body = (
        f"<p>Provider <b>{escape(doc['provider'])}</b>: {doc['score']} of {doc['max']} points "
        f"({doc['percent']}%), {escape(doc['verdict'])}.</p><h2>Gaps</h2><ul>{gaps}</ul>"
        "<table><tr><th>area</th><th>question</th><th>score</th><th>answer</th><th>gaps</th></tr>"
        f"{rows}</table>"
    )
    return page(f"OT capability of {doc['provider']}", body)
