"""The document's conversation rows from the kernel's counter table and the Python side's.

A long capture has a hundred thousand (src, dst, proto, code) rows, most of them counted in
the kernel (``Tables.ckey``/``cval``: one row per address pair and kernel label) and some by
the Python decoders (``Collector.conversations``). Instead of folding each kernel row into the
Python dictionaries and sorting those, the rows of both are put in arrays (addresses,
(proto, code) pairs and operation classes as ranks in Python's string order), sorted once with
``numpy.lexsort`` and summed per key with ``reduceat``. The result is the list
``Collector._conversation_rows`` gives for the same counts, row for row (sorted by
(src, dst, proto, code); timestamps divided as Python integers, exactly).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np

from plantwarden.analyze.collect import NS, Span

Key = tuple[str, str, str, str]


def _ranks(values: list[Any]) -> tuple[list[Any], dict[Any, int]]:
    """The distinct values in Python's order, and each value's rank among them."""
    ordered = sorted(set(values))
    return ordered, {v: i for i, v in enumerate(ordered)}


def conversation_rows(
    names: list[str],
    pairs: np.ndarray,
    labels: np.ndarray,
    counts: np.ndarray,
    describe: Callable[[int], tuple[str, str, str]],
    spans: dict[Key, Span],
    classes: dict[Key, Counter[str]],
) -> list[dict[str, Any]]:
    """Rows of the kernel's counters (``pairs``: src index << 32 | dst index into ``names``;
    ``labels``; ``counts``: n, first ns, last ns) merged with the Python side's ``spans`` and
    ``classes``. ``describe`` gives a label's (proto, code, op class)."""
    label_list = labels.tolist()
    desc = {label: describe(label) for label in set(label_list)}
    py = [(key, cls, n, spans[key]) for key, cl in classes.items() for cls, n in cl.items()]
    addr_sorted, addr_rank = _ranks(names + [k[0] for k, *_ in py] + [k[1] for k, *_ in py])
    pc_sorted, pc_rank = _ranks([d[:2] for d in desc.values()] + [k[2:] for k, *_ in py])
    cls_sorted, cls_rank = _ranks([d[2] for d in desc.values()] + [c for _, c, *_ in py])

    by_index = np.array([addr_rank[n] for n in names], np.int64)
    by_label = {label: (pc_rank[d[:2]], cls_rank[d[2]]) for label, d in desc.items()}
    kernel_pc = np.array([by_label[label] for label in label_list], np.int64).reshape(-1, 2)
    k = len(label_list)
    rows = k + len(py)
    src, dst, pc, cls = (np.empty(rows, np.int64) for _ in range(4))
    n, first, last = (np.empty(rows, np.int64) for _ in range(3))
    src[:k] = by_index[(pairs >> np.uint64(32)).astype(np.int64)]
    dst[:k] = by_index[(pairs & np.uint64(0xFFFFFFFF)).astype(np.int64)]
    pc[:k], cls[:k] = kernel_pc[:, 0], kernel_pc[:, 1]
    n[:k], first[:k], last[:k] = counts[:, 0], counts[:, 1], counts[:, 2]
    for i, ((s, d, proto, code), c, count, span) in enumerate(py, k):
        src[i], dst[i], pc[i], cls[i] = addr_rank[s], addr_rank[d], pc_rank[(proto, code)], cls_rank[c]
        n[i], first[i], last[i] = count, span.first_ns, span.last_ns
    if not rows:
        return []

    order = np.lexsort((cls, pc, dst, src))
    src, dst, pc, cls = src[order], dst[order], pc[order], cls[order]
    n, first, last = n[order], first[order], last[order]
    new_key = np.ones(rows, bool)
    new_key[1:] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1]) | (pc[1:] != pc[:-1])
    new_cls = new_key.copy()
    new_cls[1:] |= cls[1:] != cls[:-1]
    keys, subs = np.flatnonzero(new_key), np.flatnonzero(new_cls)
    total = np.add.reduceat(n, keys).tolist()
    firsts = np.minimum.reduceat(first, keys).tolist()
    lasts = np.maximum.reduceat(last, keys).tolist()
    sub_n = np.add.reduceat(n, subs).tolist()
    sub_cls = [cls_sorted[c] for c in cls[subs].tolist()]
    # each key's first operation class among the class groups (both sorted the same way)
    starts = [*np.searchsorted(subs, keys).tolist(), len(subs)]

    out: list[dict[str, Any]] = []
    append = out.append
    heads = zip(src[keys].tolist(), dst[keys].tolist(), pc[keys].tolist(), strict=True)
    for j, (s, d, p) in enumerate(heads):
        a, b = starts[j], starts[j + 1]
        op = {sub_cls[a]: sub_n[a]} if b - a == 1 else {sub_cls[i]: sub_n[i] for i in range(a, b)}
        proto, code = pc_sorted[p]
        append({
            "src": addr_sorted[s], "dst": addr_sorted[d], "proto": proto, "code": code,
            "count": total[j], "first_ts": firsts[j] / NS, "last_ts": lasts[j] / NS, "op_classes": op,
        })
    return out
