"""Generate tests/data/captures/bacnet-ethernet-bacnetstack.pcap: BACnet on ISO 8802-2 Ethernet
(ANSI/ASHRAE 135 clause 7: 802.3 frames, LLC DSAP/SSAP 0x82, UI) spoken by a real stack.

The BACnet Stack (github.com/bacnet-stack/bacnet-stack, GPL-2.0 with the GCC exception; the
capture holds its traffic, not its code) built with its raw Ethernet datalink,
``make BACDL=ethernet -C apps server readprop readpropm whois timesync dcc reinit``, runs in
two network namespaces joined by a veth pair (nothing leaves them): the demo server
``bacserv`` as device 4001 (MAC 02:00:00:00:0b:01) and the client tools on 02:00:00:00:0b:02,
which bind with Who-Is/I-Am and then read device properties and an analog input
(ReadProperty, ReadPropertyMultiple), read an object that does not exist (Error), and send
TimeSynchronization, DeviceCommunicationControl and ReinitializeDevice. tcpdump records the
client's side.

Regenerate (root: namespaces, raw sockets, tcpdump), from the project root, with the built
tools' folder:

    BACNET_STACK_BIN=/path/to/bacnet-stack/bin \\
        .venv/bin/python tests/data/generate/bacnet_ethernet_bacnetstack.py
    python3 tests/data/generate/truth.py tests/data/captures/bacnet-ethernet-bacnetstack.pcap
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "captures" / "bacnet-ethernet-bacnetstack.pcap"
SERVER_NS, CLIENT_NS = "pwbacA", "pwbacB"
SERVER_IF, CLIENT_IF = "pwbac0", "pwbac1"
SERVER_MAC, CLIENT_MAC = "02:00:00:00:0b:01", "02:00:00:00:0b:02"
DEVICE = "4001"
CLIENT_RUNS = [
    ["bacwi", DEVICE],
    ["bacrp", DEVICE, "device", DEVICE, "object-name"],
    ["bacrp", DEVICE, "device", DEVICE, "model-name"],
    ["bacrp", DEVICE, "device", DEVICE, "firmware-revision"],
    ["bacrp", DEVICE, "device", DEVICE, "vendor-name"],
    ["bacrp", DEVICE, "device", DEVICE, "application-software-version"],
    ["bacrp", DEVICE, "analog-input", "0", "present-value"],
    [
        "bacrpm",
        DEVICE,
        "analog-input",
        "1",
        "present-value,object-name",
        "binary-input",
        "0",
        "present-value",
    ],
    ["bacrp", DEVICE, "analog-input", "999", "present-value"],
    ["bacts"],
    ["bacdcc", DEVICE, "1", "5"],
    ["bacrd", DEVICE, "1"],
]


def sh(*args: str) -> None:
    subprocess.run(args, check=True)


def setup() -> None:
    sh("ip", "netns", "add", SERVER_NS)
    sh("ip", "netns", "add", CLIENT_NS)
    sh("ip", "link", "add", SERVER_IF, "type", "veth", "peer", "name", CLIENT_IF)
    for ns, ifname, mac in ((SERVER_NS, SERVER_IF, SERVER_MAC), (CLIENT_NS, CLIENT_IF, CLIENT_MAC)):
        sh("ip", "link", "set", ifname, "netns", ns)
        sh("ip", "-n", ns, "link", "set", ifname, "address", mac)
        sh("ip", "-n", ns, "link", "set", ifname, "up")


def teardown() -> None:
    for ns in (SERVER_NS, CLIENT_NS):
        subprocess.run(["ip", "netns", "del", ns], check=False)


def main() -> None:
    tools = Path(os.environ["BACNET_STACK_BIN"])
    teardown()
    setup()
    try:
        server = subprocess.Popen(
            [
                "ip",
                "netns",
                "exec",
                SERVER_NS,
                "env",
                f"BACNET_IFACE={SERVER_IF}",
                str(tools / "bacserv"),
                DEVICE,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(1.0)
        dump = subprocess.Popen(
            ["ip", "netns", "exec", CLIENT_NS, "tcpdump", "-i", CLIENT_IF, "-U", "-w", str(OUT)],
            stderr=subprocess.DEVNULL,
        )
        time.sleep(1.0)
        try:
            for run in CLIENT_RUNS:
                subprocess.run(
                    [
                        "ip",
                        "netns",
                        "exec",
                        CLIENT_NS,
                        "env",
                        f"BACNET_IFACE={CLIENT_IF}",
                        str(tools / run[0]),
                        *run[1:],
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    timeout=20,
                    check=False,
                )
                time.sleep(0.2)
            time.sleep(0.5)
        finally:
            dump.terminate()
            dump.wait(timeout=10)
            server.terminate()
            server.wait(timeout=10)
    finally:
        teardown()


if __name__ == "__main__":
    main()
