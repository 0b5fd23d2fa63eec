"""The REST API under ``/api/v1``: one module per resource, each with a ``router``.

Adding a resource: a module here (``router = APIRouter(prefix=PREFIX, ...)``) calling its
capability's service functions, and one line in :data:`ROUTERS` (docs/web.md).
"""

from __future__ import annotations

from fastapi import APIRouter

from plantwarden.web.api import (
    alerts,
    answer,
    assets,
    audit,
    baselines,
    captures,
    conversations,
    fleet,
    governance,
    impact,
    me,
    segmentation,
    sensors,
    sites,
)

ROUTERS: list[APIRouter] = [
    me.router,
    sites.router,
    answer.router,
    audit.router,
    alerts.router,
    captures.router,
    assets.router,
    conversations.router,
    impact.router,
    segmentation.router,
    governance.router,
    baselines.router,
    sensors.router,
    fleet.router,
]
