#!/usr/bin/env python3
"""The alert list API on a store of 100,000 alerts: latency p50/p95/p99 (issue 21: p95 < 200 ms).

    .venv/bin/python bench/web_alerts.py                 # SQLite and PostgreSQL
    .venv/bin/python bench/web_alerts.py --backends sqlite --alerts 20000

For each backend: a store holding the dairy demo's site model and ``--alerts`` alerts made
like detection's (rules of the catalog, the plant's assets and strangers, severities, states,
production at risk priced by the site model, times over 30 days), recorded through
``record_alerts``; then ``plantwarden serve`` (a real uvicorn process) and ``--requests``
requests per kind through httpx, one connection kept alive: the first page, filtered pages
(state and severity; a rule; an asset; a zone; a line), and pages deep in the list (cursors
of rows picked across the whole order). Beside them, the floor: the same keyset query run
directly with SQLAlchemy (no HTTP, no JSON), and the peer ``plantwarden alerts --json``
(the CLI writes every alert, paging through the same query: a few runs). PostgreSQL uses its own database
(``plantwarden_bench_web_alerts``, dropped at the end); the SQLite store is in bench/out/.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from plantwarden.detect.alerts import alert_id
from plantwarden.detect.model import Alert, Evidence, Severity

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PG_ADMIN = os.environ.get("PLANTWARDEN_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
PG_DB = "plantwarden_bench_web_alerts"
STATES = ["new", "acknowledged", "closed"]


def make_alerts(url: str, n: int, seed: int = 21) -> tuple[str, int]:
    """``n`` alerts on the dairy site of the store at ``url``; (site name, site id)."""
    from plantwarden.detect.impact import impact_fn
    from plantwarden.detect.rules import catalog
    from plantwarden.detect.sitectx import SiteContext
    from plantwarden.detect.store_alerts import record_alerts
    from plantwarden.site.use import read_site
    from plantwarden.store.sites import choose_site, store_site_version

    model, source = read_site(ROOT / "examples" / "dairy" / "site.yaml")
    store_site_version(url, model, "site.yaml", source)
    site = choose_site(url, model.site.name)
    assert site.id is not None
    rng = random.Random(seed)
    rules = [(r.name, r.title) for r in catalog()]
    plant = [str(ip) for a in model.assets for ip in a.ips]
    ctx, price = SiteContext(model), impact_fn(model)
    named: dict[str, dict[str, Any]] = {}
    priced: dict[str, dict[str, Any] | None] = {}
    weights = {4: 5, 3: 20, 2: 35, 1: 25, 0: 15}
    now = time.time()
    out: list[Alert] = []
    for i in range(n):
        rule, title = rng.choice(rules)
        src = (
            rng.choice(plant)
            if rng.random() < 0.7
            else f"10.{rng.randrange(256)}.{rng.randrange(256)}.{i % 250 + 1}"
        )
        dst = rng.choice(plant)
        for address in (src, dst):
            if address not in named:
                named[address] = ctx.describe(address)
        target = named[dst].get("name")
        if target is not None and target not in priced:
            priced[target] = price([target])
        severity = Severity(rng.choices(list(weights), weights=list(weights.values()))[0])
        last = now - rng.uniform(0, 30 * 86400)
        first = last - rng.uniform(0, 3600)
        out.append(
            Alert(
                id=alert_id(rule, src, dst, first + i * 1e-6),
                rule=rule, title=title, severity=severity,
                techniques=[], src=src, dst=dst, assets=[named[src], named[dst]], first_ts=first,
                last_ts=last, count=rng.randrange(1, 200), response="Check with the process owner.",
                evidence=[Evidence(capture="plant.pcap", frames=[i + 1])],
                state=rng.choices(STATES, [6, 2, 2])[0], impact=priced.get(target or ""),
            )
        )  # fmt: skip
    for start in range(0, n, 20_000):
        record_alerts(url, out[start : start + 20_000], site=site.id)
    return model.site.name, site.id


def token_for(url: str, new_user: bool = True) -> str:
    from datetime import timedelta

    from plantwarden.people import tokens, users

    if new_user:
        users.add_user(url, "bench", "a long benchmark password 21", is_admin=True, actor="bench")
    _, made = tokens.create_token(
        url, "bench", site=None, role=None, expires=timedelta(days=1), name="bench", actor="bench"
    )
    return made


def deep_cursors(url: str, site_id: int, count: int, rng: random.Random) -> list[str]:
    """Cursors of rows picked across the whole worst-first order (as the API would give them)."""
    from plantwarden.detect.listing import ORDER
    from plantwarden.web.paging import encode

    engine = create_engine(url)
    columns = [c for c, _ in ORDER]
    query = select(*columns).where(columns[0].table.c.site_id == site_id)
    with engine.connect() as conn:
        rows = list(conn.execute(query))
    engine.dispose()
    return [encode(tuple(r)) for r in rng.sample(rows, count)]


@contextmanager
def serving(url: str) -> Iterator[str]:
    """``plantwarden serve`` on a free port, its log in bench/out/web_alerts_serve.log (a pipe
    nobody reads would fill up with access lines and stop the server); its base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("PLANTWARDEN_DB", "PLANTWARDEN_SITE")}
    command = [sys.executable, "-m", "plantwarden", "serve", "--port", str(port), "--db", url]
    with (OUT / "web_alerts_serve.log").open("w") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env=env, stdin=subprocess.DEVNULL
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                if process.poll() is not None:
                    raise SystemExit(f"serve ended early: see {log.name}")
                try:
                    httpx.get(base + "/api/v1/openapi.json", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.05)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=30)


