"""Recording a change made through the API or a page in the hash-chained audit log.

Every state-changing route is a POST to an action (``POST /api/v1/sites/{site}/alerts/{id}/ack``
with ``{"why": "..."}``, :class:`plantwarden.web.schemas.Reason`). It calls its capability's
service function, then :func:`record` with the same ``action`` name the CLI uses
(``alert.ack``): the actor is the user's name, and ``details`` say how (``via``: ``token`` or
``session``, and the token's id). Secrets never go in: not the token, not a password.
"""

from __future__ import annotations

from typing import Any

from plantwarden.people import audit
from plantwarden.web.deps import SiteCtx


def how(ctx: SiteCtx) -> dict[str, Any]:
    """``{"via": "token", "token_id": 3}`` or ``{"via": "session"}``."""
    found: dict[str, Any] = {"via": ctx.via}
    if ctx.principal.token_id is not None:
        found["token_id"] = ctx.principal.token_id
    return found


def record(
    db_url: str, ctx: SiteCtx, action: str, target: str, why: str, details: dict[str, Any] | None = None
) -> None:
    """Append the change to the audit log (its own transaction, after the service committed)."""
    audit.record(
        db_url,
        ctx.principal.name,
        action,
        target,
        site_id=ctx.site_id,
        why=why,
        details={**(details or {}), **how(ctx)},
    )
