"""What every API module imports: the prefix and the shared error answers."""

from __future__ import annotations

from plantwarden.web.schemas import ERRORS

PREFIX = "/api/v1"
SITE = PREFIX + "/sites/{site}"

__all__ = ["ERRORS", "PREFIX", "SITE"]
