"""The network map as inline SVG: zones as boxes (outer zones on top, Purdue order), assets
inside, observed conversations between them; edges that no conduit allows are drawn red,
assets named by an alert get a ring in the alert's severity colour.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from plantwarden.report.facts import AssetFact, DemoFacts, EdgeFact

WIDTH = 1300
CELL_W, CELL_H = 118, 54
PAD, TITLE, GAP = 12, 26, 22
MAX_COLS = 6
LEVEL_ORDER = (
    "enterprise",
    "5",
    "4",
    "dmz",
    "operations",
    "3",
    "control",
    "2",
    "1",
    "0",
    "safety",
    "building",
)
SEVERITY_COLOURS = {
    "critical": "#b3001b",
    "high": "#e4572e",
    "medium": "#f3a712",
    "low": "#7a9e7e",
    "info": "#9aa5b1",
}
VIOLATION = "#d62728"


@dataclass
class Box:
    name: str
    level: str
    x: float
    y: float
    w: float
    h: float


def _rank(level: str) -> int:
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER)


def _size(count: int) -> tuple[float, float]:
    cols = max(1, min(count, MAX_COLS))
    rows = max(1, math.ceil(count / cols))
    return cols * CELL_W + 2 * PAD, TITLE + rows * CELL_H + PAD


def layout(facts: DemoFacts) -> tuple[list[Box], float]:
    """Zone boxes packed into rows of at most :data:`WIDTH`, outer zones first; the total height."""
    zones = sorted(facts.zones, key=lambda z: _rank(z[1]))
    boxes: list[Box] = []
    x, y, row_h = 0.0, 0.0, 0.0
    for name, level in zones:
        w, h = _size(len(facts.zone_assets(name)))
        if x > 0 and x + w > WIDTH:
            x, y, row_h = 0.0, y + row_h + GAP, 0.0
        boxes.append(Box(name, level, x, y, w, h))
        x, row_h = x + w + GAP, max(row_h, h)
    return boxes, y + row_h


def positions(facts: DemoFacts, boxes: list[Box]) -> dict[str, tuple[float, float]]:
    """The centre of every asset's cell."""
    where: dict[str, tuple[float, float]] = {}
    for box in boxes:
        for i, asset in enumerate(facts.zone_assets(box.name)):
            col, row = i % MAX_COLS, i // MAX_COLS
            where[asset.name] = (
                box.x + PAD + col * CELL_W + CELL_W / 2,
                box.y + TITLE + row * CELL_H + CELL_H / 2,
            )
    return where


def _edge(edge: EdgeFact, where: dict[str, tuple[float, float]]) -> str:
    (x1, y1), (x2, y2) = where[edge.client], where[edge.server]
    mx, my = (x1 + x2) / 2 + (y2 - y1) * 0.12, (y1 + y2) / 2 - (x2 - x1) * 0.12
    colour, width = (VIOLATION, 2.4) if edge.violation else ("#8391a7", 1.1)
    title = f"{edge.client} -> {edge.server}: {', '.join(edge.services)} ({edge.packets} packets)"
    kind = "violation" if edge.violation else "edge"
    return (
        f'<path class="{kind}" d="M{x1:.0f},{y1:.0f} Q{mx:.0f},{my:.0f} {x2:.0f},{y2:.0f}" fill="none" '
        f'stroke="{colour}" stroke-width="{width}" stroke-opacity="0.75" marker-end="url(#arrow-{kind})">'
        f"<title>{escape(title)}</title></path>"
    )


def _node(asset: AssetFact, x: float, y: float, link: Callable[[str], str] | None = None) -> str:
    fill = "#ffffff" if asset.declared else "#fff3cd"
    stroke = SEVERITY_COLOURS.get(asset.severity or "", "#5b6b82")
    width = 3 if asset.severity else 1
    dash = "" if asset.observed else ' stroke-dasharray="4 3"'
    note = "" if asset.declared else " (not in the site model)"
    alert = f", alerts up to {asset.severity}" if asset.severity else ""
    role = asset.role.replace("_", " ")
    fit = ' textLength="96" lengthAdjust="spacingAndGlyphs"' if len(role) > 17 else ""
    title = f"{asset.name}: {asset.role}, {', '.join(asset.ips)}{note}{alert}"
    node = (
        f'<g class="asset"><title>{escape(title)}</title>'
        f'<rect x="{x - 52:.0f}" y="{y - 19:.0f}" width="104" height="38" rx="8" fill="{fill}" '
        f'stroke="{stroke}" stroke-width="{width}"{dash}/>'
        f'<text x="{x:.0f}" y="{y - 3:.0f}" class="n">{escape(asset.name)}</text>'
        f'<text x="{x:.0f}" y="{y + 11:.0f}" class="r"{fit}>{escape(role)}</text></g>'
    )
    if link is None:
        return node
    return f'<a href="{escape(link(asset.name))}" aria-label="{escape(title)}">{node}</a>'


def _zone(box: Box) -> str:
    level = "" if box.level == box.name else f' <tspan class="l">level {escape(box.level)}</tspan>'
    return (
        f'<g class="zone"><rect x="{box.x:.0f}" y="{box.y:.0f}" width="{box.w:.0f}" height="{box.h:.0f}" '
        f'rx="10" fill="#eef2f7" stroke="#9fb0c8"/>'
        f'<text x="{box.x + PAD:.0f}" y="{box.y + 18:.0f}" class="z">{escape(box.name)}{level}</text></g>'
    )


MARKERS = (
    '<defs><marker id="arrow-edge" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" '
    'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#8391a7"/></marker>'
    '<marker id="arrow-violation" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" '
    f'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{VIOLATION}"/></marker></defs>'
)
STYLE = (
    "<style>.n{font:600 11px sans-serif;text-anchor:middle;fill:#1d2a3a}"
    ".r{font:10px sans-serif;text-anchor:middle;fill:#5b6b82}"
    ".z{font:600 13px sans-serif;fill:#2c3e57}.l{font:400 11px sans-serif;fill:#6b7b92}</style>"
)


def network_map(facts: DemoFacts, link: Callable[[str], str] | None = None) -> str:
    """The whole map as one ``<svg>`` element; with ``link`` (asset name -> URL) each asset
    is a link (the console's map: click an asset to open its page)."""
    boxes, height = layout(facts)
    where = positions(facts, boxes)
    edges = [e for e in facts.edges if e.client in where and e.server in where and e.client != e.server]
    edges.sort(key=lambda e: e.violation)  # violations drawn last, on top
    parts = [_zone(b) for b in boxes]
    parts += [_edge(e, where) for e in edges]
    parts += [_node(a, *where[a.name], link) for a in facts.assets if a.name in where]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox="-4 -4 {WIDTH + 8} {height + 8:.0f}" '
        f'role="img" aria-label="Network map by zone">{STYLE}{MARKERS}{"".join(parts)}</svg>'
    )
