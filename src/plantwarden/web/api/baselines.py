"""``GET /api/v1/sites/{site}/baselines`` (the versions of the site's baseline of normal
traffic, newest first: ``plantwarden baseline``) and ``GET .../baselines/{version}`` (what
one holds). Reading needs ``view``; the routes that change a baseline (learn, import, edit)
need ``baseline.edit`` (engineer) and are the CLI's for now."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel

from plantwarden.detect.store_baselines import baseline_history, load_baseline
from plantwarden.errors import NotFoundError
from plantwarden.web import paging
from plantwarden.web.api.common import ERRORS, SITE
from plantwarden.web.deps import SiteCtx, require, state
from plantwarden.web.paging import Page
from plantwarden.web.schemas import Paged

router = APIRouter(tags=["baselines"], responses=ERRORS)
Viewer = Annotated[SiteCtx, Depends(require("view"))]


class BaselineOut(BaseModel):
    version: int
    created_at: datetime
    source: str  # learned from ..., imported from ...
    current: bool


class BaselineDetailOut(BaselineOut):
    talkers: int
    conversations: int
    channels: int
    polling_periods: int
    trained_sequences: int


@router.get(SITE + "/baselines", response_model=Paged[BaselineOut], summary="Baseline versions, newest first")
def baselines(request: Request, ctx: Viewer, page: Page) -> Any:
    found = baseline_history(state(request).db_url, ctx.site_id)
    newest = max((b.version for b in found), default=None)
    return paging.from_list(
        found,
        page,
        key=lambda b: (-b.version,),
        item=lambda b: BaselineOut(
            version=b.version, created_at=b.created_at, source=b.source, current=b.version == newest
        ),
    )


@router.get(SITE + "/baselines/{version}", response_model=BaselineDetailOut, summary="One baseline version")
def baseline(request: Request, ctx: Viewer, version: Annotated[int, Path(ge=1, le=2**31)]) -> Any:
    db_url = state(request).db_url
    history = {b.version: b for b in baseline_history(db_url, ctx.site_id)}
    info = history.get(version)
    if info is None:
        raise NotFoundError(f"no baseline version {version} for this site")
    b = load_baseline(db_url, ctx.site_id, version)
    assert b is not None
    return BaselineDetailOut(
        version=version,
        created_at=info.created_at,
        source=info.source,
        current=version == max(history),
        talkers=len(b.talkers),
        conversations=len(b.conversations),
        channels=len(b.channels),
        polling_periods=sum(len(c.periods) for c in b.channels),
        trained_sequences=sum(c.sequence_trained for c in b.channels),
    )
