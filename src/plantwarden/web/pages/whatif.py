"""``/sites/{site}/what-if``: pick assets and services with checkboxes, see which lines stop,
when, after which buffers and at what cost per hour (``POST .../impact``'s engine). The form
works without scripts (a GET of this page); with htmx each change fetches only the result
(``/sites/{site}/what-if/result``) into the page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import Response

from plantwarden.continuity.impact import Impact
from plantwarden.web.api import siteload
from plantwarden.web.api.impact import run_impact
from plantwarden.web.deps import SiteCtx, require, state
from plantwarden.web.errors import ApiError
from plantwarden.web.pages.common import page_router
from plantwarden.web.templating import render

router = page_router()
NAV = ("What-if", "what-if")
Viewer = Annotated[SiteCtx, Depends(require("view"))]
Fail = Annotated[list[str], Query(max_length=200)]
Outage = Annotated[str, Query(max_length=40)]
WIDTH, LABEL, ROW = 900.0, 170.0, 34.0


@dataclass(frozen=True, slots=True)
class Bar:
    """One line on the timeline: running on its buffers until ``after``, then stopped."""

    line: str
    after: float
    cost_per_hour: float
    y: float
    buffer_w: float
    stop_x: float
    stop_w: float


def timeline(result: Impact) -> dict[str, Any]:
    """The geometry of the timeline drawing: one bar per stopped line, minutes on the x axis."""
    end = max([60.0, *(s.after_minutes * 1.25 for s in result.stops), result.outage_minutes or 0.0])
    scale = (WIDTH - LABEL - 30) / end  # room for the last tick's label
    bars = [
        Bar(
            s.line,
            s.after_minutes,
            s.cost_per_hour,
            20 + i * ROW,
            s.after_minutes * scale,
            LABEL + s.after_minutes * scale,
            (end - s.after_minutes) * scale,
        )
        for i, s in enumerate(result.stops)
    ]
    step = next(x for x in (15, 30, 60, 120, 240, 480, 1440, 2880) if end / x <= 8)
    ticks = [(LABEL + t * scale, t) for t in range(0, int(end) + 1, step)]
    return {"bars": bars, "ticks": ticks, "height": 40 + len(bars) * ROW, "width": WIDTH, "label": LABEL}


def _result(request: Request, ctx: SiteCtx, fail: list[str], outage: str | None) -> dict[str, Any]:
    if not fail:
        return {"result": None, "problem": None}
    try:
        result, currency = run_impact(request, ctx, fail, outage or None)
    except ApiError as exc:
        if exc.status != 422:
            raise
        return {"result": None, "problem": "; ".join(d["message"] for d in exc.details) or str(exc)}
    return {"result": result, "currency": currency, "drawing": timeline(result), "problem": None}


@router.get("/sites/{site}/what-if")
def what_if(request: Request, ctx: Viewer, fail: Fail = [], outage: Outage = "") -> Response:  # noqa: B006
    model = siteload.model(state(request).db_url, ctx)
    graph = siteload.graph(model)
    zones: dict[str, list[str]] = {}
    for a in model.assets:
        zones.setdefault(a.zone, []).append(a.name)
    context = {
        "zones": zones,
        "services": graph.names("service"),
        "chosen": set(fail),
        "outage": outage,
        **_result(request, ctx, fail, outage),
    }
    return render(request, "whatif.html", context, site=ctx.site)


@router.get("/sites/{site}/what-if/result")
def what_if_result(request: Request, ctx: Viewer, fail: Fail = [], outage: Outage = "") -> Response:  # noqa: B006
    return render(request, "whatif_result.html", _result(request, ctx, fail, outage), site=ctx.site)
