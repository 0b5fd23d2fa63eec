#!/usr/bin/env python3
"""Generate the dairy demo plant's captures with real protocol stacks.

    sudo .venv/bin/python examples/dairy/generate.py [--normal-seconds 120] [--tail-seconds 25]

Every host of examples/dairy/site.yaml gets its own network namespace (site MAC and IP),
plugged by a veth pair into bridge br0 of a "switch" namespace; tcpdump on br0 writes
captures/normal.pcap (baseline) and captures/incidents.pcap (baseline traffic plus the
scripted incidents, listed with their times in incidents.yaml), then tshark's ground truth.
Every namespace and child process is removed at the end, also on failure or Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import yaml
from gen import capture, daemons, netns
from gen.plant import DAIRY, load_hosts
from gen.schedule import DNS_CLIENTS, INCIDENTS, POLLERS, SERVERS, Incident, resolve
from gen.servers import WORK

CAPTURES = DAIRY / "captures"
Procs = list[subprocess.Popen[bytes]]


class Plant:
    """The running plant: hosts, their daemons and pollers."""

    def __init__(self) -> None:
        self.hosts = load_hosts()
        self.daemons: dict[str, subprocess.Popen[bytes]] = {}
        self.pollers: Procs = []

    def build(self) -> None:
        netns.create_switch()
        for host in self.hosts.values():
            netns.add_host(host, self.hosts["dc-01"].ip if host.name in DNS_CLIENTS else None)
        daemons.prepare(WORK, self.hosts)

    def start_servers(self) -> None:
        for name, role, *args in SERVERS:
            self.daemons[name] = netns.agent(self.hosts[name], role, *resolve(tuple(args), self.hosts),
                                             log=WORK / f"{name}.log")
        self.daemons["dc-01"] = daemons.dnsmasq(self.hosts["dc-01"], self.hosts, WORK)
        self.daemons["ews-01"] = daemons.sshd(self.hosts["ews-01"], WORK)
        time.sleep(5)
        dead = [name for name, proc in self.daemons.items() if proc.poll() is not None]
        if dead:
            raise SystemExit(f"servers failed to start: {dead} (logs in {WORK})")

    def start_pollers(self) -> None:
        for name, role, *args in POLLERS:
            host = self.hosts[name]
            self.pollers.append(netns.agent(host, role, *resolve(tuple(args), self.hosts),
                                            log=WORK / f"{name}-{role}.log"))

    def stop_pollers(self) -> None:
        for proc in self.pollers:
            netns.stop(proc)
        self.pollers = []

    def stop_all(self) -> None:
        self.stop_pollers()
        for proc in self.daemons.values():
            netns.stop(proc, wait=3)


def run_incident(plant: Plant, inc: Incident) -> tuple[float, float]:
    """Run one incident, return its (start, end) epoch times."""
    start = time.time()
    if inc.id.startswith("e-"):
        netns.stop(plant.daemons.pop("lblprt-1"))
        netns.link_down(plant.hosts["lblprt-1"])
        return start, start  # lasts until the end of the capture
    proc = netns.agent(plant.hosts[inc.src], inc.role, *resolve(inc.args, plant.hosts),
                       log=WORK / f"incident-{inc.id}.log")
    if proc.wait(timeout=120) != 0:
        raise SystemExit(f"incident {inc.id} failed, see {WORK}/incident-{inc.id}.log")
    return start, time.time()


def phase(plant: Plant, out: Path, seconds: float, incidents: bool) -> dict[str, tuple[float, float]]:
    """One capture file: pollers run throughout, incidents (if any) at their scheduled offsets."""
    tcpdump = capture.start(out, WORK / "tcpdump.log")
    times: dict[str, tuple[float, float]] = {}
    try:
        t0 = time.time()
        plant.start_pollers()
        for inc in INCIDENTS if incidents else []:
            time.sleep(max(0.0, t0 + inc.at - time.time()))
            times[inc.id] = run_incident(plant, inc)
        time.sleep(max(0.0, t0 + seconds - time.time()))
        end = time.time()
        times = {k: (s, end if s == e else e) for k, (s, e) in times.items()}
        plant.stop_pollers()
    finally:
        capture.stop(tcpdump)
    return times


def incident_doc(inc: Incident, times: tuple[float, float], t0: float,
                 hosts: dict[str, Any]) -> dict[str, Any]:
    start, end = times
    return {
        "id": inc.id, "title": inc.title, "capture": "captures/incidents.pcap",
        "start": round(start - t0, 3), "end": round(end - t0, 3),
        "start_epoch": round(start, 6), "end_epoch": round(end, 6),
        "src": {"asset": inc.src, "ip": hosts[inc.src].ip},
        "dst": [{"asset": d, "ip": hosts[d].ip} for d in inc.dst],
        "protocol": inc.protocol, "expected_detection": inc.detection,
    }


def write_incidents(plant: Plant, times: dict[str, tuple[float, float]]) -> None:
    t0 = capture.first_timestamp(CAPTURES / "incidents.pcap")
    doc = {"capture": "captures/incidents.pcap", "capture_start_epoch": round(t0, 6),
           "note": "start/end are seconds from the capture's first packet; *_epoch are absolute (UTC epoch)",
           "incidents": [incident_doc(i, times[i.id], t0, plant.hosts) for i in INCIDENTS]}
    (DAIRY / "incidents.yaml").write_text("# Written by generate.py: the scripted incidents of "
                                          "captures/incidents.pcap.\n" + yaml.safe_dump(doc, sort_keys=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--normal-seconds", type=float, default=120.0)
    parser.add_argument("--tail-seconds", type=float, default=25.0, help="after the last incident")
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("needs root (namespaces, tcpdump): sudo .venv/bin/python examples/dairy/generate.py")
    shutil.rmtree(WORK, ignore_errors=True)
    netns.destroy_all()
    plant = Plant()
    try:
        plant.build()
        plant.start_servers()
        phase(plant, CAPTURES / "normal.pcap", args.normal_seconds, incidents=False)
        seconds = INCIDENTS[-1].at + args.tail_seconds
        times = phase(plant, CAPTURES / "incidents.pcap", seconds, incidents=True)
    finally:
        plant.stop_all()
        netns.destroy_all()
    write_incidents(plant, times)
    capture.truth([CAPTURES / "normal.pcap", CAPTURES / "incidents.pcap"], CAPTURES / "truth")
    owner = DAIRY.stat()
    for path in [*CAPTURES.glob("*.pcap"), *CAPTURES.glob("truth/*.json"), DAIRY / "incidents.yaml"]:
        os.chown(path, owner.st_uid, owner.st_gid)  # tcpdump drops to its own user


if __name__ == "__main__":
    main()
