"""Value types shared by the site model: names, MAC addresses, time zone, currency."""

from __future__ import annotations

import re
import zoneinfo
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from plantwarden.site.currencies import ISO_4217

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$"

Name = Annotated[
    str,
    StringConstraints(pattern=NAME_PATTERN),
    Field(description="A name: letters, digits, '-', '_', '.', starting with a letter or digit, at most 64."),
]
"""A name other entries refer to (asset, zone, line, role, ...)."""

Text = Annotated[str, StringConstraints(min_length=1, max_length=2000)]

_MAC_HEX = re.compile(r"^[0-9a-f]{12}$")


class Frozen(BaseModel):
    """Base of every site-model object: immutable, unknown keys rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def _mac(value: str) -> str:
    """Normalise ``00-1B-1B-AA-BB-CC``, ``001b.1baa.bbcc`` or ``00:1b:...`` to lower-case colons."""
    digits = re.sub(r"[:\-.]", "", value.strip().lower())
    if not _MAC_HEX.match(digits) or not _mac_separators_ok(value.strip()):
        raise ValueError(f"{value!r} is not a MAC address (expected six hex bytes, e.g. 00:1b:1b:0a:10:01)")
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def _mac_separators_ok(value: str) -> bool:
    return bool(
        re.match(r"^[0-9A-Fa-f]{2}([:\-])([0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}$", value)
        or re.match(r"^[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}$", value)
        or re.match(r"^[0-9A-Fa-f]{12}$", value)
    )


MacAddress = Annotated[
    str,
    AfterValidator(_mac),
    Field(description="MAC address (aa:bb:cc:dd:ee:ff, aa-bb-..., aabb.ccdd.eeff); stored lower-case."),
]


def _timezone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r} is not an IANA time zone (expected e.g. Europe/Berlin)") from None
    return value


TimeZoneName = Annotated[
    str, AfterValidator(_timezone), Field(description="IANA time zone name, e.g. Europe/Berlin.")
]


def _currency(value: str) -> str:
    if value not in ISO_4217:
        raise ValueError(f"{value!r} is not an ISO 4217 currency code (expected three capitals, e.g. EUR)")
    return value


Currency = Annotated[
    str, AfterValidator(_currency), Field(description="ISO 4217 currency code, e.g. EUR, USD, CHF.")
]
