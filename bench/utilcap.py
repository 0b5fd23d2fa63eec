#!/usr/bin/env python3
"""The second reference capture's seed: a utility and building mix from real stacks.

    python bench/utilcap.py OUT.pcap [--seconds 20]

As ../shared/tools/plantcap does for the plant capture, real protocol stacks talk on
loopback (127.0.7.0/24 only) while tcpdump records them, each stack in a process of its own,
all at once for ``--seconds``:

- IEC 60870-5-104: a c104 server (station 47, measured values sent spontaneously, as a
  substation RTU does) and a c104 client (STARTDT, general interrogations, a clock
  synchronisation and a set-point command now and then);
- BACnet/IP: a bacpypes3 device (analog values) polled by a bacpypes3 client
  (ReadProperty, ReadPropertyMultiple, a WriteProperty now and then, Who-Is);
- EtherNet/IP + CIP: cpppo's Logix simulator, read (and now and then written) by cpppo's
  client (Read/Write Tag in Unconnected Send);
- IT chatter: DNS (dnspython makes and parses every message, client and answering server),
  NBNS name queries (impacket's NetBIOS client, answered with impacket's NBNS structures),
  NTP (ntplib's client, answered with ntplib's packet), SMB (impacket's SMB server and
  client: session setup, tree connect, directory listing).

Two protocols have no stack that installs here, so their packets come from the real public
captures, re-addressed into 127.0.7.0/24 and spread over the seed's time span (several copies,
each TCP copy on its own client port): DNP3 over TCP (the ITI captures in ../shared/captures
and tests/data/captures/public) and EtherNet/IP class-1 I/O on UDP 2222 (cisagov/icsnpp-enip's
``enip_cip_example.pcap``; neither cpppo nor pycomm3 opens class-1 connections).

Servers are 127.0.7.1-99, clients everything else: ``bench/utilscale.py`` (the plantcap
scaler's method, for TCP and UDP) tells them apart that way. Needs root (ports below 1024,
tcpdump). Writes a little-endian microsecond pcap, Ethernet.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "captures"
PUBLIC = ROOT / "tests" / "data" / "captures" / "public"
NET = "127.0.7"
IEC104, BACNET, BACNET_CLIENT = f"{NET}.1", f"{NET}.3", f"{NET}.103"
ENIP, ENIP_CLIENT = f"{NET}.4", f"{NET}.104"
DNS, NBNS, NTP, SMB, IT_CLIENT = f"{NET}.5", f"{NET}.6", f"{NET}.7", f"{NET}.8", f"{NET}.105"
PARTS = ("iec104", "bacnet", "enip", "it")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--part", choices=PARTS, help=argparse.SUPPRESS)  # one stack's process
    args = ap.parse_args()
    if args.part:
        import utilparts  # beside this file (run as a script)

        getattr(utilparts, args.part)(args.seconds)
        return 0
    with tempfile.TemporaryDirectory(prefix="utilcap-") as tmp:
        live = Path(tmp) / "live.pcap"
        record(live, args.seconds)
        from utilmerge import merge

        n = merge(live, args.out, args.seconds)
    print(f"wrote {args.out}: {n} packets", file=sys.stderr)
    return 0


def record(path: Path, seconds: float) -> None:
    """tcpdump on lo while every stack's process runs (each stopped by its own pid)."""
    dump = subprocess.Popen(
        ["tcpdump", "-i", "lo", "-U", "-s", "0", "-w", str(path), f"net {NET}.0/24"],
        stderr=subprocess.PIPE,
    )
    assert dump.stderr is not None
    dump.stderr.readline()  # "listening on lo": the capture runs
    me = [sys.executable, str(Path(__file__).resolve()), str(path)]
    parts = [subprocess.Popen([*me, "--part", p, "--seconds", str(seconds)]) for p in PARTS]
    try:
        for p in parts:
            p.wait(timeout=seconds + 60)
    finally:
        for p in parts:
            if p.poll() is None:
                p.terminate()
                p.wait()
        time.sleep(0.5)
        dump.terminate()
        dump.wait()


if __name__ == "__main__":
    sys.exit(main())
