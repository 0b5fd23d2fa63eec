"""Rows after a key in a long order of mixed directions, one index range per key.

"After the key" is ``a < x OR (a = x AND b < y) OR ...``; with keys in mixed directions no
database turns that OR into one range of the index, so a page deep into 100,000 alerts read
the index from the top of its first key down to the cursor. Here each term of the OR is its
own query (the equal prefix, then one key beyond), which an index holding the whole order
answers as one range read in order, at most ``n`` rows each; their union, in order, is the
page (the terms are disjoint and each already sorted).

Used by the alert list of the API (``web/api/keyset_union.py``, which checks a client's
cursor first) and of the CLI (:func:`plantwarden.detect.listing.pages`); no web import here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select, union_all

#: (column, descending) pairs; the last column is unique.
Order = Sequence[tuple[Any, bool]]


def ranges_after(query: Select[Any], order: Order, after: Sequence[Any] | None, n: int) -> Select[Any]:
    """``query`` ordered by ``order``, at most ``n`` rows, starting after the key ``after``
    (one value per column of ``order``; None: from the start)."""
    by = [c.desc() if desc else c.asc() for c, desc in order]
    if after is None:
        return query.order_by(*by).limit(n)
    parts = []
    for i, (column, desc) in enumerate(order):
        equal = [c == v for (c, _), v in zip(order[:i], after[:i], strict=True)]
        beyond = column < after[i] if desc else column > after[i]
        part = query.where(*equal, beyond).order_by(*by).limit(n).subquery()
        parts.append(select(part))
    rows = union_all(*reversed(parts)).subquery()  # the longest equal prefix comes first
    outer = [rows.c[str(c.key)].desc() if desc else rows.c[str(c.key)].asc() for c, desc in order]
    return select(rows).order_by(*outer).limit(n)
