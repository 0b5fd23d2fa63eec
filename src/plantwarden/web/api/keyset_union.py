"""Keyset pages over a long order of mixed directions, one index range per key.

:func:`plantwarden.web.paging.keyset` says "after the cursor" as one OR of the keys
(``a < x OR (a = x AND b < y) OR ...``); with keys in mixed directions no database turns that
into one range of the index, so a page deep into 100,000 alerts read the index from the top
of its severity down to the cursor (PostgreSQL: 52 ms median, 130 ms p95 for the SQL alone;
the first page 4 ms). Here each term of that OR is its own query — the equal prefix, then
one key beyond the cursor — which the index answers as one range read in order, at most
``limit + 1`` rows each; the union of them, in order, is the page (the terms are disjoint
and each already sorted). Same rows, same order as :func:`paging.keyset`
(``tests/web/test_alerts_api.py`` walks both). Kept beside the alert list because
``web/paging.py`` is shared; it could move there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select, union_all

from plantwarden.web.errors import ApiError
from plantwarden.web.paging import Key, PageRequest


def _bad_cursor() -> ApiError:
    return ApiError(
        422,
        "query.cursor: not a cursor of this list (give back the 'next' value of its previous page)",
        details=[{"loc": ["query", "cursor"], "message": "invalid cursor"}],
    )


def _check(after: tuple[Any, ...], keys: Sequence[Key]) -> None:
    if len(after) != len(keys):
        raise _bad_cursor()
    for value, key in zip(after, keys, strict=True):
        if not (isinstance(value, key.kind) or (key.kind is float and isinstance(value, int))):
            raise _bad_cursor()


def keyset_union(query: Select[Any], keys: Sequence[Key], page: PageRequest) -> Select[Any]:
    """``query`` ordered by ``keys`` from after the cursor, ``limit + 1`` rows (as
    :func:`paging.keyset`), as a union of one index range per key."""
    order = [k.column.desc() if k.desc else k.column.asc() for k in keys]
    n = page.limit + 1
    if page.after is None:
        return query.order_by(*order).limit(n)
    after = page.after
    _check(after, keys)
    parts = []
    for i, key in enumerate(keys):
        equal = [k.column == v for k, v in zip(keys[:i], after[:i], strict=True)]
        beyond = key.column < after[i] if key.desc else key.column > after[i]
        part = query.where(*equal, beyond).order_by(*order).limit(n).subquery()
        parts.append(select(part))
    rows = union_all(*reversed(parts)).subquery()  # the longest equal prefix comes first
    names = [str(k.column.key) for k in keys]
    outer = [
        rows.c[name].desc() if k.desc else rows.c[name].asc() for name, k in zip(names, keys, strict=True)
    ]
    return select(rows).order_by(*outer).limit(n)
