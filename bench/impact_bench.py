"""Impact of single failures on a synthetic 10,000-asset, 50-line site (requirement: each < 100 ms).

    .venv/bin/python bench/impact_bench.py [--samples N] [--seed S]

The model is built in code as a SiteModel: 50 lines; per line 2 redundant PLCs (1 of 2), an HMI,
10 cell controllers each needing 18 field devices (random buffers 0-30 min); 10 SCADA server pairs
(each shared by 5 lines) needing a domain controller (720 min); an MES needing the ERP (480 min)
that every line needs (120 min); 20 distribution switches each needed by the cell controllers of
2-3 lines; spare assets up to 10,000. Prints build time, the one-off cycle check, and the median,
p99 and maximum of single-failure impact queries over a random sample plus the shared assets.
Exits 1 when any query takes 100 ms or more.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from typing import Any

from plantwarden.continuity.graph import build_graph
from plantwarden.continuity.impact import impact
from plantwarden.site.model import SiteModel

ASSETS = 10_000
LINES = 50
LIMIT_MS = 100.0


def _asset(name: str, role: str) -> dict[str, Any]:
    return {"name": name, "role": role, "zone": "plant"}


def _line_part(i: int, rng: random.Random, doc: dict[str, Any]) -> None:
    """One line's own assets, group, requirements and dependencies."""
    p = f"l{i:02d}"
    plcs = [f"{p}-plc-a", f"{p}-plc-b"]
    cells = [f"{p}-cell-{c:02d}" for c in range(10)]
    doc["assets"] += [_asset(n, "plc") for n in plcs] + [_asset(f"{p}-hmi", "hmi")]
    doc["assets"] += [_asset(n, "plc") for n in cells]
    doc["redundancy_groups"].append({"name": f"{p}-plcs", "members": plcs, "k": 1})
    requires = [f"{p}-plcs", f"{p}-hmi", f"scada-{i // 5}", *cells]
    doc["lines"].append(
        {"name": f"line-{i:02d}", "downtime_cost_per_hour": 1000 + 100 * i, "requires": requires}
    )
    doc["dependencies"].append({"dependent": f"line-{i:02d}", "requires": "mes", "buffer_minutes": 120})
    switch = f"sw-{i * 20 // LINES:02d}"
    for c, cell in enumerate(cells):
        doc["dependencies"].append({"dependent": cell, "requires": switch})
        for d in range(18):
            dev = f"{p}-c{c:02d}-dev-{d:02d}"
            doc["assets"].append(_asset(dev, "other"))
            buffer = rng.choice((0, 0, 5, 10, 30))
            doc["dependencies"].append({"dependent": cell, "requires": dev, "buffer_minutes": buffer})


def synthetic_site(seed: int = 1) -> SiteModel:
    rng = random.Random(seed)
    doc: dict[str, Any] = {
        "site": {"name": "synthetic", "timezone": "UTC", "currency": "EUR"},
        "zones": [{"name": "plant", "level": "control", "sl_t": 2}],
        "assets": [_asset("dc-01", "domain_controller"), _asset("erp-01", "erp"), _asset("mes-01", "mes")],
        "services": [{"name": "mes", "requires": ["mes-01"]}],
        "lines": [],
        "redundancy_groups": [],
        "dependencies": [{"dependent": "mes-01", "requires": "erp-01", "buffer_minutes": 480}],
    }
    doc["assets"] += [_asset(f"sw-{s:02d}", "switch") for s in range(20)]
    for g in range(LINES // 5):
        pair = [f"scada-{g}-a", f"scada-{g}-b"]
        doc["assets"] += [_asset(n, "scada_server") for n in pair]
        doc["redundancy_groups"].append({"name": f"scada-{g}", "members": pair, "k": 1})
        doc["dependencies"] += [{"dependent": n, "requires": "dc-01", "buffer_minutes": 720} for n in pair]
    for i in range(LINES):
        _line_part(i, rng, doc)
    doc["assets"] += [_asset(f"spare-{n:05d}", "other") for n in range(ASSETS - len(doc["assets"]))]
    return SiteModel.model_validate(doc)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    t0 = time.perf_counter()
    model = synthetic_site(args.seed)
    t1 = time.perf_counter()
    graph = build_graph(model)
    t2 = time.perf_counter()
    impact(graph, ["dc-01"])  # the one-off cycle check runs here
    t3 = time.perf_counter()
    names = [a.name for a in model.assets]
    shared = ["dc-01", "erp-01", "mes-01", *(f"sw-{s:02d}" for s in range(20))]
    sample = shared + random.Random(args.seed).sample(names, min(args.samples, len(names)))
    timings, stopped = [], 0
    for name in sample:
        start = time.perf_counter()
        result = impact(graph, [name], outage_minutes=240)
        timings.append((time.perf_counter() - start) * 1000)
        stopped += bool(result.stops)
    print(
        f"model: {len(model.assets)} assets, {len(model.lines)} lines, {len(model.dependencies)} dependencies"
    )
    build, graph_ms, cycles = (1000 * (b - a) for a, b in ((t0, t1), (t1, t2), (t2, t3)))
    print(f"build SiteModel {build:.0f} ms, graph {graph_ms:.0f} ms, cycle check {cycles:.0f} ms")
    print(f"single-failure impact over {len(timings)} assets ({stopped} stop a line):")
    med, p99, worst = statistics.median(timings), percentile(timings, 0.99), max(timings)
    print(f"  median {med:.3f} ms, p99 {p99:.3f} ms, max {worst:.3f} ms (limit {LIMIT_MS:.0f} ms)")
    ok = worst < LIMIT_MS
    print("ok: every query under the limit" if ok else "FAIL: a query took longer than the limit")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
