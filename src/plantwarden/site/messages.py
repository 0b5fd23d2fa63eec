"""Pydantic validation errors as messages a person can act on: what is wrong, what was expected."""

from __future__ import annotations

import difflib
import enum
import types
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from plantwarden.site.types import NAME_PATTERN

PATTERN_HINTS = {
    NAME_PATTERN: "a name: letters, digits, '-', '_', '.', starting with a letter or digit, at most 64",
}

TYPE_WORDS = {
    "string_type": 'a string (quote it: "...")',
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list (- item, or [a, b])",
    "tuple_type": "a list (- item, or [a, b])",
    "dict_type": "a mapping (key: value)",
    "model_type": "a mapping (key: value)",
    "model_attributes_type": "a mapping (key: value)",
    "date_type": "a date YYYY-MM-DD",
    "date_parsing": "a date YYYY-MM-DD",
    "date_from_datetime_parsing": "a date YYYY-MM-DD",
    "date_from_datetime_inexact": "a date YYYY-MM-DD",
    "datetime_type": "a local date-time YYYY-MM-DDTHH:MM",
    "datetime_parsing": "a local date-time YYYY-MM-DDTHH:MM",
    "datetime_from_date_parsing": "a local date-time YYYY-MM-DDTHH:MM",
    "time_type": "a time of day HH:MM (quoted)",
    "time_parsing": "a time of day HH:MM (quoted)",
    "ip_any_address": "an IPv4 or IPv6 address, e.g. 10.10.40.11",
    "ip_any_network": "a network in CIDR form with no host bits set, e.g. 10.10.40.0/24",
    "finite_number": "a finite number",
}

BOUNDS = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=", "less_than": "<"}


def describe(error: ErrorDetails, root: type[BaseModel]) -> str:
    """One message for one pydantic error."""
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    loc = tuple(error["loc"])
    if kind == "missing":
        return _missing(root, loc)
    if kind == "extra_forbidden":
        return _unknown(root, loc)
    if kind in ("value_error", "assertion_error"):
        return str(error["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind in TYPE_WORDS:
        return f"{_shown(value)} is not {TYPE_WORDS[kind]}"
    return _constraint(kind, value, ctx, str(error["msg"]))


def _constraint(kind: str, value: Any, ctx: dict[str, Any], msg: str) -> str:
    if kind in BOUNDS:
        limit = next(iter(ctx.values()))
        limit = int(limit) if isinstance(limit, float) and limit.is_integer() else limit
        return f"{_shown(value)} is out of range (expected a value {BOUNDS[kind]} {limit})"
    if kind in ("enum", "literal_error"):
        near = difflib.get_close_matches(str(value), _choices(str(ctx.get("expected", ""))), n=1)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        return f"{_shown(value)} is not allowed (expected {ctx.get('expected')}){hint}"
    if kind == "string_pattern_mismatch":
        expected = PATTERN_HINTS.get(str(ctx.get("pattern")), f"text matching {ctx.get('pattern')}")
        return f"{_shown(value)} is not valid (expected {expected})"
    if kind == "too_short":
        return f"has {ctx.get('actual_length')} item(s) (expected at least {ctx.get('min_length')})"
    if kind == "too_long":
        return f"has {ctx.get('actual_length')} item(s) (expected at most {ctx.get('max_length')})"
    if kind == "string_too_short":
        return "is empty (expected some text)"
    return f"{msg} (got {_shown(value)})"


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "an empty value" if value is None else repr(value)


def _choices(expected: str) -> list[str]:
    return [part.strip(" '") for part in expected.replace(" or ", ",").split(",") if part.strip()]


def _missing(root: type[BaseModel], loc: tuple[Any, ...]) -> str:
    model = model_at(root, loc[:-1])
    field = _fields(model).get(str(loc[-1])) if model else None
    return f"missing required key {loc[-1]!r}" + (f" (expected: {field.rstrip('.')})" if field else "")


def _unknown(root: type[BaseModel], loc: tuple[Any, ...]) -> str:
    model = model_at(root, loc[:-1])
    allowed = list(_fields(model)) if model else []
    near = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
    hint = f"; did you mean {near[0]!r}?" if near else ""
    return f"unknown key {loc[-1]!r} (expected one of: {', '.join(allowed)}){hint}"


def _fields(model: type[BaseModel]) -> dict[str, str]:
    """Keys of a model as written in YAML (aliases), with what each expects."""
    fields = model.model_fields.items()
    return {(f.alias or name): _expects(f.description, f.annotation) for name, f in fields}


def _expects(description: str | None, annotation: Any) -> str:
    tp = _unwrap(annotation)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return "one of " + ", ".join(str(m.value) for m in tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return "a mapping with " + ", ".join(_fields(tp))
    return description or ""


def format_loc(loc: tuple[Any, ...]) -> str:
    """``('zones', 2, 'cidrs', 0)`` as ``zones[2].cidrs[0]``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def model_at(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class found by walking ``loc`` from ``root`` (None if it leads elsewhere)."""
    current: Any = root
    for part in loc:
        current = _step(current, part)
        if current is None:
            return None
    model = _as_model(current)
    return model


def _step(current: Any, part: Any) -> Any:
    model = _as_model(current)
    if model is not None and isinstance(part, str):
        by_key = {(f.alias or n): f.annotation for n, f in model.model_fields.items()}
        return by_key.get(part)
    if isinstance(part, int):
        args = [a for a in get_args(_unwrap(current)) if a is not Ellipsis]
        return args[0] if args else None
    return None


def _unwrap(tp: Any) -> Any:
    """Strip ``Annotated`` and ``None`` from an annotation."""
    while get_origin(tp) is not None and hasattr(tp, "__metadata__"):
        tp = get_args(tp)[0]
    if get_origin(tp) in (Union, types.UnionType):
        rest = [a for a in get_args(tp) if a is not type(None)]
        return _unwrap(rest[0]) if len(rest) == 1 else tp
    return tp


def _as_model(tp: Any) -> type[BaseModel] | None:
    tp = _unwrap(tp)
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None
