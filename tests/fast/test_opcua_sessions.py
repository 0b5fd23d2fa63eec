"""OPC UA CreateSession in the kernel: only the first of each identity reaches Python.

The capture (tests/data/generate/opcua_sessions_asyncua.py, real asyncua) has five sessions:
three as "Plantwarden HMI" and one as "Plantwarden Historian" from 127.0.4.21, one as
"Plantwarden HMI" from 127.0.4.22; every message differs in nonces, ids and timestamps.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from plantwarden.analyze.pipeline import analyze_capture
from plantwarden.fast import layout as L
from plantwarden.fast.bridge import Bridge

CAPTURE = Path(__file__).resolve().parents[2] / "tests" / "data" / "captures" / "opcua-sessions-asyncua.pcap"
SERVICES = {461: "CreateSession", 464: "CreateSessionResponse"}


def _routed(monkeypatch: pytest.MonkeyPatch) -> tuple[Counter[tuple[str, int]], dict[str, object]]:
    """(address, service) of every CreateSession PDU the kernel handed to Python, and the doc."""
    routed: Counter[tuple[str, int]] = Counter()
    original = Bridge.events

    def events(self: Bridge, buf: np.ndarray, ev: np.ndarray, *rest: object) -> None:
        for e in ev.tolist():
            if e[L.E_KIND] == L.K_PDU and e[L.E_PROTO] == L.P_OPCUA:
                pdu = buf[e[L.E_OFF] : e[L.E_OFF] + e[L.E_LEN]].tobytes()
                if pdu[:3] == b"MSG" and pdu[24] == 1 and int.from_bytes(pdu[26:28], "little") in SERVICES:
                    sender = e[L.E_CLIENT] if e[L.E_DIR] == 0 else e[L.E_SERVER]
                    routed[(self.addr(sender), int.from_bytes(pdu[26:28], "little"))] += 1
        original(self, buf, ev, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(Bridge, "events", events)
    doc = analyze_capture(CAPTURE, engine="fast").doc
    return routed, doc


def test_first_of_each_identity_goes_to_python(monkeypatch: pytest.MonkeyPatch) -> None:
    routed, doc = _routed(monkeypatch)
    assert routed == {
        ("127.0.4.21", 461): 2,  # HMI, then Historian: two client identities from one address
        ("127.0.4.22", 461): 1,
        ("127.0.4.20", 464): 1,  # the server answers every session with the same endpoints
    }
    codes = doc["protocols"]["opcua"]["codes"]  # type: ignore[index]
    assert codes["MSG:461"]["count"] == 5 and codes["MSG:464"]["count"] == 5


def test_identities_equal_the_python_engine() -> None:
    fast = analyze_capture(CAPTURE, engine="fast").doc
    python = analyze_capture(CAPTURE, engine="python").doc
    assert fast["sampling"]["engine"] == "fast"

    def names(doc: dict[str, object]) -> set[tuple[str, str, str]]:
        return {
            (i["address"], i["fields"]["role"], i["fields"].get("name", ""))  # type: ignore[index]
            for i in doc["identities"]  # type: ignore[attr-defined]
            if i["proto"] == "opcua"  # type: ignore[index]
        }

    assert names(fast) == names(python) == {
        ("127.0.4.21", "client", "Plantwarden HMI"),
        ("127.0.4.21", "client", "Plantwarden Historian"),
        ("127.0.4.22", "client", "Plantwarden HMI"),
        ("127.0.4.20", "server", "Plantwarden Session Server"),
    }
    assert fast["conversations"] == python["conversations"]
    assert fast["anomaly_counts"] == python["anomaly_counts"] == {}
