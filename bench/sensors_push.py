#!/usr/bin/env python3
"""Twenty sensors pushing at once into one central on this machine (issue 20).

    .venv/bin/python bench/sensors_push.py                    # 20 sensors
    .venv/bin/python bench/sensors_push.py --sensors 5 --captures 20

A PostgreSQL central (its own database, dropped at the end) served by ``plantwarden serve
--workers 2``; ``--sensors`` sensor stores (SQLite, bench/out/), each with ``--captures``
analyses (the store tests' capture document under new names: hosts, conversations,
anomalies) and ``--alerts`` alerts queued in its outbox; one process per sensor runs the real
push loop (its defaults: batches of at most 500 items and 8 MiB) with the httpx transport and
keeps following its outbox, as ``sensor push --follow`` does. The pushers start together once
all are loaded (a sensor's push loop runs for days: its interpreter's start is not the load
measured here), every sensor with its whole backlog at once.

Reported: the sustained rate of stored alerts and conversation rows per second at the
central (from the first push to the last row), and the latency from an alert recorded at a
sensor during that load to its row at the central (p50/p95, goal p95 < 5 s): ``--probes``
alerts, one every ``--probe-every`` seconds from the start (sensors in turn), each recorded
whether or not the earlier ones arrived.

The peers, in the same run on the same rows: **bundle import**, one process applying every
sensor's signed bundle into PostgreSQL directly (``sensor import``: the same ``apply_batch``
without HTTP, workers or concurrency); and **one sensor alone** pushing all the rows
(``--no-alone`` skips it).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from plantwarden.detect.store_alerts import record_alerts  # noqa: E402
from plantwarden.sensors.bundle import export_bundle, import_bundle  # noqa: E402
from plantwarden.sensors.registry import register_sensor  # noqa: E402
from plantwarden.store.detect_models import DetectAlert  # noqa: E402
from plantwarden.store.engine import ensure_current  # noqa: E402
from plantwarden.store.models import Conversation  # noqa: E402
from plantwarden.store.sites import choose_site  # noqa: E402
from sensors.plant import alerts, plant  # noqa: E402  (the tests' fast sensor store)

ADMIN = os.environ.get("PLANTWARDEN_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
PUSHER = """
import pathlib, sys, time
from plantwarden.sensors.push import Backoff, push
from plantwarden.sensors.transport import HttpTransport
db, central, name, token, go, stop = sys.argv[1:7]
transport = HttpTransport(central, name, token)
pathlib.Path(go).with_name("ready-" + name).touch()
while not pathlib.Path(go).exists():
    time.sleep(0.01)
push(db, transport, backoff=Backoff(0.05, 0.5), follow=lambda: not pathlib.Path(stop).exists(), poll_s=0.1)
"""


@dataclass(frozen=True, slots=True)
class Figures:
    label: str
    alerts: int
    conv_rows: int
    wall_s: float
    p50_s: float | None = None
    p95_s: float | None = None

    def row(self) -> str:
        lat = "-" if self.p50_s is None else f"{self.p50_s:.2f} s / {self.p95_s:.2f} s"
        return (
            f"| {self.label} | {self.alerts:,} alerts, {self.conv_rows:,} conversation rows | "
            f"{self.wall_s:.1f} s | {self.alerts / self.wall_s:,.0f} | {self.conv_rows / self.wall_s:,.0f} "
            f"| {lat} |"
        )


def p95(values: list[float]) -> float:
    """The 95th percentile, interpolated between measured values (never beyond the largest)."""
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def admin(sql: str) -> None:
    engine = create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


def fresh_database(name: str) -> str:
    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{name}"')
    url = ADMIN.rsplit("/", 1)[0] + "/" + name
    ensure_current(url)
    return url


def counts(engine: Engine) -> tuple[int, int]:
    with Session(engine) as s:
        a = s.scalar(select(func.count()).select_from(DetectAlert)) or 0
        c = s.scalar(select(func.count()).select_from(Conversation)) or 0
    return a, c


def arrived(engine: Engine, alert_ids: list[str]) -> set[str]:
    with Session(engine) as s:
        return set(s.scalars(select(DetectAlert.alert_id).where(DetectAlert.alert_id.in_(alert_ids))))


def probe_alerts(
    stores: dict[str, tuple[str, str, str]], probes: int, every_s: float, watch: Engine
) -> list[float]:
    """An alert recorded at a sensor every ``every_s`` from the start of the load (sensors in
    turn), whether or not the earlier ones arrived; the seconds from recording each to its row
    at the central."""
    names = list(stores)
    start = time.perf_counter()
    waiting: dict[str, float] = {}  # recorded, not at the central yet
    latencies: list[float] = []
    sent = 0
    while len(latencies) < probes:
        if sent < probes and time.perf_counter() - start >= sent * every_s:
            url, site, _ = stores[names[sent % len(names)]]
            probe = alerts("p", 1, 900_000 + sent)
            waiting[probe[0].id] = time.perf_counter()
            record_alerts(url, probe, site=choose_site(url, site).id)
            sent += 1
        for alert_id in arrived(watch, list(waiting)) if waiting else ():
            latencies.append(time.perf_counter() - waiting.pop(alert_id))
        time.sleep(0.02)
    return latencies


def load(folder: Path, n: int, captures: int, n_alerts: int) -> dict[str, tuple[str, str, str]]:
    """The sensors' stores with their outboxes full: name -> (store URL, site, public key)."""
    stores = {}
    for i in range(n):
        name, site = f"sensor-{i:02d}", f"plant-{i:02d}"
        url = f"sqlite:///{folder / (name + '.db')}"
        stores[name] = (url, site, plant(url, name, site, captures=captures, n_alerts=n_alerts))
    return stores


