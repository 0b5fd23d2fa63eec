"""Live capture on loopback with a real tcpdump/dumpcap child, and Linux cooked captures.

The tests send a few UDP datagrams to 127.0.0.1 themselves (test set-up only: plantwarden's
own code never sends anything) and read them back through the capture child.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from plantwarden.capture.live import command
from plantwarden.capture.records import RawFrame
from plantwarden.capture.source import live_capture
from plantwarden.errors import CaptureError
from tests.capture.helpers import read_path, tshark_frames, usec

PAYLOAD = b"plantwarden-capture-test"
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="capturing needs root")


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def sending(port: int, limit: int = 200) -> Iterator[None]:
    """Send datagrams to 127.0.0.1:port every 50 ms (at most ``limit``) while the block runs."""
    stop = threading.Event()

    def run() -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as out:
            for i in range(limit):
                if stop.wait(0.05):
                    return
                out.sendto(PAYLOAD + b"-%d" % i, ("127.0.0.1", port))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(5)


def children_with(marker: str) -> list[str]:
    """Command lines of running processes that contain ``marker``."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            line = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if marker in line:
            found.append(line)
    return found


def read_live(interface: str, tool: str, want: int = 3) -> tuple[list[RawFrame], str]:
    """The first ``want`` frames of a live capture of UDP to a fresh port on ``interface``."""
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed")
    port = free_udp_port()
    bpf = f"udp port {port}"
    got: list[RawFrame] = []
    with live_capture(interface, bpf=bpf, tool=tool) as source, sending(port):
        watchdog = threading.Timer(20, source.close)  # never hang the suite
        watchdog.start()
        try:
            for frame in source.frames():
                got.append(frame)
                if len(got) == want:
                    break
        finally:
            watchdog.cancel()
    return got, bpf


@needs_root
@pytest.mark.parametrize("tool", ["tcpdump", "dumpcap"])
def test_live_capture_on_loopback(tool: str) -> None:
    frames, bpf = read_live("lo", tool)
    assert len(frames) == 3
    assert all(f.linktype == 1 and PAYLOAD in f.data for f in frames)
    assert [f.number for f in frames] == [1, 2, 3]
    time.sleep(0.2)
    assert children_with(bpf) == [], "the capture child must be gone once the consumer stopped"


@needs_root
def test_live_capture_on_any_is_linux_cooked_v2() -> None:
    frames, _ = read_live("any", "tcpdump")
    assert {f.linktype for f in frames} == {276}
    assert all(PAYLOAD in f.data for f in frames)


@needs_root
def test_linux_cooked_v1_capture_file(tmp_path: Path) -> None:
    if shutil.which("tcpdump") is None:
        pytest.skip("tcpdump is not installed")
    port, path = free_udp_port(), tmp_path / "cooked.pcap"
    argv = ["tcpdump", "-i", "any", "-y", "LINUX_SLL", "-c", "5", "-U", "-w", str(path), f"udp port {port}"]
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with sending(port):
        try:
            child.wait(20)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    frames, skipped = read_path(path)
    assert len(frames) == 5
    assert {f.linktype for f in frames} == {113}
    assert [(usec(f.ts_ns), len(f.data)) for f in frames] == tshark_frames(path)
    assert not skipped.entries


@needs_root
def test_live_capture_on_a_missing_interface_names_the_tool_error() -> None:
    if shutil.which("tcpdump") is None:
        pytest.skip("tcpdump is not installed")
    with live_capture("nosuchif0") as source, pytest.raises(CaptureError) as caught:
        list(source.frames())
    assert str(caught.value).startswith("live:nosuchif0: tcpdump: nosuchif0: ")
    assert "exit status" in str(caught.value)


def test_only_listening_tools_are_started() -> None:
    assert command("tcpdump", "eth1", "tcp port 502")[:6] == ["tcpdump", "-i", "eth1", "-w", "-", "-U"]
    assert command("tcpdump", "eth1", "tcp port 502")[-1] == "tcp port 502"
    assert command("dumpcap", "eth1", None) == ["dumpcap", "-i", "eth1", "-w", "-", "-q"]
    with pytest.raises(CaptureError, match="unknown tool 'ping'"):
        live_capture("lo", tool="ping")
