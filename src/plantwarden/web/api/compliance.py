"""``GET /api/v1/sites/{site}/compliance`` (each requirement of a framework with its status,
evidence and statements, in the catalogue's order, paged), ``GET .../compliance/oscal`` (the
OSCAL assessment results, the bytes ``plantwarden compliance --oscal`` writes) and ``POST
.../compliance/attest`` (a person's statement on a requirement, engineer role, audited):
the services of :mod:`plantwarden.compliance.service`, as ``plantwarden compliance`` calls them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from plantwarden.compliance.catalog import CPG, CSF, IEC
from plantwarden.compliance.service import NO_SITE, Run, assess_stored
from plantwarden.compliance.statements import attest
from plantwarden.errors import InputError
from plantwarden.web import paging
from plantwarden.web.api.common import ERRORS, SITE
from plantwarden.web.api.siteload import NO_MODEL
from plantwarden.web.changes import how
from plantwarden.web.deps import SiteCtx, require, state
from plantwarden.web.errors import ApiError
from plantwarden.web.paging import Page
from plantwarden.web.schemas import Paged

router = APIRouter(tags=["compliance"], responses=ERRORS)
Viewer = Annotated[SiteCtx, Depends(require("view"))]
Attester = Annotated[SiteCtx, Depends(require("compliance.attest"))]
Framework = Annotated[
    Literal["iec62443-3-3", "nist-csf-2.0", "cisa-cpg"],
    Query(description=f"The framework: {IEC} (default), {CSF} or {CPG}."),
]
Zone = Annotated[
    str | None, Query(max_length=200, description="Only this zone's evidence (a zone of the site model).")
]


class EvidenceOut(BaseModel):
    rule: str
    status: str
    summary: str
    source: str  # site, captures, baselines, alerts, audit, access, incidents...
    observed_at: float | None  # the newest record used (epoch seconds)
    age_days: float | None
    max_age_days: float | None  # how old it may be for the status to stand
    fresh: bool
    zone: str | None
    items: list[dict[str, Any]]


class RequirementOut(BaseModel):
    position: int  # in the catalogue: the list's order
    id: str  # SR 5.1, PR.IR-01, 2.F
    title: str
    group: str  # FR 5, PR
    status: str  # satisfied, not satisfied, partly, not enough evidence, not assessed by plantwarden
    score: float | None  # share of the judged evidence satisfied (partly counts half)
    reason: str
    rules: list[str]
    target_sl: dict[str, int] | None  # IEC 62443: the zones' SL-T for the SR's FR
    evidence: list[EvidenceOut]
    statements: list[dict[str, Any]]


def assessed(request: Request, ctx: SiteCtx, framework: str, zone: str | None) -> Run:
    """The site assessed now (an unknown zone: 422; a site without a model: 409, as elsewhere)."""
    try:
        return assess_stored(state(request).db_url, ctx.site_id, ctx.site.name, framework, zone)
    except InputError as exc:
        if str(exc) == NO_SITE:
            raise ApiError(409, NO_MODEL.format(name=ctx.site.name)) from None
        raise


@router.get(SITE + "/compliance", response_model=Paged[RequirementOut], summary="Compliance with evidence")
def compliance(
    request: Request, ctx: Viewer, page: Page, framework: Framework = "iec62443-3-3", zone: Zone = None
) -> Any:
    run = assessed(request, ctx, framework, zone)
    now = run.assessment.now
    rows = [
        RequirementOut(position=i, **r.as_dict(now)) for i, r in enumerate(run.assessment.results, start=1)
    ]
    return paging.from_list(rows, page, key=lambda r: (r.position,), item=lambda r: r)


@router.get(
    SITE + "/compliance/oscal",
    summary="OSCAL 1.2.1 assessment results",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}, "description": "The OSCAL document."}},
)
def oscal(
    request: Request, ctx: Viewer, framework: Framework = "iec62443-3-3", zone: Zone = None
) -> Response:
    from plantwarden.compliance.oscal import to_json

    run = assessed(request, ctx, framework, zone)
    return Response(to_json(run.assessment, run.state.newest_record()), media_type="application/json")


class AttestIn(BaseModel):
    requirement: str = Field(
        min_length=1, max_length=200, description="SR 1.1, PR.AA-01, 2.F or framework:id."
    )
    why: str = Field(min_length=1, max_length=2000, description="The statement: written to the audit log.")


class StatementOut(BaseModel):
    requirement: str  # framework:id
    by: str
    why: str
    file: str | None
    file_sha256: str | None
    created_at: float


def attest_as(request: Request, ctx: SiteCtx, requirement: str, why: str) -> StatementOut:
    """Store the signed-in person's statement (the service audits it in its transaction)."""
    said = attest(state(request).db_url, ctx.site_id, requirement, ctx.principal.name, why, how=how(ctx))
    return StatementOut(**said.as_dict())


@router.post(
    SITE + "/compliance/attest",
    response_model=StatementOut,
    status_code=201,
    summary="Attach a statement to a requirement",
)
def attest_route(request: Request, ctx: Attester, body: AttestIn) -> Any:
    return attest_as(request, ctx, body.requirement, body.why)
