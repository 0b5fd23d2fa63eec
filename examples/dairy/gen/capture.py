"""tcpdump on the switch's bridge, and facts about the files it writes."""

from __future__ import annotations

import signal
import struct
import subprocess
import time
from pathlib import Path

from gen.netns import SWITCH

GROUNDTRUTH = Path("/work/shared/tools/groundtruth.py")


def start(out: Path, log: Path) -> subprocess.Popen[bytes]:
    """``tcpdump -i br0`` in the switch namespace (default snaplen, pcap format, packet-buffered)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as err:
        argv = ["ip", "netns", "exec", SWITCH, "tcpdump", "-i", "br0", "-U", "-n", "-w", str(out)]
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
    time.sleep(1.5)
    return proc


def stop(proc: subprocess.Popen[bytes]) -> None:
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=10)


def first_timestamp(path: Path) -> float:
    """Epoch time of the first record (pcap file header: 24 bytes; record header: ts_sec, ts_usec)."""
    with open(path, "rb") as f:
        head = f.read(32)
    magic = struct.unpack_from("<I", head)[0]
    order = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    sec, frac = struct.unpack_from(order + "II", head, 24)
    scale = 1e-9 if magic in (0xA1B23C4D, 0x4D3CB2A1) else 1e-6
    return float(sec + frac * scale)


def truth(paths: list[Path], out: Path) -> None:
    """tshark's ground truth of each capture (shared tools/groundtruth.py) into ``out``."""
    subprocess.run(["python3", str(GROUNDTRUTH), *map(str, paths), "--out", str(out)], check=True)
