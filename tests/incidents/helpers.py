"""Finding the demo's alerts by rule and asset names."""

from __future__ import annotations

from plantwarden.detect.store_alerts import list_alerts

ADDR = {
    "ews-01": "10.10.30.40",
    "plc-proc": "10.10.40.12",
    "qa-ws-01": "10.10.10.101",
    "plc-recv": "10.10.40.11",
}


def alert_id(db: str, rule: str, src: str, dst: str) -> str:
    found = [a for a in list_alerts(db) if a.rule == rule and a.src == ADDR[src] and a.dst == ADDR[dst]]
    assert len(found) == 1, found
    return found[0].id


def plc_stop(db: str) -> str:
    """The demo's PLC STOP of the pasteuriser PLC from the engineering workstation."""
    return alert_id(db, "mode-change", "ews-01", "plc-proc")


def program_download(db: str) -> str:
    """The demo's S7 program download to the reception PLC from an office PC."""
    return alert_id(db, "program-download", "qa-ws-01", "plc-recv")
