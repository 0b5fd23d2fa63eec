"""The REST API under ``/api/v1``: one module per resource, each with a ``router``.

Adding a resource: a module here (``router = APIRouter(prefix=PREFIX, ...)``) calling its
capability's service functions, and one line in :data:`ROUTERS` (docs/web.md).
"""

from __future__ import annotations

from fastapi import APIRouter

from plantwarden.web.api import (
    access_sessions,
    alerts,
    answer,
    assets,
    audit,
    baselines,
    captures,
    compliance,
    conversations,
    fleet,
    fleet_questions,
    frames,
    governance,
    grants,
    impact,
    incidents,
    me,
    plan,
    segmentation,
    sensor_requests,
    sensors,
    sites,
    vulns,
)

ROUTERS: list[APIRouter] = [
    me.router,
    sites.router,
    answer.router,
    audit.router,
    alerts.router,
    frames.router,
    captures.router,
    assets.router,
    conversations.router,
    impact.router,
    segmentation.router,
    governance.router,
    baselines.router,
    compliance.router,
    grants.router,
    access_sessions.router,
    incidents.router,
    vulns.router,
    plan.router,
    sensors.router,
    sensor_requests.router,
    fleet.router,
    fleet_questions.router,
]
