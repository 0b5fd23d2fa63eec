"""``/sites/{site}/compliance``: per framework, the requirements grouped by FR or function,
the weakest groups first, each with its status in words and a symbol, its evidence (source,
age) and the statements people attached; and the form to attach one (engineers, CSRF like
every form). The same services as the API (:mod:`plantwarden.web.api.compliance`)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from plantwarden.compliance.assess import Result, weakest
from plantwarden.compliance.catalog import FRAMEWORKS, IEC
from plantwarden.people.roles import can
from plantwarden.web.api.compliance import Framework, Zone, assessed, attest_as
from plantwarden.web.deps import SiteCtx, require
from plantwarden.web.errors import ApiError
from plantwarden.web.pages.common import page_router
from plantwarden.web.templating import render

router = page_router()
NAV = ("Compliance", "compliance")

SYMBOL = {
    "satisfied": "\u2713",
    "not satisfied": "\u2717",
    "partly": "\u25d0",
    "not enough evidence": "?",
    "not assessed by plantwarden": "\u2013",
}
CLASS = {"satisfied": "ok", "not satisfied": "bad", "partly": "warn"}


def groups(results: list[Result], now: float) -> list[dict[str, Any]]:
    """The requirements by group, the weakest first: the mean score of the judged ones (groups
    with none judged last), then the most not satisfied, then the group's name."""
    found: dict[str, list[Result]] = {}
    for r in results:
        found.setdefault(r.requirement.group, []).append(r)
    out = []
    for name, members in found.items():
        scores = [r.score for r in members if r.score is not None]
        out.append(
            {
                "group": name,
                "title": members[0].requirement.group_title,
                "score": round(sum(scores) / len(scores), 2) if scores else None,
                "not_satisfied": sum(str(r.status) == "not satisfied" for r in members),
                "requirements": [r.as_dict(now) for r in members],
            }
        )
    out.sort(key=_weakest_first)
    return out


def _weakest_first(group: dict[str, Any]) -> tuple[bool, float, int, str]:
    score, failing = group["score"], group["not_satisfied"]
    return (score is None, float(score or 0.0), -int(failing), str(group["group"]))


@router.get("/sites/{site}/compliance")
def compliance(
    request: Request,
    ctx: Annotated[SiteCtx, Depends(require("view"))],
    framework: Framework = "iec62443-3-3",
    zone: Zone = None,
) -> Response:
    run = assessed(request, ctx, framework, zone)
    a = run.assessment
    context = {
        "framework": framework,
        "frameworks": FRAMEWORKS,
        "zone": zone,
        "zones": [z.name for z in run.state.site.model.zones] if run.state.site else [],
        "catalog": a.catalog,
        "counts": a.counts(),
        "weakest": weakest(a),
        "groups": groups(a.results, a.now),
        "symbol": SYMBOL,
        "css": CLASS,
        "can_attest": can(ctx.principal, ctx.site_id, "compliance.attest"),
        "done": request.query_params.get("done"),
    }
    return render(request, "compliance.html", context, site=ctx.site)


@router.post("/sites/{site}/compliance/attest")
async def attest_form(
    request: Request,
    ctx: Annotated[SiteCtx, Depends(require("compliance.attest"))],
    framework: Annotated[str, Query(max_length=40)] = IEC,
) -> Response:
    form = await request.form()
    requirement, why = (form.get(k) for k in ("requirement", "why"))
    requirement = requirement.strip() if isinstance(requirement, str) else ""
    why = why.strip() if isinstance(why, str) else ""
    if not requirement:
        raise ApiError(422, "name the requirement (SR 1.1, PR.AA-01, 2.F)")
    if not why:
        raise ApiError(422, "say what you attest (it goes to the audit log)")
    said = await run_in_threadpool(attest_as, request, ctx, requirement, why)
    back = {
        "framework": framework if framework in FRAMEWORKS else IEC,
        "done": f"attested: {said.requirement}",
    }
    target = f"/sites/{quote(ctx.site.name, safe='')}/compliance?{urlencode(back)}"
    return RedirectResponse(target, status_code=303)
