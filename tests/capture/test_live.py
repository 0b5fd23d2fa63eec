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


# --- --for is wall time: a quiet interface still stops (issue 18) ---------------------------


@contextmanager
def quiet_interface() -> Iterator[str]:
    """A tap interface of its own, up and silent: no program holds its other end, so no frame
    ever arrives (like a mirror port nothing is sent to)."""
    name = f"pwq{os.getpid() % 100000}"
    made = subprocess.run(
        ["ip", "tuntap", "add", "dev", name, "mode", "tap"], capture_output=True, check=False
    )
    if made.returncode != 0:
        pytest.skip(f"cannot create a tap interface: {made.stderr.decode().strip()}")
    try:
        subprocess.run(["ip", "link", "set", name, "up"], check=True)
        yield name
    finally:
        subprocess.run(["ip", "link", "del", name], check=False)


@needs_root
@pytest.mark.parametrize("tool", ["tcpdump", "dumpcap"])
def test_a_duration_ends_a_capture_that_sees_nothing(tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed")
    bpf = f"udp port {free_udp_port()}"  # loopback, filtered down to nothing
    started = time.monotonic()
    with live_capture("lo", bpf=bpf, tool=tool, seconds=1.5) as source:
        watchdog = threading.Timer(30, source.close)  # the old behaviour: never hang the suite
        watchdog.start()
        try:
            frames = list(source.frames())
        finally:
            watchdog.cancel()
    took = time.monotonic() - started
    assert frames == [] and not source.skipped.entries
    assert 1.4 <= took < 8.0, took


@needs_root
def test_a_duration_keeps_what_arrived_before_it_was_up() -> None:
    if shutil.which("tcpdump") is None:
        pytest.skip("tcpdump is not installed")
    port = free_udp_port()
    with live_capture("lo", bpf=f"udp port {port}", seconds=2.0) as source, sending(port):
        frames = list(source.frames())
    assert 5 <= len(frames) <= 45  # one datagram every 50 ms for 2 s, less start-up
    assert all(PAYLOAD in f.data for f in frames)


@needs_root
def test_analyze_live_for_on_a_quiet_interface_stops_on_time() -> None:
    import json
    import sys

    if shutil.which("tcpdump") is None:
        pytest.skip("tcpdump is not installed")
    with quiet_interface() as name:
        started = time.monotonic()
        r = subprocess.run(
            [
                sys.executable,
                "-m",
                "plantwarden",
                "analyze",
                "--live",
                name,
                "--for",
                "3s",
                "--no-store",
                "--json",
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        took = time.monotonic() - started
    assert r.returncode == 0, r.stderr
    (cap,) = json.loads(r.stdout)["captures"]
    assert (cap["name"], cap["packets"], cap["skipped"]) == (f"live:{name}", 0, [])
    assert 3.0 <= took < 15.0, took