def percentiles(times: list[float]) -> str:
    q = statistics.quantiles(times, n=100, method="inclusive")
    p50, p95, p99 = (q[i] * 1000 for i in (49, 94, 98))
    return f"p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   p99 {p99:7.1f} ms   (n={len(times)})"


def timed(call: Callable[[], Any], n: int) -> list[float]:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times


def floor(url: str, site_id: int, n: int, cursors: list[str]) -> dict[str, list[float]]:
    """The same keyset queries straight through SQLAlchemy: the database's share. Deep pages
    both ways: as the API asks (one index range per key, web/api/keyset_union.py) and as one
    OR of the keys (web/paging.keyset), to show why the API does not use the latter here."""
    from plantwarden.detect.listing import QueueFilter, queue_select
    from plantwarden.detect.store_alerts import AlertQuery
    from plantwarden.web import paging
    from plantwarden.web.api.alerts import KEYS
    from plantwarden.web.api.keyset_union import keyset_union

    engine = create_engine(url)
    base = queue_select(site_id, QueueFilter(AlertQuery()))
    out: dict[str, list[float]] = {}
    with engine.connect() as conn:
        first = keyset_union(base, KEYS, paging.PageRequest(50, None))
        out["first page"] = timed(lambda: list(conn.execute(first)), n)
        for label, make in (("deep pages", keyset_union), ("deep pages, one OR", paging.keyset)):
            times: list[float] = []
            for c in cursors[:n]:
                query = make(base, KEYS, paging.PageRequest(50, paging.decode(c)))
                times += timed(lambda query=query: list(conn.execute(query)), 1)  # type: ignore[misc]
            out[label] = times
    engine.dispose()
    return out


def settle(url: str) -> None:
    """What a store that has been in use has: statistics and, on PostgreSQL, the visibility
    map (autovacuum does both within a minute of a bulk insert; done here at once)."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("VACUUM ANALYZE detect_alerts" if url.startswith("postgresql") else "ANALYZE"))
    engine.dispose()


def reused(url: str) -> tuple[str, int, str] | None:
    """The site and a new token of a store this benchmark made before (``--reuse``)."""
    from plantwarden.store.sites import choose_site

    site = choose_site(url)  # the only one
    if site.id is None:
        return None
    return site.name, site.id, token_for(url, new_user=False)


def bench(url: str, n_alerts: int, n_requests: int, cli_runs: int, reuse: bool) -> None:
    started = time.perf_counter()
    again = reused(url) if reuse else None
    if again is not None:
        name, site_id, token = again
        print("  store: the one made before (--reuse)")
    else:
        name, site_id = make_alerts(url, n_alerts)
        token = token_for(url)
        settle(url)
        print(f"  store: {n_alerts:,} alerts recorded in {time.perf_counter() - started:.1f} s")
    rng = random.Random(7)
    cursors = deep_cursors(url, site_id, n_requests, rng)
    path = f"/api/v1/sites/{quote(name, safe='')}/alerts"
    kinds: dict[str, list[dict[str, str]]] = {
        "first page": [{}],
        "state=new, severity>=high": [{"state": "new", "severity": "high"}],
        "rule=port-scan": [{"rule": "port-scan"}],
        "asset=plc-fill-a": [{"asset": "plc-fill-a"}],
        "zone=control, state=new": [{"zone": "control", "state": "new"}],
        "line=filling": [{"line": "filling"}],
        "deep pages (cursor)": [{"cursor": c} for c in cursors],
    }
    with (
        serving(url) as base,
        httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client,
    ):
        client.get(path).raise_for_status()  # warm: the site model is read once
        for kind, params_list in kinds.items():
            times = []
            for i in range(n_requests):
                params = params_list[i % len(params_list)]
                start = time.perf_counter()
                answer = client.get(path, params={"limit": "50", **params})
                times.append(time.perf_counter() - start)
                answer.raise_for_status()
            print(f"  API   {kind:28} {percentiles(times)}")
    for kind, times in floor(url, site_id, n_requests, cursors).items():
        print(f"  floor {kind:28} {percentiles(times)}   (the keyset SQL alone)")
    env = {k: v for k, v in os.environ.items() if k not in ("PLANTWARDEN_DB", "PLANTWARDEN_SITE")}
    times = []
    if not cli_runs:
        return
    for _ in range(cli_runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "plantwarden", "alerts", "--json", "--db", url, "--site-name", name],
            check=True, stdout=subprocess.DEVNULL, env=env,
        )  # fmt: skip
        times.append(time.perf_counter() - start)
    print(
        f"  peer  plantwarden alerts --json   median {statistics.median(times):.2f} s over {cli_runs} runs"
        f" (all {n_alerts:,} alerts, worst first)"
    )


def pg_url() -> str:
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{PG_DB}"'))
    admin.dispose()
    return make_url(PG_ADMIN).set(database=PG_DB).render_as_string(hide_password=False)


def drop_pg() -> None:
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--alerts", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200, help="requests per kind")
    parser.add_argument("--cli-runs", type=int, default=3)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument(
        "--reuse", action="store_true", help="SQLite: use bench/out/web_alerts.db as made before"
    )
    args = parser.parse_args()
    from plantwarden.store.engine import upgrade

    for backend in args.backends.split(","):
        if backend == "sqlite":
            OUT.mkdir(parents=True, exist_ok=True)
            path = OUT / "web_alerts.db"
            if not args.reuse:
                path.unlink(missing_ok=True)
            url = f"sqlite:///{path}"
        else:
            url = pg_url()
        print(f"{backend}:")
        upgrade(url)
        try:
            bench(url, args.alerts, args.requests, args.cli_runs, args.reuse and backend == "sqlite")
        finally:
            if backend != "sqlite":
                drop_pg()


if __name__ == "__main__":
    main()
