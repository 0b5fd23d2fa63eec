"""``/fleet``: every site the signed-in user may view, side by side (store-wide, like the
store's audit page, but for anyone: each sees only their sites). Production at risk per site
worst first, and the two fleet questions as forms: ``/fleet/firmware`` and ``/fleet/kev``
(htmx swaps the answer into the page; without it the form opens the answer as a page).

The same services as ``plantwarden fleet ...`` and ``/api/v1/fleet/...``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from plantwarden.errors import UsageError
from plantwarden.fleet.firmware import LONGEST, FirmwareQuery, firmware_question
from plantwarden.fleet.kev import kev_exposed
from plantwarden.fleet.risk import production_at_risk
from plantwarden.web.api.fleet import viewable
from plantwarden.web.deps import Who, state
from plantwarden.web.pages.common import page_router
from plantwarden.web.templating import render

router = page_router()
Text = Annotated[str, Query(max_length=LONGEST)]


def _partial(request: Request) -> bool:
    return bool(request.headers.get("HX-Request"))


@router.get("/fleet")
async def fleet(request: Request, who: Who) -> Response:
    sites = viewable(request, who)
    rows, skipped = await run_in_threadpool(production_at_risk, state(request).db_url, sites)
    return render(request, "fleet.html", {"rows": rows, "skipped": skipped, "asked": {}})


@router.get("/fleet/firmware")
async def fleet_firmware(
    request: Request, who: Who, firmware: Text = "", vendor: Text = "", model: Text = ""
) -> Response:
    if not firmware.strip():
        raise UsageError("firmware: give a text (it is empty)")
    query = FirmwareQuery(firmware, vendor or None, model or None)
    sites = viewable(request, who)
    answer = await run_in_threadpool(firmware_question, state(request).db_url, sites, query)
    context = {"answer": answer, "question": "firmware"}
    return render(request, "fleet_firmware.html" if _partial(request) else "fleet_answer.html", context)


@router.get("/fleet/kev")
async def fleet_kev(request: Request, who: Who) -> Response:
    answer = await run_in_threadpool(kev_exposed, state(request).db_url, viewable(request, who))
    context = {"answer": answer, "question": "kev"}
    return render(request, "fleet_kev.html" if _partial(request) else "fleet_answer.html", context)
