"""Reading a posted form on the pages: text fields, lists, and a pydantic body built from it
(its validation errors answered as the one 422, naming the field, never echoing the value)."""

from __future__ import annotations

from typing import Any, TypeVar
from urllib.parse import quote

from fastapi import Request
from pydantic import BaseModel, ValidationError

from plantwarden.web.deps import SiteCtx
from plantwarden.web.errors import ApiError

B = TypeVar("B", bound=BaseModel)


async def fields(request: Request) -> dict[str, Any]:
    """The form's fields: one value as a stripped string, repeated ones as a list."""
    form = await request.form()
    found: dict[str, Any] = {}
    for key in form:
        values = [v.strip() for v in form.getlist(key) if isinstance(v, str)]
        found[key] = values if len(values) > 1 else (values[0] if values else "")
    return found


def words(value: Any) -> list[str]:
    """A list field from a comma-separated text, or the repeated field's values."""
    items = value if isinstance(value, list) else str(value or "").split(",")
    return [s.strip() for s in items if s.strip()]


def body(model: type[B], data: dict[str, Any]) -> B:
    try:
        return model.model_validate({k: v for k, v in data.items() if v not in ("", None)})
    except ValidationError as exc:
        problems = [
            {"loc": ["body", *map(str, e["loc"])], "message": e["msg"]}
            for e in exc.errors(include_input=False)
        ]
        first = problems[0]
        raise ApiError(422, f"{'.'.join(first['loc'][1:])}: {first['message']}", details=problems) from None


def site_path(ctx: SiteCtx, rest: str) -> str:
    return f"/sites/{quote(ctx.site.name, safe='')}{rest}"