def register(central: str, stores: dict[str, tuple[str, str, str]]) -> dict[str, str]:
    tokens = {}
    for name, (_, site, key) in stores.items():
        choose_site(central, site, create=True, add=True)
        tokens[name] = register_sensor(central, name, choose_site(central, site), key, actor="bench")
    return tokens


def push_run(
    label: str,
    stores: dict[str, tuple[str, str, str]],
    per_sensor: int,
    probes: tuple[int, float],
    folder: Path,
    port: int,
) -> Figures:
    """The sensors push at once into ``serve``; ``per_sensor``: the alerts each one holds."""
    db = f"plantwarden_bench_sensors_{os.getpid()}"
    central = fresh_database(db)
    tokens = register(central, stores)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    args = ["serve", "--workers", "2", "--port", str(port), "--db", central]
    serve = subprocess.Popen(
        [sys.executable, "-m", "plantwarden", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    import httpx

    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=2)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    go, stop = folder / "go", folder / "stop"
    base = f"http://127.0.0.1:{port}"
    pushers = [
        subprocess.Popen([sys.executable, "-c", PUSHER, url, base, s, tokens[s], str(go), str(stop)], env=env)
        for s, (url, _, _) in stores.items()
    ]
    while len(list(folder.glob("ready-*"))) < len(stores):  # the interpreters start (not measured)
        time.sleep(0.1)
    watch = create_engine(central)
    start = time.perf_counter()
    go.touch()
    latencies = probe_alerts(stores, probes[0], probes[1], watch)
    want = len(stores) * per_sensor + probes[0]
    while counts(watch)[0] < want:
        time.sleep(0.05)
    wall = time.perf_counter() - start
    a, c = counts(watch)
    watch.dispose()
    stop.touch()
    for p in pushers:
        p.wait(timeout=60)
    os.killpg(serve.pid, 9)
    serve.wait()
    admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    print(f"  {label}: probe latencies (s): {' '.join(f'{x:.2f}' for x in latencies)}", flush=True)
    return Figures(label, a, c, wall, statistics.median(latencies), p95(latencies))


def import_run(label: str, stores: dict[str, tuple[str, str, str]], folder: Path) -> Figures:
    """The peer: every sensor's signed bundle applied by one process, straight into PostgreSQL."""
    bundles = []
    for name, (url, _, _) in stores.items():
        bundles.append(export_bundle(url, folder / f"{name}.bundle").path)
    db = f"plantwarden_bench_import_{os.getpid()}"
    central = fresh_database(db)
    register(central, stores)
    start = time.perf_counter()
    for path in bundles:
        import_bundle(central, path, actor="bench")
    wall = time.perf_counter() - start
    watch = create_engine(central)
    a, c = counts(watch)
    watch.dispose()
    admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    return Figures(label, a, c, wall)


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--sensors", type=int, default=20)
    ap.add_argument("--captures", type=int, default=10)
    ap.add_argument("--alerts", type=int, default=200)
    ap.add_argument("--probes", type=int, default=20)
    ap.add_argument("--probe-every", type=float, default=0.5, help="seconds between probe alerts")
    ap.add_argument("--port", type=int, default=8791)
    ap.add_argument("--no-alone", action="store_true", help="skip the peer 'one sensor alone'")
    args = ap.parse_args()
    (ROOT / "bench" / "out").mkdir(exist_ok=True)
    n = args.sensors
    print(f"load: {os.getloadavg()[0]:.1f} (1-min average, 2 cores shared)", flush=True)
    print("| run | stored | time | alerts/s | conversation rows/s | alert sensor -> central p50 / p95 |")
    print("|---|---|---|---|---|---|", flush=True)
    with tempfile.TemporaryDirectory(dir=ROOT / "bench" / "out") as folder:
        stores = load(Path(folder), n, args.captures, args.alerts)
        peer = import_run(f"peer: bundle import, one process, {n} sensors' bundles", stores, Path(folder))
        probes = (args.probes, args.probe_every)
        run = push_run(f"{n} sensors at once", stores, args.alerts, probes, Path(folder), args.port)
        print(run.row(), flush=True)
        print(peer.row(), flush=True)
    if not args.no_alone:
        with tempfile.TemporaryDirectory(dir=ROOT / "bench" / "out") as folder:
            alone = load(Path(folder), 1, args.captures * n, args.alerts * n)
            label = "peer: one sensor alone, the same rows"
            run = push_run(label, alone, args.alerts * n, probes, Path(folder), args.port)
            print(run.row(), flush=True)
    print(f"load: {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
