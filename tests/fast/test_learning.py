"""Learning in the fast engine's pass (fast.learning) against the pure-Python learner: the
same baseline document, field for field, on every shared and generated capture, one at a
time, all in one learning run, and with small tables, chunks and record tables."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from plantwarden.detect.learn import Learner
from plantwarden.fast import layout
from plantwarden.fast.learning import KernelLearner, learn_one
from plantwarden.net.detect import ProtocolIndex
from plantwarden.protocols.registry import SPECS
from tests.fast.test_equivalence import CAPTURES, _small
from tests.fast.test_learnrec import _learn


class Counting(KernelLearner):
    """Counts the kernel's request records and runs, to show the kernel did the learning."""

    def __init__(self, index: ProtocolIndex, batch: int) -> None:
        super().__init__(index, batch)
        self.kernel_requests = self.kernel_runs = 0
        self.kernel_protos: set[int] = set()

    def defer(self, recs: np.ndarray, name: Callable[[int], str], text: Callable[[int], str]) -> None:
        self.kernel_requests += len(recs)
        self.kernel_protos.update((recs[:, layout.RC_PB] >> 24).tolist())
        super().defer(recs, name, text)

    def open_run(self, *args: Any) -> None:
        self.kernel_runs += 1
        super().open_run(*args)


def _fast(paths: list[Path], batch: int = 1 << 18) -> tuple[dict[str, object], Counting]:
    learner = Counting(ProtocolIndex(SPECS), batch)
    for path in paths:
        learn_one(learner, str(path))
    return learner.baseline(None).to_json(), learner


KERNEL_PROTOCOLS = {"modbus-pymodbus.pcap", "s7comm-snap7.pcap", "enip-cpppo.pcap", "opcua-asyncua.pcap",
                    "normal.pcap", "modbus-iti-modbus_test_data_part1.pcap", "iec104-c104.pcap",
                    "iec104-iti-TestDissectIec104.pcap"}


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda p: p.name)
def test_kernel_learns_the_same_baseline(capture: Path) -> None:
    pure = _learn(Learner(ProtocolIndex(SPECS)), [capture])
    fast, learner = _fast([capture])
    assert fast == pure
    if capture.name in KERNEL_PROTOCOLS:
        assert learner.kernel_requests and learner.kernel_runs


def test_kernel_learns_the_same_baseline_over_several_captures() -> None:
    pure = _learn(Learner(ProtocolIndex(SPECS)), CAPTURES)
    fast, learner = _fast(CAPTURES)
    assert fast == pure
    assert _fast(CAPTURES, batch=5)[0] == pure  # settled every few records
    assert learner.runs == {}  # every run was closed
    assert learner.kernel_requests > 1000 and learner.kernel_runs > 100


@pytest.mark.parametrize("capture", [c for c in CAPTURES if c.name in (
    "modbus-pymodbus.pcap", "s7comm-snap7.pcap", "enip-pipelined-cpppo.pcap", "opcua-asyncua.pcap",
    "incidents.pcap")], ids=lambda p: p.name)
def test_kernel_learns_the_same_baseline_with_small_tables(capture: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    _small(monkeypatch)
    monkeypatch.setattr(layout, "REC_CAP", 1 << 8)
    pure = _learn(Learner(ProtocolIndex(SPECS)), [capture])
    assert _fast([capture])[0] == pure
    assert _fast([capture], batch=3)[0] == pure


@pytest.mark.parametrize("capture", [c for c in CAPTURES if c.name.startswith("iec104-")],
                         ids=lambda p: p.name)
def test_kernel_learns_iec104(capture: Path) -> None:
    """IEC 104 requests (protocol id 8, above the three bits the records once packed it in)
    learned from the kernel's records: the pure learner's document, iec104 channels in it."""
    pure = _learn(Learner(ProtocolIndex(SPECS)), [capture])
    fast, learner = _fast([capture])
    assert fast == pure
    assert layout.P_IEC104 in learner.kernel_protos
    channels = fast["channels"]
    assert isinstance(channels, list)
    assert any(ch["proto"] == "iec104" and ch["requests"] > 0 for ch in channels)


@pytest.mark.parametrize("capture", [c for c in CAPTURES if c.name in KERNEL_PROTOCOLS],
                         ids=lambda p: p.name)
def test_kernel_learns_the_same_baseline_from_pcapng(capture: Path, tmp_path: Path) -> None:
    """The same packets written as pcapng by editcap (what Wireshark and dumpcap write) learn
    the pure learner's document from the classic file: the pcapng path (fast.ngrun) takes the
    learner as the pcap path does (it once refused it: `baseline learn x.pcapng` failed)."""
    editcap = shutil.which("editcap")
    if editcap is None:
        pytest.skip("editcap (tshark's package) is not installed")
    ng = tmp_path / capture.name  # the same name (the document names its captures); pcapng inside
    subprocess.run([editcap, "-F", "pcapng", str(capture), str(ng)], check=True)
    pure = _learn(Learner(ProtocolIndex(SPECS)), [capture])
    fast, learner = _fast([ng])
    assert fast == pure
    assert learner.kernel_requests and learner.kernel_runs
