"""``GET /api/v1/sites/{site}/vulns`` (ranked worst first, filtered, paged), ``GET
.../vulns/rollup`` (per line and per zone: money at risk and counts), ``GET
.../vulns/{asset}/{cve}`` (evidence, provenance, SSVC vector, why), ``POST
.../vulns/{asset}/{cve}/status`` (engineer; audited) and the store-wide ``GET
/api/v1/content`` (the bundles in use): the service of ``plantwarden vulns`` and ``content``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from plantwarden.errors import UsageError
from plantwarden.vulns import service
from plantwarden.vulns.risk import DECISION, ORDER
from plantwarden.web import changes, paging
from plantwarden.web.api.common import ERRORS, PREFIX, SITE
from plantwarden.web.deps import SiteCtx, Who, require, state
from plantwarden.web.errors import ApiError
from plantwarden.web.paging import Page, PageRequest
from plantwarden.web.schemas import Paged

router = APIRouter(tags=["vulnerabilities"], responses=ERRORS)
Viewer = Annotated[SiteCtx, Depends(require("view"))]
Engineer = Annotated[SiteCtx, Depends(require("vuln.status"))]
STATUSES = ("not_remediated", "in_progress", "remediated", "accepted")
RANK = {word.lower(): ORDER[letter] for letter, word in DECISION.items()}
AssetName = Annotated[str, Path(min_length=1, max_length=200, description="The asset's name.")]
Cve = Annotated[str, Path(pattern=r"^CVE-\d{4}-\d{4,}$", description="CVE-YYYY-NNNN.")]


class VulnOut(BaseModel):
    asset: str
    cve: str
    advisory: str
    advisory_version: str | None
    confidence: str
    status: str
    status_who: str | None
    status_why: str | None
    status_until: str | None
    kev: bool
    decision: str  # Immediate, Out-of-Cycle, Scheduled, Defer
    ssvc: str
    exposure: dict[str, Any]
    zone: str | None
    production_at_risk: dict[str, Any]
    why: str
    evidence: dict[str, Any]
    bundle: str


class RollupOut(BaseModel):
    site: str
    currency: str
    bundle: str
    kev_bundle: str
    by_line: list[dict[str, Any]]
    by_zone: list[dict[str, Any]]


class StatusIn(BaseModel):
    """What is being done about it; accepting a risk needs why and until when."""

    status: Literal["not_remediated", "in_progress", "remediated", "accepted"]
    why: str = Field(min_length=1, max_length=2000, description="Why: written to the audit log.")
    until: datetime | None = Field(default=None, description="Until when a risk is accepted.")


def _choices(name: str, value: str | None, allowed: tuple[str, ...]) -> set[str] | None:
    """A comma list of allowed words (any case), or a 422 naming the wrong ones."""
    if value is None:
        return None
    given = {v.strip().lower() for v in value.split(",") if v.strip()}
    wrong = sorted(given - {a.lower() for a in allowed})
    if wrong or not given:
        message = f"{name}: {', '.join(wrong) or 'empty'} not one of {', '.join(allowed)}"
        raise ApiError(422, message, details=[{"loc": ["query", name], "message": message}])
    return given


def sort_key(item: dict[str, Any]) -> tuple[int, int, float, float, str, str]:
    """``vulns.risk.sort_key`` on the answer's fields, ending with the unique (asset, CVE)."""
    score = float((item["evidence"].get("cvss") or {}).get("score") or 0.0)
    at_risk = float(item["production_at_risk"]["per_hour"])
    return (
        RANK[item["decision"].lower()],
        0 if item["kev"] else 1,
        -at_risk,
        -score,
        item["asset"],
        item["cve"],
    )


