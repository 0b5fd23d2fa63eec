"""JSON Schema of the site file, for editors (e.g. a yaml-language-server ``$schema`` comment)."""

from __future__ import annotations

from typing import Any

from plantwarden import __version__
from plantwarden.cli.outfile import GENERATOR_MARK
from plantwarden.site.model import SiteModel
from plantwarden.site.ports import KNOWN_PROTOCOLS

DIALECT = "https://json-schema.org/draft/2020-12/schema"
TITLE = "plantwarden site model"

ALLOWED_TEXT = {
    "type": "string",
    "pattern": r"^(" + "|".join(sorted(KNOWN_PROTOCOLS)) + r")(/[0-9]{1,5})?$",
    "description": "'<protocol>' or '<protocol>/<port>', e.g. tcp/443 or modbus.",
}


def site_schema() -> dict[str, Any]:
    """The schema, with the shorthand forms the loader accepts (``allow: [tcp/443]``, ``on: sunday``)."""
    schema = SiteModel.model_json_schema(mode="validation")
    defs = schema["$defs"]
    defs["Conduit"]["properties"]["allow"]["items"] = {"anyOf": [ALLOWED_TEXT, {"$ref": "#/$defs/Allowed"}]}
    on = defs["Recurrence"]["properties"]["on"]
    defs["Recurrence"]["properties"]["on"] = {"anyOf": [{"$ref": "#/$defs/Weekday"}, on], "default": []}
    mark = f"{GENERATOR_MARK} {__version__}"  # cli.outfile: a later `site schema --out` may replace it
    return {"$schema": DIALECT, "title": TITLE, "$comment": mark, **_without_title(schema)}


def _without_title(schema: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k != "title"}
