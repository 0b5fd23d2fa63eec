#!/usr/bin/env python3
"""Twenty sensors pushing at once into one central on this machine (issue 20).

    .venv/bin/python bench/sensors_push.py                    # 20 sensors
    .venv/bin/python bench/sensors_push.py --sensors 5 --captures 20

A PostgreSQL central (its own database ``plantwarden_bench_sensors``, dropped at the end)
served by ``plantwarden serve --workers 2``; ``--sensors`` sensor stores (SQLite, bench/out/),
each with ``--captures`` analyses (the store tests' capture document under new names: hosts,
conversations, anomalies) and ``--alerts`` alerts queued in its outbox; one process per
sensor runs the real push loop with the httpx transport and keeps following its outbox.
Reported: the sustained rate of stored alerts and conversation rows per second at the
central (from the first push to the last acknowledgement), and the latency from an alert
recorded at a sensor during that load to its row at the central (p50/p95, goal p95 < 5 s).
The peer in the same run: one sensor alone pushing the same amount.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from plantwarden.detect.store_alerts import record_alerts  # noqa: E402
from plantwarden.sensors.registry import register_sensor  # noqa: E402
from plantwarden.store.detect_models import DetectAlert  # noqa: E402
from plantwarden.store.models import Conversation  # noqa: E402
from plantwarden.store.sites import choose_site  # noqa: E402
from sensors.plant import alerts, plant  # noqa: E402  (the tests' fast sensor store)

ADMIN = os.environ.get("PLANTWARDEN_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PUSHER = """
import sys, pathlib
from plantwarden.sensors.push import Backoff, push
from plantwarden.sensors.transport import HttpTransport
db, central, name, token, stop = sys.argv[1:6]
push(db, HttpTransport(central, name, token), max_items=50, backoff=Backoff(0.05, 0.5),
     follow=lambda: not pathlib.Path(stop).exists(), poll_s=0.1)
"""


def admin(sql: str) -> None:
    engine = create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


def counts(central: str) -> tuple[int, int]:
    engine = create_engine(central)
    with Session(engine) as s:
        a = s.scalar(select(func.count()).select_from(DetectAlert)) or 0
        c = s.scalar(select(func.count()).select_from(Conversation)) or 0
    engine.dispose()
    return a, c


def has_alert(central: str, alert_id: str) -> bool:
    engine = create_engine(central)
    with Session(engine) as s:
        found = s.scalar(select(DetectAlert.id).where(DetectAlert.alert_id == alert_id)) is not None
    engine.dispose()
    return found


def run(n: int, captures: int, n_alerts: int, probes: int, folder: Path, port: int) -> dict[str, float]:
    db = "plantwarden_bench_sensors"
    admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{db}"')
    central = ADMIN.rsplit("/", 1)[0] + "/" + db
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    stores, tokens = {}, {}
    for i in range(n):
        name, site = f"sensor-{i:02d}", f"plant-{i:02d}"
        stores[name] = f"sqlite:///{folder / (name + '.db')}"
        key = plant(stores[name], name, site, captures=captures, n_alerts=n_alerts)
        choose_site(central, site, create=True, add=True)
        tokens[name] = register_sensor(central, name, choose_site(central, site), key, actor="bench")
    serve = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "plantwarden",
            "serve",
            "--workers",
            "2",
            "--port",
            str(port),
            "--db",
            central,
        ],
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
    stop = folder / "stop"
    start = time.perf_counter()
    pushers = [
        subprocess.Popen(
            [sys.executable, "-c", PUSHER, stores[s], f"http://127.0.0.1:{port}", s, tokens[s], str(stop)],
            env=env,
        )
        for s in stores
    ]
    latencies: list[float] = []
    names = list(stores)
    for k in range(probes):  # an alert at a sensor during the load, until it is at the central
        name = names[k % n]
        probe = alerts("p", 1, 900_000 + k)
        t0 = time.perf_counter()
        record_alerts(stores[name], probe, site=choose_site(stores[name], f"plant-{k % n:02d}").id)
        while not has_alert(central, probe[0].id):
            time.sleep(0.02)
        latencies.append(time.perf_counter() - t0)
    want_alerts = n * n_alerts + probes
    while counts(central)[0] < want_alerts:
        time.sleep(0.05)
    wall = time.perf_counter() - start
    a, c = counts(central)
    stop.touch()
    for p in pushers:
        p.wait(timeout=60)
    os.killpg(serve.pid, 9)
    serve.wait()
    admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    q = statistics.quantiles(latencies, n=20) if len(latencies) >= 2 else [latencies[0]] * 19
    return {
        "sensors": n,
        "wall_s": wall,
        "alerts_per_s": a / wall,
        "conv_rows_per_s": c / wall,
        "alerts": a,
        "conv_rows": c,
        "p50_s": statistics.median(latencies),
        "p95_s": q[18],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sensors", type=int, default=20)
    ap.add_argument("--captures", type=int, default=10)
    ap.add_argument("--alerts", type=int, default=200)
    ap.add_argument("--probes", type=int, default=20)
    ap.add_argument("--port", type=int, default=8791)
    args = ap.parse_args()
    (ROOT / "bench" / "out").mkdir(exist_ok=True)
    for label, n, caps, al in (
        (f"{args.sensors} sensors at once", args.sensors, args.captures, args.alerts),
        (
            "peer: one sensor alone, the same rows",
            1,
            args.captures * args.sensors,
            args.alerts * args.sensors,
        ),
    ):
        with tempfile.TemporaryDirectory(dir=ROOT / "bench" / "out") as folder:
            r = run(n, caps, al, args.probes, Path(folder), args.port)
        print(
            f"{label}: {r['alerts']} alerts, {r['conv_rows']} conversation rows in {r['wall_s']:.1f} s: "
            f"{r['alerts_per_s']:.0f} alerts/s, {r['conv_rows_per_s']:.0f} conversation rows/s; "
            f"alert at a sensor -> at the central p50 {r['p50_s']:.2f} s, p95 {r['p95_s']:.2f} s",
            flush=True,
        )


if __name__ == "__main__":
    main()
