#!/usr/bin/env python3
"""Make tshark ground truth for generated captures, with decode-as for non-standard ports.

Runs ../shared/tools/groundtruth.py (tshark) on the given captures, first adding the
decode-as rules of tests/data/captures/decode_as.json (capture name -> tshark `-d`
rules), so captures whose industrial traffic uses a non-registered port still get an
independent reference:

    python3 tests/data/generate/truth.py tests/data/captures/continuity-zones.pcap
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CAPTURES = HERE.parent / "captures"
TOOL = HERE.parents[2].parent / "shared" / "tools" / "groundtruth.py"


def main() -> None:
    spec = importlib.util.spec_from_file_location("groundtruth", TOOL)
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    tool.DECODE_AS.update(json.loads((CAPTURES / "decode_as.json").read_text()))
    sys.argv = [str(TOOL), "--out", str(CAPTURES / "truth"), *sys.argv[1:]]
    tool.main()


if __name__ == "__main__":
    main()
