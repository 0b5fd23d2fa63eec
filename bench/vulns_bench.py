"""Matching speed: a synthetic advisory set of the full CISA ICS size (3,300 advisories, made
from the 39 shared ones: copy k renames every product "k<k> <name>" and every order number
"<number>-K<k>", so each product is named by ~85 advisories, as popular products are in the
real set) against 10,000 assets (the hand-written test set's assets, each aimed at one copy).

Prints the time to parse the advisories (measured on the 39 files, scaled), to build the
index, and to match; then, beside it in the same run (the peer), the incremental re-match
after a bundle update revising 1 % of the advisories, as ``vulns.service.match_site(...,
changed=...)`` does it: an index of the changed advisories only, every asset matched against
it; it checks that the re-match finds exactly what the full match found for those advisories.

    PYTHONPATH=src .venv/bin/python bench/vulns_bench.py [ADVISORIES] [ASSETS]
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from pathlib import Path

import yaml

from plantwarden.vulns.bundle import current
from plantwarden.vulns.csaf import Advisory, read_advisory
from plantwarden.vulns.facts import AssetFacts, facts_of
from plantwarden.vulns.index import build_index
from plantwarden.vulns.match import match_asset

ROOT = Path(__file__).resolve().parents[1]
FIELDS = ("vendor", "product", "model", "order_number", "firmware", "software")


def _copy(adv: Advisory, k: int) -> Advisory:
    entries = [
        dataclasses.replace(
            e,
            name=f"k{k} {e.name}",
            full_name=f"k{k} {e.full_name}",
            model_numbers=tuple(f"{m}-K{k}" for m in e.model_numbers),
        )
        for e in adv.entries
    ]
    return dataclasses.replace(adv, id=f"{adv.id}-K{k}", entries=entries)


def _asset(spec: dict[str, object], k: int, n: int) -> AssetFacts:
    fields = {f: str(spec[f]) for f in FIELDS if f in spec}
    for f in ("product", "model"):
        if f in fields:
            fields[f] = f"k{k} {fields[f]}"
    if "order_number" in fields:
        fields["order_number"] = f"{fields['order_number']}-K{k}"
    return facts_of(f"a{n}", **fields)


def main(argv: list[str]) -> int:
    n_adv = int(argv[0]) if argv else 3300
    n_assets = int(argv[1]) if len(argv) > 1 else 10000
    files = sorted((current("csaf").path / "advisories").glob("*.json"))
    t0 = time.perf_counter()
    originals = [read_advisory(json.loads(p.read_bytes())) for p in files]
    parse = (time.perf_counter() - t0) * n_adv / len(files)
    copies = n_adv // len(originals) + 1
    advisories = [_copy(a, k) for k in range(copies) for a in originals][:n_adv]
    t1 = time.perf_counter()
    index = build_index(advisories)
    built = time.perf_counter() - t1
    cases = yaml.safe_load((ROOT / "tests" / "vulns" / "data" / "expected.yaml").read_text())
    specs = [s for c in cases for s in (*c["match"], *c["no_match"])]
    assets = [_asset(specs[i % len(specs)], (i * 7) % copies, i) for i in range(n_assets)]
    t2 = time.perf_counter()
    found = sum(len(match_asset(a, index)) for a in assets)
    matched = time.perf_counter() - t2
    entries = sum(len(a.entries) for a in advisories)
    changed = advisories[:: max(1, len(advisories) // max(1, n_adv // 100))][: max(1, n_adv // 100)]
    ids = {a.id for a in changed}
    full = {(m.asset, m.advisory, m.cve) for a in assets for m in match_asset(a, index) if m.advisory in ids}
    t3 = time.perf_counter()
    small = build_index(changed)
    again = {(m.asset, m.advisory, m.cve) for a in assets for m in match_asset(a, small)}
    rematch = time.perf_counter() - t3
    assert again == full, (len(again), len(full))
    print(f"advisories {len(advisories):,} ({entries:,} product entries), assets {n_assets:,}")
    print(f"parse (scaled from {len(files)} files): {parse:.1f} s")
    print(f"index: {built:.2f} s   match: {matched:.2f} s   matches: {found:,}")
    print(f"total (index + match): {built + matched:.2f} s (target: under 10 s)")
    print(
        f"peer, same run: re-match after an update revising {len(changed)} advisories "
        f"(index of those + match): {rematch:.2f} s, {len(again):,} matches "
        f"(the same as the full match's for them); full / incremental = {(built + matched) / rematch:.0f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
