"""Reachback at the plant: reading an alert's evidence frames out of a large capture.

A capture of about 160 MB is made by concatenating a real capture (tests/data) with itself
(``mergecap -a``); 200 evidence frames spread over it, the last near its end, are read
into one pcap by plantwarden (:func:`plantwarden.sensors.evidence_frames.frames_of`, one
pass stopping after the last frame wanted; plus the SHA-256 check a sensor makes first),
and in the same run by two peers that select frames by number: ``editcap -r`` and
``tshark -Y "frame.number in {...}" -w``. Each output is read back by tshark: the same
frames (count, bytes and times) or the run fails.

    .venv/bin/python bench/reachback_frames.py [--doublings 10] [--frames 200]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from plantwarden.capture.filehash import FileHash
from plantwarden.sensors.evidence_frames import frames_of

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "data" / "captures" / "segmentation-scan.pcap"


def big_capture(folder: Path, doublings: int) -> Path:
    current = folder / "big-0.pcap"
    shutil.copy(SEED, current)
    for i in range(1, doublings + 1):
        nxt = folder / f"big-{i}.pcap"
        subprocess.run(
            ["mergecap", "-a", "-F", "pcap", "-w", str(nxt), str(current), str(current)], check=True
        )
        current.unlink()
        current = nxt
    return current


def count(path: Path) -> int:
    done = subprocess.run(["capinfos", "-c", "-M", str(path)], capture_output=True, text=True, check=True)
    return int(done.stdout.strip().splitlines()[-1].split()[-1])


def frames(path: Path) -> list[tuple[str, str]]:
    done = subprocess.run(
        ["tshark", "-r", str(path), "-T", "json", "-x"], capture_output=True, text=True, check=True
    )
    return [(p["_source"]["layers"]["frame"]["frame.time_epoch"], p["_source"]["layers"]["frame_raw"][0])
            for p in json.loads(done.stdout)]  # fmt: skip


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--doublings", type=int, default=10)
    parser.add_argument("--frames", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        big = big_capture(folder, args.doublings)
        total = count(big)
        step = max(1, total // args.frames)
        wanted = sorted({min(total, 1 + i * step) for i in range(args.frames)} | {total - 1})
        ours, peer_edit, peer_shark = folder / "ours.pcap", folder / "editcap.pcap", folder / "tshark.pcap"
        hash_s = timed(lambda: FileHash(str(big)).hexdigest())

        def plantwarden() -> None:
            data, numbers = frames_of(str(big), wanted)
            assert numbers == wanted, (len(numbers), len(wanted))
            ours.write_bytes(data)

        read_s = timed(plantwarden)
        edit_s = timed(lambda: subprocess.run(
            ["editcap", "-r", str(big), str(peer_edit), *map(str, wanted)], check=True))  # fmt: skip
        filt = "frame.number in {" + ",".join(map(str, wanted)) + "}"
        shark = ["tshark", "-r", str(big), "-Y", filt, "-w", str(peer_shark)]
        shark_s = timed(lambda: subprocess.run(shark, check=True, capture_output=True))
        same = frames(ours)
        assert len(same) == len(wanted) and same == frames(peer_edit) == frames(peer_shark)
        size = big.stat().st_size / 1e6
        print(f"capture: {size:.0f} MB, {total:,} frames; {len(wanted)} evidence frames spread over it")
        print(f"{'tool':<44} {'seconds':>8}")
        print(f"{'plantwarden frames_of (one pass)':<44} {read_s:>8.2f}")
        print(f"{'plantwarden SHA-256 check (before reading)':<44} {hash_s:>8.2f}")
        print(f"{'editcap -r (peer)':<44} {edit_s:>8.2f}")
        print(f"{'tshark -Y frame.number in {...} -w (peer)':<44} {shark_s:>8.2f}")
        print("all three outputs hold the same frames (bytes and times, read back by tshark)")


if __name__ == "__main__":
    main()
