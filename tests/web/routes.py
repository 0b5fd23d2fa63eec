"""Every route of the application, with paths filled in, for the tests that walk them all."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic.fields import FieldInfo

#: Routes that answer without an identity, (method, path template): nothing else may.
PUBLIC = {
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/login"),
    ("POST", "/login"),
}
PARAM = re.compile(r"{([^}:]+)(:[^}]+)?}")


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    route: APIRoute

    @property
    def has_site(self) -> bool:
        return "{site}" in self.template

    def path(self, site: str, **values: str) -> str:
        def fill(m: re.Match[str]) -> str:
            name = m.group(1)
            value = site if name == "site" else values.get(name, "1")
            return quote(value, safe="")

        return PARAM.sub(fill, self.template)

    def __str__(self) -> str:
        return f"{self.method} {self.template}"


def _flat(routes: list[Any], prefix: str = "") -> list[tuple[str, APIRoute]]:
    """(path, route) of every API route, also inside included routers (FastAPI >= 0.16x keeps
    an included router as one entry of ``app.routes``)."""
    found: list[tuple[str, APIRoute]] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append((prefix + route.path_format, route))
        elif hasattr(route, "original_router"):
            context = getattr(route, "include_context", None)
            found.extend(_flat(route.original_router.routes, prefix + getattr(context, "prefix", "")))
    return found


def walk(app: FastAPI) -> list[Route]:
    """Every (method, route) of the application, ``HEAD`` left out."""
    return [
        Route(method, path, route)
        for path, route in _flat(list(app.routes))
        for method in sorted(route.methods - {"HEAD"})
    ]


def _all_params(dependant: Dependant, kind: str) -> list[Any]:
    own: list[Any] = list(getattr(dependant, kind))
    for sub in dependant.dependencies:
        own.extend(_all_params(sub, kind))
    return own


def _invalid_for(field: FieldInfo | Any) -> str | None:
    """A query value the field's type refuses (None: a plain string, anything goes)."""
    annotation = str(getattr(field, "annotation", getattr(field, "type_", "")))
    for name, bad in (("int", "not-a-number"), ("float", "not-a-number"), ("datetime", "not-a-time")):
        if name in annotation:
            return bad
    if "bool" in annotation:
        return "not-a-bool"
    return None


def bad_input(route: Route) -> dict[str, Any] | None:
    """Request arguments the route must refuse with 422 (None: it takes no refusable input)."""
    dependant = route.route.dependant
    query = {}
    for param in _all_params(dependant, "query_params"):
        bad = _invalid_for(param.field_info if hasattr(param, "field_info") else param)
        if bad is not None:
            query[param.alias] = bad
    path_values = {}
    for param in _all_params(dependant, "path_params"):
        bad = _invalid_for(param.field_info if hasattr(param, "field_info") else param)
        if bad is not None and param.name != "site":
            path_values[param.name] = bad
    if dependant.body_params:
        return {"params": query, "path": path_values, "content": b"{not json", "json_body": True}
    if query or path_values:
        return {"params": query, "path": path_values}
    return None
