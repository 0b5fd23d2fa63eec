"""Conflicting values of one field: kept side by side, never overwritten.

A value that only adds detail to another ("5.1" then "5.1.2600") refines it and is no
conflict. Values seen one after the other (never at the same time) are a change (firmware
update, re-imaged host), values seen over overlapping times a conflict.
"""

from __future__ import annotations

from typing import Any

from plantwarden.inventory.model import Asset, Value, normalise

IGNORED = frozenset({"mac_vendor"})


def _refines(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a)


def _distinct(values: list[Value]) -> list[Value]:
    """Values no other value refines or is refined by (the most detailed of each chain)."""
    keys = sorted((normalise(v.value) for v in values), key=len, reverse=True)
    keep = [k for i, k in enumerate(keys) if not any(_refines(k, other) for other in keys[:i])]
    return [v for v in values if normalise(v.value) in keep]


def _overlap(values: list[Value]) -> bool:
    spans = sorted((v.first_ts() or 0.0, v.last_ts() or 0.0) for v in values)
    return any(spans[i + 1][0] <= spans[i][1] for i in range(len(spans) - 1))


def conflicts(asset: Asset) -> list[dict[str, Any]]:
    out = []
    for name in sorted(asset.fields):
        values = list(asset.fields[name].values())
        if name in IGNORED or len(values) < 2 or "." in name:
            continue
        distinct = _distinct(values)
        if len(distinct) < 2:
            continue
        out.append(
            {
                "field": name,
                "kind": "conflict" if _overlap(distinct) else "changed",
                "values": sorted(v.value for v in distinct),
            }
        )
    return out
