"""``/sites/{site}/map``: the report's zone map (``report.svg_map``), each asset a link to its
page, with the conversations no conduit allows also listed in words; the same facts as
``GET .../map``."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import Response
from markupsafe import Markup

from plantwarden.continuity.segmentation import port_ranges
from plantwarden.report.svg_map import network_map
from plantwarden.web.api.conversations import map_facts
from plantwarden.web.deps import SiteCtx, require
from plantwarden.web.pages.common import page_router
from plantwarden.web.templating import render

router = page_router()
NAV = ("Map", "map")


@router.get("/sites/{site}/map")
def zone_map(request: Request, ctx: Annotated[SiteCtx, Depends(require("view"))]) -> Response:
    facts = map_facts(request, ctx)
    base = f"/sites/{quote(ctx.site.name, safe='')}/assets/"
    svg = network_map(facts, link=lambda name: base + quote(name, safe=""))
    context = {
        "svg": Markup(svg),  # built by report.svg_map, which escapes every text it puts in
        "facts": facts,
        "violations": [(e, services_text(e.services)) for e in facts.edges if e.violation],
        "unmanaged": [a for a in facts.assets if not a.declared],
        "silent": [a for a in facts.assets if a.declared and not a.observed],
    }
    return render(request, "map.html", context, site=ctx.site)


def services_text(services: list[str]) -> str:
    """``s7comm, tcp 21-23, 80``: named services, then each transport's ports as ranges (a
    scan of 30 ports is one short line)."""
    named = [s for s in services if "/" not in s]
    ports: dict[str, list[int]] = {}
    for s in services:
        transport, _, port = s.partition("/")
        if port.isdigit():
            ports.setdefault(transport, []).append(int(port))
    ranged = [f"{t} {port_ranges(p).replace(',', ', ')}" for t, p in sorted(ports.items())]
    return ", ".join(named + ranged)
