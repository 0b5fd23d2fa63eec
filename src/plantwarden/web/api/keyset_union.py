"""Keyset pages over a long order of mixed directions, one index range per key.

:func:`plantwarden.web.paging.keyset` says "after the cursor" as one OR of the keys
(``a < x OR (a = x AND b < y) OR ...``); with keys in mixed directions no database turns that
into one range of the index, so a page deep into 100,000 alerts read the index from the top
of its severity down to the cursor (PostgreSQL: 52 ms median, 130 ms p95 for the SQL alone;
the first page 4 ms). Here each term of that OR is its own query — the equal prefix, then
one key beyond the cursor — which the index answers as one range read in order, at most
``limit + 1`` rows each; the union of them, in order, is the page (the terms are disjoint
and each already sorted). Same rows, same order as :func:`paging.keyset`
(``tests/web/test_alerts_api.py`` walks both). The query itself is
:func:`plantwarden.store.keyset.ranges_after`, shared with the CLI's ``alerts``; here the
client's cursor is checked first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select

from plantwarden.store.keyset import ranges_after
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
    :func:`paging.keyset`), as a union of one index range per key (:mod:`plantwarden.store.keyset`)."""
    if page.after is not None:
        _check(page.after, keys)
    return ranges_after(query, [(k.column, k.desc) for k in keys], page.after, page.limit + 1)
