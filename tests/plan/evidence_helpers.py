"""Sites and captures for the control checks: the continuity zones (tests/continuity/data/zones.yaml)
with a plan item on plc-01, and the real pymodbus captures cut into parts by tshark."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from plantwarden.cli.app import main

ROOT = Path(__file__).resolve().parents[2]
CAPTURES = ROOT / "tests" / "data" / "captures"
ZONES = ROOT / "tests" / "continuity" / "data" / "zones.yaml"
ZONES_CAPTURE = CAPTURES / "continuity-zones.pcap"  # tests/continuity/generate_capture.py
MODBUS_CAPTURE = CAPTURES / "modbus-pymodbus.pcap"  # tests/data/generate/modbus_pymodbus.py

# The TCP connections of continuity-zones.pcap by their client port (tshark -z conv,tcp):
SCADA_TO_PLC = 32981  # 127.0.6.5 (ops) -> 127.0.6.9:502 (cell), Modbus: across ops-to-cell
SRV_TO_PLC = 35871  # 127.0.6.6 (ops) -> 127.0.6.9:502 (cell), Modbus: across ops-to-cell too
PLC_TO_OPC = 55305  # 127.0.6.9 -> 127.0.6.10:4840, OPC UA inside the cell zone
SCADA_TO_SRV = 57335  # 127.0.6.5 -> 127.0.6.6:5020, Modbus inside the ops zone


def cut(source: Path, ports: list[int], out: Path) -> Path:
    """The frames of the given TCP connections of a real capture, as a pcap (tshark)."""
    tshark = shutil.which("tshark")
    if tshark is None:
        pytest.skip("tshark is not installed")
    where = " || ".join(f"tcp.port=={p}" for p in ports)
    subprocess.run([tshark, "-r", str(source), "-Y", where, "-F", "pcap", "-w", str(out)], check=True)
    return out


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def zones_site(**extra: Any) -> dict[str, Any]:
    """The zones fixture whose plc-01 (cell) is out of support: its plan item comes late, so it
    gets a control; its zone's conduit ops-to-cell makes it tighten-conduit."""
    doc: dict[str, Any] = yaml.safe_load(ZONES.read_text())
    for a in doc["assets"]:
        if a["name"] == "plc-01":
            a["end_of_support"] = "2020-01-01"
    doc["maintenance_windows"] = [
        {
            "name": "sunday",
            "recurring": {"every": "1 week", "on": "sunday", "start": "06:00", "end": "14:00"},
            "lines": ["line-a"],
        }
    ]
    doc["roles"] = [{"id": "ot-eng", "kind": "ot_production", "people": ["Anna Berg"]}]
    doc["raci"] = [{"subject": {"activity": "updates"}, "responsible": ["ot-eng"], "accountable": ["ot-eng"]}]
    doc.update(extra)
    return doc


def writes_site(window_on_capture: bool) -> dict[str, Any]:
    """modbus-pymodbus.pcap's server 127.0.1.1 as an out-of-support PLC in a zone without a
    conduit and with no vendor access: its control is alert-writes. With ``window_on_capture``
    a maintenance window holds the capture's writes (2026-11-22 01:03:43 UTC)."""
    windows: list[dict[str, Any]] = [
        {
            "name": "sunday",
            "recurring": {"every": "1 week", "on": "sunday", "start": "06:00", "end": "14:00"},
            "lines": ["press"],
        }
    ]
    if window_on_capture:
        windows.append({"name": "retrofit", "start": "2026-11-22T00:30:00", "end": "2026-11-22T02:00:00"})
    return {
        "site": {"name": "press shop", "timezone": "UTC", "currency": "EUR"},
        "zones": [{"name": "cell", "level": "control", "sl_t": 2, "cidrs": ["127.0.1.0/24"]}],
        "assets": [
            {
                "name": "plc-press",
                "role": "plc",
                "zone": "cell",
                "ips": ["127.0.1.1"],
                "end_of_support": "2020-01-01",
            },
            {"name": "ews", "role": "engineering_workstation", "zone": "cell", "ips": ["127.0.1.2"]},
        ],
        "lines": [{"name": "press", "downtime_cost_per_hour": 800, "requires": ["plc-press"]}],
        "maintenance_windows": windows,
    }


def load(path: Path, doc: dict[str, Any], db: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    path.write_text(yaml.safe_dump(doc))
    code, _, err = run(["site", "load", str(path), *db], capsys)
    assert code == 0, err


ACCESS_CAPTURE = CAPTURES / "access-sessions.pcap"  # tests/data/generate/access_sessions.py
ACCESS_SITE = CAPTURES / "access-sessions.site.yaml"


def access_site() -> dict[str, Any]:
    """The access lab whose eng-pc-1 and eng-pc-2 are out of support; Acme reaches both by VPN,
    so their controls are remote-access-grant."""
    doc: dict[str, Any] = yaml.safe_load(ACCESS_SITE.read_text())
    for a in doc["assets"]:
        if a["name"] in ("eng-pc-1", "eng-pc-2"):
            a["end_of_support"] = "2020-01-01"
    doc["raci"].append({"subject": {"activity": "updates"}, "responsible": ["ot"], "accountable": ["ot"]})
    doc["maintenance_windows"] = [
        {
            "name": "sunday",
            "recurring": {"every": "1 week", "on": "sunday", "start": "06:00", "end": "14:00"},
            "lines": ["line-1"],
        }
    ]
    return doc


def cut_before(source: Path, epoch: float, out: Path) -> Path:
    """The frames of a real capture before an instant (tshark)."""
    tshark = shutil.which("tshark")
    if tshark is None:
        pytest.skip("tshark is not installed")
    where = f"frame.time_epoch < {epoch}"
    subprocess.run([tshark, "-r", str(source), "-Y", where, "-F", "pcap", "-w", str(out)], check=True)
    return out
