"""Load a site YAML file into a :class:`SiteModel`, or report every problem with file:line:column.

Steps: compose the YAML keeping node marks (:mod:`plantwarden.site.yamlnodes`), validate with
pydantic, map each error's ``loc`` back to its mark, then check cross-references. When some
entries are invalid the others are still cross-checked (names of the failed ones count as
defined), so one run shows all problems.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from plantwarden.errors import InputError, Problem, SiteModelError
from plantwarden.site.messages import describe, format_loc
from plantwarden.site.model import SiteModel
from plantwarden.site.references import check_references
from plantwarden.site.yamlnodes import Loc, Located, TooLarge, compose

SECTIONS = tuple(n for n in SiteModel.model_fields if n != "site")
PLACEHOLDER_SITE = {"name": "unnamed", "timezone": "UTC", "currency": "EUR"}


def load_site(path: Path) -> SiteModel:
    """Read and validate a site file.

    Raises :class:`InputError` if it cannot be read, :class:`SiteModelError` if it is invalid.
    """
    return load_site_text(read_text(path), str(path))


def read_text(path: Path) -> str:
    """The file's text, or an :class:`InputError` naming the file."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start}); expected a site YAML file") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read the site file: {exc.strerror or exc}") from exc


def load_site_text(text: str, filename: str) -> SiteModel:
    """Validate site YAML given as text; ``filename`` is used in the problems reported."""
    try:
        located = compose(text)
    except yaml.YAMLError as exc:
        raise SiteModelError([_syntax(filename, exc)]) from None
    except (TooLarge, RecursionError) as exc:
        message = str(exc) if isinstance(exc, TooLarge) else "the YAML nests too deep"
        raise SiteModelError([Problem(filename, 1, 1, f"{message} (expected a site file)")]) from None
    found = [_at(filename, pos, msg) for pos, msg in located.problems]
    if located.data is None:
        found.append(Problem(filename, 1, 1, "the file is empty (expected a mapping with a 'site' key)"))
        raise SiteModelError(found)
    model, more = _validate(located, filename)
    found += more
    if found or model is None:
        raise SiteModelError(_sorted(found))
    return model


def _syntax(filename: str, exc: yaml.YAMLError) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    what = " ".join(str(p) for p in (getattr(exc, "context", None), getattr(exc, "problem", None)) if p)
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    return Problem(filename, line, col, f"invalid YAML: {what or exc}")


def _at(filename: str, pos: tuple[int, int], message: str) -> Problem:
    return Problem(filename, pos[0] + 1, pos[1] + 1, message)


def _validate(located: Located, filename: str) -> tuple[SiteModel | None, list[Problem]]:
    try:
        model = SiteModel.model_validate(located.data)
    except ValidationError as exc:
        problems = [_error_problem(e, located, filename) for e in exc.errors()]
        return None, problems + _partial_references(located, exc, filename)
    return model, [_ref_problem(loc, msg, located, filename) for loc, msg in check_references(model)]


def _error_problem(error: Any, located: Located, filename: str) -> Problem:
    loc = tuple(error["loc"])
    where = loc[:-1] if error["type"] in ("missing", "extra_forbidden") else loc
    pos = located.keys.get(loc) if error["type"] == "extra_forbidden" else None
    data_loc = _known_prefix(where, located)
    pos = pos or located.values.get(data_loc, (0, 0))
    prefix = f"{format_loc(data_loc)}: " if data_loc else ""
    return _at(filename, pos, prefix + describe(error, SiteModel))


def _known_prefix(loc: tuple[Any, ...], located: Located) -> Loc:
    for n in range(len(loc), -1, -1):
        if loc[:n] in located.values:
            return loc[:n]
    return ()


def _ref_problem(loc: Loc, message: str, located: Located, filename: str) -> Problem:
    data_loc = _known_prefix(loc, located)
    return _at(filename, located.values.get(data_loc, (0, 0)), f"{format_loc(data_loc)}: {message}")


def _partial_references(located: Located, exc: ValidationError, filename: str) -> list[Problem]:
    """Cross-check the entries that are valid, as if the invalid ones were left out."""
    data = located.data
    if not isinstance(data, dict):
        return []
    bad = {tuple(e["loc"][:2]) for e in exc.errors()}
    kept: dict[str, list[int]] = {}
    trimmed, ignore = _trim(data, bad, kept)
    try:
        model = SiteModel.model_validate(trimmed)
    except ValidationError:
        return []
    remapped = [(_remap(loc, kept), msg) for loc, msg in check_references(model, frozenset(ignore))]
    return [_ref_problem(loc, msg, located, filename) for loc, msg in remapped]


def _trim(
    data: dict[str, Any], bad: set[tuple[Any, ...]], kept: dict[str, list[int]]
) -> tuple[dict[str, Any], set[str]]:
    """The data without the invalid entries, and the names those entries had."""
    site_bad = any(b[:1] == ("site",) for b in bad)
    trimmed: dict[str, Any] = {"site": PLACEHOLDER_SITE if site_bad else data.get("site")}
    ignore: set[str] = set()
    for section in SECTIONS:
        items = data.get(section)
        if not isinstance(items, list) or (section,) in bad:
            continue
        kept[section] = [i for i in range(len(items)) if (section, i) not in bad]
        trimmed[section] = [items[i] for i in kept[section]]
        ignore |= {_name(items[i]) for i in range(len(items)) if (section, i) in bad}
    return trimmed, ignore - {""}


def _name(item: Any) -> str:
    if not isinstance(item, dict):
        return ""
    value = item.get("name", item.get("id", item.get("company")))
    return value if isinstance(value, str) else ""


def _remap(loc: Loc, kept: dict[str, list[int]]) -> Loc:
    if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int) and loc[0] in kept:
        return (loc[0], kept[loc[0]][loc[1]], *loc[2:])
    return loc


def _sorted(problems: list[Problem]) -> list[Problem]:
    unique = {(p.line, p.column, p.message): p for p in problems}
    return [unique[k] for k in sorted(unique)]
