"""``/sites/{site}/map``: the report's zone map (``report.svg_map``), each asset a link to its
page, with the conversations no conduit allows also listed in words; the same facts as
``GET .../map``."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import Response
from markupsafe import Markup

from plantwarden.report.svg_map import STYLE, network_map
from plantwarden.web.api.conversations import map_facts
from plantwarden.web.deps import SiteCtx, require
from plantwarden.web.pages.common import page_router
from plantwarden.web.pages.words import services_text
from plantwarden.web.templating import render

router = page_router()
NAV = ("Map", "map")


@router.get("/sites/{site}/map")
def zone_map(request: Request, ctx: Annotated[SiteCtx, Depends(require("view"))]) -> Response:
    facts = map_facts(request, ctx)
    base = f"/sites/{quote(ctx.site.name, safe='')}/assets/"
    svg = network_map(facts, link=lambda name: base + quote(name, safe=""))
    svg = svg.replace(STYLE, "", 1)  # the page's CSP refuses inline styles: static/pages.css has them
    context = {
        "svg": Markup(svg),  # built by report.svg_map, which escapes every text it puts in
        "facts": facts,
        "violations": [(e, services_text(e.services)) for e in facts.edges if e.violation],
        "unmanaged": [a for a in facts.assets if not a.declared],
        "silent": [a for a in facts.assets if a.declared and not a.observed],
    }
    return render(request, "map.html", context, site=ctx.site)
