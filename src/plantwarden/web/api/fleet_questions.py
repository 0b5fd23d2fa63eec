"""Questions over every site the caller may view (:mod:`plantwarden.fleet`):
``GET /api/v1/fleet/firmware?firmware=...&vendor=...&model=...`` (where that firmware runs on a
line without redundancy) and ``GET /api/v1/fleet/kev`` (known-exploited vulnerabilities with
an exposure path). Answers, not lists: each is whole, over at most the sites one may view."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from plantwarden.fleet.firmware import LONGEST, FirmwareQuery, firmware_question
from plantwarden.fleet.kev import kev_exposed
from plantwarden.web.api.common import ERRORS, PREFIX
from plantwarden.web.api.fleet import SkippedOut, viewable
from plantwarden.web.deps import Who, state

router = APIRouter(prefix=PREFIX + "/fleet", tags=["fleet"], responses=ERRORS)


class StopOut(BaseModel):
    line: str
    after_minutes: float


class FirmwareAssetOut(BaseModel):
    site: str
    asset: str
    declared: bool
    zone: str | None
    vendor: str
    model: str
    firmware: str
    source: str
    single_point_of_failure: bool
    lines: list[StopOut]
    cost_per_hour: float
    currency: str
    covered_by: list[str]
    why: str


class FirmwareQueryOut(BaseModel):
    firmware: str
    vendor: str | None
    model: str | None


class FirmwareOut(BaseModel):
    query: FirmwareQueryOut
    sites: list[str]  # the sites asked (those you may view)
    items: list[FirmwareAssetOut]  # on a line without redundancy, costliest first
    others: list[FirmwareAssetOut]  # matching, but their loss alone stops no line
    skipped: list[SkippedOut]


class KevAssetOut(BaseModel):
    site: str
    asset: str
    cve: str
    advisory: str
    decision: str
    status: str
    zone: str | None
    exposure: dict[str, Any]
    production_at_risk: dict[str, Any]
    why: str


class KevOut(BaseModel):
    sites: list[str]
    items: list[KevAssetOut]
    skipped: list[SkippedOut]


def _text(description: str) -> Any:
    return Query(min_length=1, max_length=LONGEST, description=description)


@router.get(
    "/firmware",
    response_model=FirmwareOut,
    summary="Which sites run this firmware on a line without redundancy",
)
def fleet_firmware(
    request: Request,
    who: Who,
    firmware: Annotated[str, _text("The firmware: 'IOS XE 17.9.3', 'V3.3.0', '17.9' (a branch).")],
    vendor: Annotated[str | None, _text("Only assets of this vendor.")] = None,
    model: Annotated[
        str | None, _text("Only assets whose model, order number or product holds this.")
    ] = None,
) -> Any:
    sites = viewable(request, who)
    return firmware_question(state(request).db_url, sites, FirmwareQuery(firmware, vendor, model)).as_dict()


@router.get("/kev", response_model=KevOut, summary="Known-exploited vulnerabilities with an exposure path")
def fleet_kev(request: Request, who: Who) -> Any:
    return kev_exposed(state(request).db_url, viewable(request, who)).as_dict()
