"""Shapes shared by the API modules: a page of items, an error, the reason of a change."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class Paged(BaseModel, Generic[T]):
    """A page of a list; give ``next`` back as ``cursor`` for the following page (null: the last)."""

    items: list[T]
    next: str | None


class ErrorBody(BaseModel):
    status: int
    code: str
    message: str
    details: list[dict[str, Any]]


class ErrorOut(BaseModel):
    """Every error, whatever the route (plantwarden.web.errors)."""

    error: ErrorBody


class Reason(BaseModel):
    """The body of every change (``POST .../{id}/ack``): why, recorded in the audit log."""

    why: str = Field(min_length=1, max_length=2000, description="Why: written to the audit log.")


#: The error answers every route may give, for the OpenAPI document.
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "No identity: sign in or send a token."},
    403: {"model": ErrorOut, "description": "Your role on the site does not allow it."},
    404: {"model": ErrorOut, "description": "No such site (or not one you may view), or no such item."},
    422: {"model": ErrorOut, "description": "Invalid parameters or body."},
}
