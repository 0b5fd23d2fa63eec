"""Vendor and product names as advisories and devices spell them, made comparable.

Vendors: legal suffixes dropped ("Siemens AG" = "Siemens"), then aliases
(:data:`ALIASES`: "Schneider Electric Software, LLC" = "Schneider Electric", "Allen-Bradley"
= "Rockwell Automation"); an advisory vendor naming two companies ("Exacq Technologies,
Johnson Controls Inc.") matches either. Product names: the vendor's name in front dropped,
"(incl. SIPLUS variants)" / "(Including ...)" dropped, an order number in parentheses taken
as a model number, "(running ...)" / "(with ...)" / ", Serial number ..." kept as a
condition plantwarden reports but cannot check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

CACHE = 1 << 16  # names repeat across thousands of advisories: parse each once

SUFFIXES = frozenset(
    {
        *("ag", "inc", "llc", "gmbh", "co", "kg", "ltd", "corporation", "corp", "sa", "se", "plc"),
        *("limited", "company", "the", "incorporated", "international", "group", "holdings"),
    }
)
ALIASES = {
    "siemens": "siemens",
    "schneider electric software": "schneider electric",
    "schneider": "schneider electric",
    "allen bradley": "rockwell automation",
    "rockwell": "rockwell automation",
    "mitsubishi": "mitsubishi electric",
    "general electric": "ge",
    "ge vernova": "ge",
    "ge grid solutions": "ge",
    "codesys": "codesys",
    "3s smart software solutions": "codesys",
    "delta": "delta electronics",
    "yokogawa electric": "yokogawa",
    "omron electronics": "omron",
    "wago kontakttechnik": "wago",
    "emerson electric": "emerson",
    "exacq technologies": "johnson controls",
    "hitachi energy": "hitachi energy",
    "abb power grids": "hitachi energy",
    "phoenix contact": "phoenix contact",
}
# An order number as Siemens (MLFB, "6ES7 214-1AG40-0XB0") and Rockwell ("1756-EN4TR") write them.
_ORDER = re.compile(r"^(?:\d[A-Z]{2}\d\s?\d{3}-\d[A-Z0-9]{4}-\d[A-Z0-9]{3}|\d{4}-[A-Z0-9]{2,})$", re.I)
_CONDITION = re.compile(r"\((running|with|when|if)\b[^)]*\)|,\s*serial number.*$", re.IGNORECASE)
_INCLUDES = re.compile(r"\((incl\.?|including)\b[^)]*\)", re.IGNORECASE)


@lru_cache(maxsize=CACHE)
def vendor_key(name: str) -> str:
    words = [w for w in re.sub(r"[^a-z0-9]+", " ", name.casefold()).split() if w not in SUFFIXES]
    key = " ".join(words)
    return ALIASES.get(key, key)


@lru_cache(maxsize=CACHE)
def vendor_keys(name: str) -> frozenset[str]:
    """Every vendor an advisory's vendor string names ("A, B Inc." names both)."""
    keys = {vendor_key(name)}
    keys.update(vendor_key(p) for p in name.split(",") if p.strip())
    return frozenset(k for k in keys if k)


@lru_cache(maxsize=CACHE)
def norm(text: str) -> str:
    """Case, spacing, parentheses and commas do not count; ``-``, ``/``, ``.`` and ``*`` do."""
    return " ".join(re.sub(r"[()\[\],:;]", " ", text.casefold()).split())


@lru_cache(maxsize=CACHE)
def order_key(text: str) -> str:
    """An order number without spaces, upper case, without a Rockwell series suffix (``/B``)."""
    return re.sub(r"/[A-Z]$", "", re.sub(r"\s+", "", text.upper()))


def is_order_number(text: str) -> bool:
    return bool(_ORDER.match(text.strip()))


@dataclass(frozen=True, slots=True)
class ProductName:
    """An advisory's product name, taken apart."""

    name: str  # normalised, without vendor, inclusions, conditions and order numbers
    models: tuple[str, ...]  # order numbers (order_key)
    condition: str | None
    pattern: re.Pattern[str] | None  # Omron "CJ2H-CPU**(-EIP)": wildcards


@lru_cache(maxsize=CACHE)
def product_name(raw: str, vendor: str) -> ProductName:
    text = _INCLUDES.sub(" ", raw)
    condition = None
    m = _CONDITION.search(text)
    if m:
        condition = m.group(0).strip(" ,()")
        text = text[: m.start()] + text[m.end() :]
    models = []
    for inner in re.findall(r"\(([^()]*)\)", text):
        if is_order_number(inner):
            models.append(order_key(inner))
            text = text.replace(f"({inner})", " ")
    name = strip_vendor(norm(text), vendor)
    return ProductName(name, tuple(models), condition, _pattern(text.strip()) if "*" in text else None)


@lru_cache(maxsize=CACHE)
def strip_vendor(name: str, vendor: str) -> str:
    for prefix in sorted(
        {norm(vendor), *(norm(p) for p in vendor.split(",")), *vendor_keys(vendor)}, key=len, reverse=True
    ):
        if prefix and name.startswith(prefix + " "):
            return name[len(prefix) + 1 :]
    return name


def _pattern(raw: str) -> re.Pattern[str]:
    """``CJ2H-CPU**(-EIP)``, ``CS1H/G-CPU**H, CJ1G-CPU**P``, ``CS1D-CPU**H/-CPU**P``: ``*`` one
    letter or digit, ``(...)`` optional, ``X/Y-`` alternatives of the part before the dash."""
    alternatives = []
    for part in (p.strip() for p in raw.split(",")):
        for variant in _slash_variants(part):
            rx = re.escape(variant.casefold()).replace(r"\*", "[a-z0-9]")
            rx = re.sub(r"\\\((.*?)\\\)", r"(?:\1)?", rx)
            alternatives.append(rx)
    return re.compile("^(?:" + "|".join(alternatives) + ")$")


def _slash_variants(part: str) -> list[str]:
    m = re.match(r"^([A-Z0-9]+)/([A-Z0-9])(-.*)$", part)
    if m:
        return [m.group(1) + m.group(3), m.group(1)[:-1] + m.group(2) + m.group(3)]
    m = re.match(r"^([A-Z0-9]+)(-[^/]+)/(-.+)$", part)
    if m:
        return [m.group(1) + m.group(2), m.group(1) + m.group(3)]
    return [part]


# Rockwell catalogue numbers of the controller families the advisories name.
CATALOGUE_FAMILIES = (
    (re.compile(r"^1756-L8\dEP$"), "controllogix 5580 process"),
    (re.compile(r"^1756-L8\dES$"), "guardlogix 5580"),
    (re.compile(r"^1756-L8\d(E|EK|EXT|EXTK)?$"), "controllogix 5580"),
    (re.compile(r"^5069-L3\d{1,2}ERS2K?$"), "compact guardlogix 5380 sil 2"),
    (re.compile(r"^5069-L3\d{1,2}ERMS3K?$"), "compact guardlogix 5380 sil 3"),
    (re.compile(r"^5069-L3\d{1,2}ER[MP]?K?$"), "compactlogix 5380"),
    (re.compile(r"^5069-L4\d{1,2}ERK?$"), "compactlogix 5480"),
)


@lru_cache(maxsize=CACHE)
def catalogue_family(order: str) -> str | None:
    key = order_key(order)
    return next((name for rx, name in CATALOGUE_FAMILIES if rx.match(key)), None)