def ranked(
    request: Request,
    ctx: SiteCtx,
    asset: str | None = None,
    line: str | None = None,
    kev: bool = False,
    status: str | None = None,
    decision: str | None = None,
) -> list[dict[str, Any]]:
    statuses = _choices("status", status, STATUSES)
    decisions = _choices("decision", decision, tuple(DECISION.values()))
    try:
        body = service.site_vulns(state(request).db_url, ctx.site.name, asset=asset, line=line, kev_only=kev)
    except UsageError as exc:  # the only one: an unknown line
        message = exc.message.removeprefix("--")
        raise ApiError(422, message, details=[{"loc": ["query", "line"], "message": message}]) from exc
    items: list[dict[str, Any]] = body["items"]
    if statuses is not None:
        items = [i for i in items if i["status"] in statuses]
    if decisions is not None:
        items = [i for i in items if i["decision"].lower() in decisions]
    return items


def vuln_page(request: Request, ctx: SiteCtx, page: PageRequest, **chosen: Any) -> Paged[VulnOut]:
    items = ranked(request, ctx, **chosen)
    return Paged[VulnOut](**paging.from_list(items, page, key=sort_key, item=lambda i: VulnOut(**i)))


def _text(description: str) -> Any:
    return Query(min_length=1, max_length=200, description=description)


@router.get(SITE + "/vulns", response_model=Paged[VulnOut], summary="Vulnerabilities, worst first")
def vulns(
    request: Request,
    ctx: Viewer,
    page: Page,
    asset: Annotated[str | None, _text("Only this asset's.")] = None,
    line: Annotated[str | None, _text("Only those whose asset's failure stops this line.")] = None,
    kev: Annotated[bool, Query(description="Only known exploited (CISA KEV).")] = False,
    status: Annotated[
        str | None, _text("not_remediated, in_progress, remediated, accepted (commas).")
    ] = None,
    decision: Annotated[str | None, _text("Immediate, Out-of-Cycle, Scheduled, Defer (commas).")] = None,
) -> Any:
    return vuln_page(request, ctx, page, asset=asset, line=line, kev=kev, status=status, decision=decision)


@router.get(SITE + "/vulns/rollup", response_model=RollupOut, summary="Per line and per zone")
def rollup(request: Request, ctx: Viewer) -> Any:
    body = service.site_vulns(state(request).db_url, ctx.site.name)
    return {k: body[k] for k in RollupOut.model_fields}


def one(request: Request, ctx: SiteCtx, asset: str, cve: str) -> dict[str, Any]:
    for item in ranked(request, ctx, asset=asset):
        if item["cve"] == cve:
            return item
    raise ApiError(404, f"no match of {cve} on asset {asset!r}")


@router.get(SITE + "/vulns/{asset}/{cve}", response_model=VulnOut, summary="One vulnerability, with evidence")
def one_vuln(request: Request, ctx: Viewer, asset: AssetName, cve: Cve) -> Any:
    return one(request, ctx, asset, cve)


@router.post(
    SITE + "/vulns/{asset}/{cve}/status", response_model=VulnOut, summary="Set what is done about it"
)
def set_status(request: Request, ctx: Engineer, asset: AssetName, cve: Cve, body: StatusIn) -> Any:
    until = body.until
    if body.status == "accepted" and until is None:
        message = "accepting a risk needs until (when the acceptance ends) and why"
        raise ApiError(422, message, details=[{"loc": ["body", "until"], "message": message}])
    if until is not None and until.tzinfo is None:
        until = until.replace(tzinfo=UTC)  # a time without a zone is UTC
    service.set_status(
        state(request).db_url,
        ctx.site.name,
        asset,
        cve,
        body.status,
        ctx.principal.name,
        body.why,
        until,
        changes.how(ctx),
    )
    return one(request, ctx, asset, cve)


@router.get(PREFIX + "/content", summary="Content bundles in use: date, source, how stale")
def content(principal: Who) -> Any:
    from plantwarden.vulns.content import status

    return {"bundles": [{k: v for k, v in b.items() if k != "path"} for b in status()]}  # no server paths
