"""Version ranges in every form the CISA ICS advisories use, and whether a version is in one.

Forms: ``vers:`` expressions (``vers:all/*``, ``vers:all/<V3.5.20``, ``vers:intdot/>=1.2|<2``,
``vers:generic/...``), comparisons with or without ``|`` (``<= 3.1.38``, ``>= V7.80 < V9.30``,
``>=1.220|<=1.281``, ``>v33.011|<v33.015``), enumerations (``8.001|8.002|9.001``), per-branch
fix lists (``<V33.017_V34.014_V35.013_V36.011``: below the fix of the version's own branch),
``>FW19_up_to_and_including_FW26``, ``< 3.3 SP1 3.x`` (within the 3.x branch), ``All versions
with Fortinet NGFW`` (all, on a condition), and a single version (``product_version``).

Constraints combine as in the vers specification: equalities are alternatives, the range
bounds (in version order) pair into intervals. A text that fits none of these, or an interval
whose lower bound lies above its upper bound, is :class:`Unparsed`: reported, never read as
"not affected".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from plantwarden.vulns.versions import Version, branch, parse_version

OPS = ("<=", ">=", "!=", "<", ">", "=")
_CONSTRAINT = re.compile(
    r"(<=|>=|!=|<|>|=)?\s*([^\s|<>=!]+(?:\s+(?:sp|r|p|fp|upd|update|hf|sr)\s*\d+)*)", re.IGNORECASE
)


class InRange(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"  # the range or the version could not be read


@dataclass(frozen=True, slots=True)
class AllVersions:
    text: str
    condition: str | None = None  # "with Fortinet NGFW": a condition plantwarden cannot check

    def contains(self, v: Version | None) -> InRange:
        return InRange.YES


@dataclass(frozen=True, slots=True)
class Constraints:
    text: str
    items: tuple[tuple[str, Version], ...]

    def contains(self, v: Version | None) -> InRange:
        if v is None:
            return InRange.UNKNOWN
        return InRange.YES if _vers_contains(self.items, v) else InRange.NO


@dataclass(frozen=True, slots=True)
class PerBranch:
    """``<A_B_C``: each entry the first fixed version of its branch."""

    text: str
    fixes: tuple[Version, ...]

    def contains(self, v: Version | None) -> InRange:
        if v is None or branch(v) is None:
            return InRange.UNKNOWN
        b = branch(v)
        for fix in self.fixes:
            if branch(fix) == b:
                return InRange.YES if v.key < fix.key else InRange.NO
        branches = [x for f in self.fixes if (x := branch(f)) is not None]
        if b is not None and b < min(branches):
            return InRange.YES
        if b is not None and b > max(branches):
            return InRange.NO
        return InRange.UNKNOWN


@dataclass(frozen=True, slots=True)
class Unparsed:
    text: str
    reason: str

    def contains(self, v: Version | None) -> InRange:
        return InRange.UNKNOWN


Spec = AllVersions | Constraints | PerBranch | Unparsed


def _vers_contains(items: tuple[tuple[str, Version], ...], v: Version) -> bool:
    if any(op == "!=" and v.key == x.key for op, x in items):
        return False
    if any(op == "=" and v.key == x.key for op, x in items):
        return True
    bounds = sorted(((op, x) for op, x in items if op not in ("=", "!=")), key=lambda i: i[1].key)
    lower: tuple[str, Version] | None = None
    for op, x in bounds:
        if op in (">", ">="):
            lower = lower or (op, x)
            continue
        if _above(lower, v) and (v.key < x.key or (op == "<=" and v.key == x.key)):
            return True
        lower = None
    return lower is not None and _above(lower, v)


def _above(lower: tuple[str, Version] | None, v: Version) -> bool:
    if lower is None:
        return True
    op, x = lower
    return v.key > x.key or (op == ">=" and v.key == x.key)


@lru_cache(maxsize=1 << 16)
def parse_range(text: str, *, single: bool = False) -> Spec:
    """The range ``text`` (``single``: a ``product_version``, one version)."""
    raw = " ".join(text.split())
    if single:
        return _single(raw)
    low = raw.lower()
    if low.startswith("vers:"):
        return _vers(raw)
    rest = raw[len("all versions") :].strip() if low.startswith("all versions") else ""
    if rest[:1] in ("<", ">", "="):
        return _comparisons(rest)
    if low in ("*", "all", "all versions") or low.startswith("all versions "):
        return AllVersions(raw, rest or None)
    m = re.fullmatch(r"<\s*(v?[\d.]+(?:_v?[\d.]+)+)", raw, re.IGNORECASE)
    if m:
        fixes = [parse_version(p) for p in m.group(1).split("_")]
        if all(fixes):
            return PerBranch(raw, tuple(f for f in fixes if f is not None))
    m = re.fullmatch(r">\s*(\S+?)_up_to_and_including_(\S+)", raw, re.IGNORECASE)
    if m:
        return _constraints(raw, [(">", m.group(1)), ("<=", m.group(2))])
    m = re.fullmatch(r"(<=?)\s*(.+?)\s+(\d+)\.x", raw, re.IGNORECASE)
    if m:
        return _constraints(raw, [(">=", m.group(3)), (m.group(1), m.group(2))])
    return _comparisons(re.sub(r"\s*\([^()]*\)\s*$", "", raw))


def _single(raw: str) -> Spec:
    text = re.sub(r"\s*\(.*\)\s*$", "", raw)
    v = parse_version(text)
    if v is None:
        return Unparsed(raw, "no version number in it")
    return Constraints(raw, (("=", v),))


def _vers(raw: str) -> Spec:
    scheme, _, body = raw[len("vers:") :].partition("/")
    if not body:
        return Unparsed(raw, "vers: without constraints")
    if body.strip() == "*":
        return AllVersions(raw)
    pairs: list[tuple[str, str]] = []
    for part in body.split("|"):
        m = re.fullmatch(r"\s*(<=|>=|!=|<|>)?\s*(\S+)\s*", part)
        if m is None:
            return Unparsed(raw, f"vers:{scheme} constraint {part!r} not understood")
        pairs.append((m.group(1) or "=", m.group(2)))
    return _constraints(raw, pairs)


def _comparisons(raw: str) -> Spec:
    pairs: list[tuple[str, str]] = []
    for part in raw.split("|"):
        found = _CONSTRAINT.findall(part.strip())
        if not found:
            return Unparsed(raw, f"{part!r} is not a version comparison")
        pairs.extend((op or "=", value) for op, value in found)
    return _constraints(raw, pairs)


def _constraints(raw: str, pairs: list[tuple[str, str]]) -> Spec:
    items = []
    for op, value in pairs:
        v = parse_version(value)
        if v is None:
            return Unparsed(raw, f"{value!r} is not a version")
        items.append((op, v))
    lows = [v for op, v in items if op in (">", ">=")]
    highs = [v for op, v in items if op in ("<", "<=")]
    if len(lows) == 1 and len(highs) == 1 and lows[0].key > highs[0].key:
        return Unparsed(raw, f"lower bound {lows[0]} lies above upper bound {highs[0]}")
    return Constraints(raw, tuple(items))


@lru_cache(maxsize=1 << 16)
def inclusive_from_name(spec: Spec, name: str) -> Spec:
    """A product name saying "X and earlier" / "X and prior" makes a ``< X`` bound inclusive
    (ABB writes ``< 3.3 SP1 3.x`` for "3.3 SP1 and earlier 3.x versions")."""
    if not isinstance(spec, Constraints) or not re.search(r"\band (earlier|prior)\b", name, re.IGNORECASE):
        return spec
    items = tuple(
        ("<=", v)
        if op == "<" and re.search(re.escape(v.text) + r"\s+and (earlier|prior)", name, re.I)
        else (op, v)
        for op, v in spec.items
    )
    return Constraints(spec.text, items)
