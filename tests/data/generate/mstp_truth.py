"""tshark's MS/TP addresses of a capture, to hold plantwarden's ``mstp:<MAC>`` endpoints against.

groundtruth.py's tuples take src/dst from Ethernet or IP headers, which MS/TP frames lack
(it writes ``-``); this adds, per frame, what tshark's ``mstp`` dissector says: frame type,
source and destination MAC, and the BACnet APDU types, as ``<capture stem>.mstp.json`` in
tests/data/captures/truth:

    python3 tests/data/generate/mstp_truth.py tests/data/captures/bacnet-mstp-bacpypes3.pcap
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

TRUTH = Path(__file__).resolve().parent.parent / "captures" / "truth"
FIELDS = ["frame.number", "mstp.frame_type", "mstp.src", "mstp.dst", "bacapp.type"]


def main() -> None:
    for name in sys.argv[1:]:
        path = Path(name)
        cmd = ["tshark", "-n", "-r", str(path), "-T", "fields", "-E", "separator=/t"]
        for f in FIELDS:
            cmd += ["-e", f]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        frames = []
        for line in out.splitlines():
            number, ftype, src, dst, apdu = (line.split("\t") + [""] * 5)[:5]
            frames.append(
                {
                    "frame": int(number),
                    "frame_type": int(ftype),
                    "src": int(src),
                    "dst": int(dst),
                    "apdu_type": int(apdu) if apdu else None,
                }
            )
        version = subprocess.run(["tshark", "--version"], capture_output=True, text=True).stdout.splitlines()[
            0
        ]
        doc = {"file": path.name, "tshark": version, "frames": frames}
        (TRUTH / f"{path.stem}.mstp.json").write_text(json.dumps(doc, indent=1) + "\n")


if __name__ == "__main__":
    main()
