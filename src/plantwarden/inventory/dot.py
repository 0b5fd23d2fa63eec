"""The communication map as Graphviz DOT (one node per asset, one edge per map edge)."""

from __future__ import annotations

from plantwarden.inventory.commap import MapEdge
from plantwarden.inventory.inventory import Inventory


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(inv: Inventory, edges: list[MapEdge]) -> str:
    ids = sorted({e.client for e in edges} | {e.server for e in edges})
    lines = ["digraph plantwarden {", "  rankdir=LR;", "  node [shape=box];"]
    for i in ids:
        found = inv.find(i)
        asset = found[0] if found else None
        role = asset.role.role if asset is not None and asset.role is not None else ""
        label = (asset.name if asset is not None else i) + (f"\n{role}" if role else "")
        lines.append(f"  {_q(i)} [label={_q(label)}];")
    for e in edges:
        ops = ",".join(sorted(e.op_classes))
        label = (
            e.proto + (f" {e.port}" if e.port and "/" not in e.proto else "") + (f"\n{ops}" if ops else "")
        )
        lines.append(f"  {_q(e.client)} -> {_q(e.server)} [label={_q(label)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
