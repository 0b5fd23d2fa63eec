#!/usr/bin/env python3
"""The fleet views over many plants: how long each answer takes as the number of sites grows.

    .venv/bin/python bench/fleet_views.py                  # 20 plants, SQLite in bench/out/
    .venv/bin/python bench/fleet_views.py --sites 5 --peer-sites 5

A store of ``--sites`` plants: each a copy of the cheese example (examples/cheese/site.yaml
under its own name) with its two real captures recorded into it, detection run on them (the
baseline-free rules) and its assets matched against the shipped advisories. Then, in one
process, ``--runs`` timings of each fleet answer over every site (``production_at_risk``,
``firmware_question`` for IOS XE 17.9.3, ``kev_exposed``). The peer in the same run is what
a provider scripts without the fleet views: ``plantwarden vulns --json --site-name S`` and
``plantwarden alerts --json --site-name S`` for each site, one process after another (over
``--peer-sites`` sites, scaled to all).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SITE = ROOT / "examples" / "cheese" / "site.yaml"
CAPTURES = [ROOT / "tests" / "data" / "captures" / n for n in ("continuity-zones.pcap", "s7comm-snap7.pcap")]
NAME = "Kaeserei Bergblick (cheese, example)"


def build(url: str, sites: int) -> list[str]:
    from plantwarden.analyze.pipeline import analyze_capture
    from plantwarden.detect.service import DetectOptions, run_detect
    from plantwarden.site.use import read_site
    from plantwarden.store.imports import record_capture
    from plantwarden.store.sites import choose_site, store_site_version
    from plantwarden.vulns.service import match_site

    _, text = read_site(SITE)
    docs = [analyze_capture(c).doc for c in CAPTURES]
    names = []
    for i in range(sites):
        name = f"plant {i:02d}"
        copy = text.replace(f"name: {NAME}", f"name: {name}")
        path = OUT / f"fleet-site-{i:02d}.yaml"
        path.write_text(copy, encoding="utf-8")
        model, loaded = read_site(path)
        store_site_version(url, model, path.name, loaded)
        site = choose_site(url, name)
        for doc in docs:
            record_capture(url, doc, site.id)
        run_detect(DetectOptions([str(c) for c in CAPTURES], url, model, site_id=site.id, site_name=name))
        match_site(url, name)
        names.append(name)
    return names


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    found = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        found.append(time.perf_counter() - start)
    return found


def peer(url: str, names: list[str]) -> float:
    env = {k: v for k, v in os.environ.items() if k not in ("PLANTWARDEN_DB", "PLANTWARDEN_SITE")}
    start = time.perf_counter()
    for name in names:
        for command in ("vulns", "alerts"):
            subprocess.run(
                [sys.executable, "-m", "plantwarden", command, "--json", "--site-name", name, "--db", url],
                check=True,
                capture_output=True,
                env=env,
            )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--peer-sites", type=int, default=5)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    store = OUT / f"fleet-{args.sites}.db"
    store.unlink(missing_ok=True)
    url = f"sqlite:///{store}"
    start = time.perf_counter()
    names = build(url, args.sites)
    print(f"store: {args.sites} plants built in {time.perf_counter() - start:.1f} s ({store})")

    from plantwarden.fleet.alerts import all_sites
    from plantwarden.fleet.firmware import FirmwareQuery, firmware_question
    from plantwarden.fleet.kev import kev_exposed
    from plantwarden.fleet.risk import production_at_risk

    refs = all_sites(url)
    switches = FirmwareQuery("IOS XE 17.9.3")
    kinds: dict[str, Callable[[], object]] = {
        "fleet risk (production at risk per site)": lambda: production_at_risk(url, refs),
        "fleet firmware 'IOS XE 17.9.3'": lambda: firmware_question(url, refs, switches),
        "fleet kev": lambda: kev_exposed(url, refs),
    }
    head = f"answer over {len(refs)} plants"
    print(f"{head:45} {'median s':>9} {'min s':>7} {'per plant ms':>13}")
    for label, fn in kinds.items():
        times = timed(fn, args.runs)
        med = statistics.median(times)
        print(f"{label:45} {med:9.2f} {min(times):7.2f} {1000 * med / len(refs):13.0f}")
    chosen = names[: args.peer_sites]
    spent = peer(url, chosen)
    scaled = spent * len(names) / len(chosen)
    print(
        f"{'peer: vulns --json + alerts --json per plant':45} {scaled:9.2f} {'':>7} "
        f"{1000 * spent / len(chosen):13.0f}   (measured over {len(chosen)} plants, scaled)"
    )


if __name__ == "__main__":
    main()
