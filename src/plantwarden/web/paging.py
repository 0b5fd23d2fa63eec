"""Every list is paginated, in a stable order, by keyset: ``?limit=50&cursor=...``.

A list answers ``{"items": [...], "next": CURSOR | null}``; ``next`` is given to the same
URL as ``cursor`` to get the following page, and is null on the last one. The cursor is
opaque to clients (URL-safe base64 of the last row's sort key); the query goes on *after*
that key (``WHERE (a, b) > (:a, :b)``, spelled out so that mixed directions work), so a
page deep into a 100,000-row list costs what the first one does, and rows added meanwhile
neither repeat nor shift a page. The sort keys end with a unique column (an id), never NULL.

Use: ``page: Page`` as a route parameter, then :func:`keyset` on the Select and
:func:`answer` on the rows it returns (``limit + 1`` are fetched to know whether more follow).
A short list already in memory (sites) goes through :func:`from_list`.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, TypeVar, TypeVarTuple

from fastapi import Depends, Query
from sqlalchemy import ColumnElement, Select, and_, or_
from sqlalchemy.orm import InstrumentedAttribute

from plantwarden.web.errors import ApiError

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
T = TypeVar("T")
Ts = TypeVarTuple("Ts")
KeyValue = int | str | float | datetime


@dataclass(frozen=True, slots=True)
class PageRequest:
    """The page asked for: how many items, and the key of the item before the first (None: start)."""

    limit: int
    after: tuple[Any, ...] | None


def encode(values: Sequence[KeyValue]) -> str:
    parts = [{"t": v.isoformat()} if isinstance(v, datetime) else v for v in values]
    raw = json.dumps(parts, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _bad_cursor() -> ApiError:
    return ApiError(
        422,
        "query.cursor: not a cursor of this list (give back the 'next' value of its previous page)",
        details=[{"loc": ["query", "cursor"], "message": "invalid cursor"}],
    )


def decode(cursor: str) -> tuple[Any, ...]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        parts = json.loads(raw)
    except (binascii.Error, ValueError) as exc:
        raise _bad_cursor() from exc
    if not isinstance(parts, list) or not parts:
        raise _bad_cursor()
    values: list[Any] = []
    for p in parts:
        if isinstance(p, dict) and isinstance(p.get("t"), str):
            try:
                values.append(datetime.fromisoformat(p["t"]))
            except ValueError as exc:
                raise _bad_cursor() from exc
        elif isinstance(p, int | str | float) and not isinstance(p, bool):
            values.append(p)
        else:
            raise _bad_cursor()
    return tuple(values)


def page_request(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None, Query(max_length=2000, description="The 'next' value of the page before.")
    ] = None,
) -> PageRequest:
    return PageRequest(limit, None if cursor is None else decode(cursor))


Page = Annotated[PageRequest, Depends(page_request)]


@dataclass(frozen=True, slots=True)
class Key:
    """One sort key: a column, its Python type (checked against a cursor), and its direction."""

    column: ColumnElement[Any] | InstrumentedAttribute[Any]
    kind: type
    desc: bool = False


def _check(after: tuple[Any, ...], keys: Sequence[Key]) -> None:
    if len(after) != len(keys):
        raise _bad_cursor()
    for value, key in zip(after, keys, strict=True):
        ok = isinstance(value, key.kind) or (key.kind is float and isinstance(value, int))
        if not ok:
            raise _bad_cursor()


def keyset(query: Select[*Ts], keys: Sequence[Key], page: PageRequest) -> Select[*Ts]:
    """The query ordered by ``keys``, starting after the cursor, ``limit + 1`` rows."""
    if page.after is not None:
        _check(page.after, keys)
        ors = []
        for i, key in enumerate(keys):
            equal = [k.column == v for k, v in zip(keys[:i], page.after[:i], strict=True)]
            beyond = key.column < page.after[i] if key.desc else key.column > page.after[i]
            ors.append(and_(*equal, beyond))
        query = query.where(or_(*ors))
    order = [k.column.desc() if k.desc else k.column.asc() for k in keys]
    return query.order_by(*order).limit(page.limit + 1)


def answer(
    rows: Sequence[T], page: PageRequest, key: Callable[[T], Sequence[KeyValue]], item: Callable[[T], Any]
) -> dict[str, Any]:
    """``{"items": [...], "next": ...}`` from the ``limit + 1`` rows :func:`keyset` fetched."""
    shown = rows[: page.limit]
    more = len(rows) > page.limit
    return {"items": [item(r) for r in shown], "next": encode(key(shown[-1])) if more and shown else None}


def from_list(
    items: Sequence[T], page: PageRequest, key: Callable[[T], tuple[Any, ...]], item: Callable[[T], Any]
) -> dict[str, Any]:
    """A page of a short list held in memory, sorted by ``key`` (ascending, unique)."""
    ordered = sorted(items, key=key)
    if page.after is not None and ordered:
        sample = key(ordered[0])
        if len(page.after) != len(sample) or any(
            type(a) is not type(b) for a, b in zip(page.after, sample, strict=True)
        ):
            raise _bad_cursor()
        ordered = [i for i in ordered if key(i) > page.after]
    return answer(ordered[: page.limit + 1], page, key, item)
