"""Generate tests/data/captures/bacnet-mstp-bacnetstack.pcap: BACnet MS/TP (ANSI/ASHRAE 135
clause 9) spoken by a real stack, in the capture format of LINKTYPE_BACNET_MS_TP (165).

The BACnet Stack (github.com/bacnet-stack/bacnet-stack, GPL-2.0 with the GCC exception; the
capture holds its traffic, not its code) built with its MS/TP datalink,
``make BACDL=mstp -C apps server readprop readpropm whois``, runs as two masters on an
emulated RS-485 trunk: each station opens the terminal side of a pseudo-terminal, and this
script relays the octets between the two pseudo-terminals' other sides, as the bus would,
and cuts what passes into frames (preamble 0x55 0xFF, header, data and data CRC) the way a
sniffer on the trunk (the stack's own ``mstpcap``) records them. The demo server
``bacserv`` is device 4101 at MS/TP MAC 1; the client tools at MAC 2 take part in the token
passing (Poll For Master, Token), bind with Who-Is/I-Am and read device properties and
binary inputs (ReadProperty, ReadPropertyMultiple, an Error for a missing object). Nothing
leaves this host: no serial port, no network.

Regenerate from the project root with the built tools' folder, then the truth:

    BACNET_STACK_BIN=/path/to/bacnet-stack/bin .venv/bin/python tests/data/generate/bacnet_mstp_bacnetstack.py
    python3 tests/data/generate/truth.py tests/data/captures/bacnet-mstp-bacnetstack.pcap
    python3 tests/data/generate/mstp_truth.py tests/data/captures/bacnet-mstp-bacnetstack.pcap
"""

from __future__ import annotations

import os
import pty
import select
import struct
import subprocess
import threading
import time
import tty
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "captures" / "bacnet-mstp-bacnetstack.pcap"
LINKTYPE_BACNET_MS_TP = 165
DEVICE = "4101"
CLIENT_RUNS = [  # each tool binds to the device with Who-Is/I-Am first
    ["bacrp", DEVICE, "device", DEVICE, "object-name"],
    ["bacrp", DEVICE, "device", DEVICE, "model-name"],
    ["bacrp", DEVICE, "device", DEVICE, "firmware-revision"],
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
]


class Trunk:
    """Two pseudo-terminals joined like stations on one RS-485 trunk, with a sniffer."""

    def __init__(self) -> None:
        self.masters: list[int] = []
        self.names: list[str] = []
        for _ in range(2):
            master, slave = pty.openpty()
            tty.setraw(slave)
            self.masters.append(master)
            self.names.append(os.ttyname(slave))
        self.frames: list[tuple[float, bytes]] = []
        self.buffers = [bytearray(), bytearray()]
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        while not self.stop:
            ready, _, _ = select.select(self.masters, [], [], 0.05)
            for i, fd in enumerate(self.masters):
                if fd in ready:
                    try:
                        data = os.read(fd, 4096)
                    except OSError:
                        continue
                    os.write(self.masters[1 - i], data)
                    self.buffers[i] += data
                    self.cut(self.buffers[i])

    def cut(self, buf: bytearray) -> None:
        """Whole frames off the front of what one station sent (9.3: 8-octet header, then
        data and its 2-octet CRC when the length is not 0)."""
        while True:
            start = buf.find(b"\x55\xff")
            if start < 0:
                del buf[:-1]
                return
            del buf[:start]
            if len(buf) < 8:
                return
            length = int.from_bytes(buf[5:7], "big")
            size = 8 + (length + 2 if length else 0)
            if len(buf) < size:
                return
            self.frames.append((time.time(), bytes(buf[:size])))
            del buf[:size]

    def write(self, path: Path) -> None:
        with path.open("wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, LINKTYPE_BACNET_MS_TP))
            for ts, frame in sorted(self.frames):
                sec = int(ts)
                f.write(struct.pack("<IIII", sec, int((ts - sec) * 1e6), len(frame), len(frame)))
                f.write(frame)


def station(tools: Path, port: str, mac: int, args: list[str]) -> list[str]:
    env = [f"BACNET_IFACE={port}", f"BACNET_MSTP_MAC={mac}", "BACNET_MAX_MASTER=3", "BACNET_MSTP_BAUD=38400"]
    return ["env", *env, str(tools / args[0]), *args[1:]]


def main() -> None:
    tools = Path(os.environ["BACNET_STACK_BIN"])
    trunk = Trunk()
    trunk.thread.start()
    server = subprocess.Popen(
        station(tools, trunk.names[0], 1, ["bacserv", DEVICE]),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(1.0)
        for run in CLIENT_RUNS:
            subprocess.run(
                station(tools, trunk.names[1], 2, run),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=30,
                check=False,
            )
        time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=10)
        trunk.stop = True
        trunk.thread.join(timeout=5)
    trunk.write(OUT)


if __name__ == "__main__":
    main()
