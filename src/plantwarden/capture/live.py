"""A live capture: tcpdump or dumpcap as a child process, its capture read from a pipe.

The child only listens (``-i IFACE -w -``): it writes what it captures to its stdout,
which plantwarden reads like any other capture stream. These two tools are the only
programs capture code ever starts (``tests/test_passive_only.py`` holds the code to that).
The child is ended with SIGTERM (then SIGKILL after a grace period) when the reader stops.

A duration (``analyze --live IFACE --for 3s``) is wall time: a timer ends the child when
it is up, so a quiet interface (a silent mirror port), where no frame ever arrives to be
counted, still stops on time; the tool flushes what it holds and its stream ends.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
from typing import IO

from plantwarden.errors import CaptureError

TOOLS = ("tcpdump", "dumpcap")
GRACE_S = 3.0


def command(tool: str, interface: str, bpf: str | None) -> list[str]:
    """The argument vector of a listening capture of ``interface`` written to stdout."""
    if tool == "tcpdump":
        # -U: flush after every packet; -s 0: whole packets; -n: no name look-ups (no DNS queries)
        return ["tcpdump", "-i", interface, "-w", "-", "-U", "-s", "0", "-n", *([bpf] if bpf else [])]
    if tool == "dumpcap":
        return ["dumpcap", "-i", interface, "-w", "-", "-q", *(["-f", bpf] if bpf else [])]
    raise CaptureError(f"live capture: unknown tool {tool!r} (use {' or '.join(TOOLS)})")


class LiveChild:
    """One running capture tool; ``stdout`` is its capture stream."""

    def __init__(self, tool: str, interface: str, bpf: str | None) -> None:
        argv = command(tool, interface, bpf)
        if shutil.which(tool) is None:
            raise CaptureError(f"live capture on {interface}: {tool} is not installed")
        self.name = f"live:{interface}"
        self.tool = tool
        self._errors: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        try:
            self._proc = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._errors, bufsize=0
            )
        except OSError as exc:
            self._errors.close()
            raise CaptureError(f"live capture on {interface}: cannot start {tool}: {exc.strerror}") from exc
        assert self._proc.stdout is not None
        self.stdout: IO[bytes] = self._proc.stdout
        self.stopped = False  # ended by plantwarden (its duration was up), not on its own
        self._timer: threading.Timer | None = None

    def stop_after(self, seconds: float) -> None:
        """End the capture ``seconds`` of wall time from now, frames or not."""
        self._timer = threading.Timer(seconds, self.stop)
        self._timer.daemon = True
        self._timer.start()

    def stop(self) -> None:
        """End the capture now: SIGTERM, on which the tool writes what it holds and exits, so
        its stream ends and what was captured is reported."""
        self.stopped = True
        if self._proc.poll() is None:
            self._proc.terminate()

    def failure(self, wait: bool = False) -> str:
        """Why the child ended on its own (its last stderr line), or "" if it did not fail.

        With ``wait``, give a child whose output has ended a grace period to exit first.
        """
        try:
            code = self._proc.wait(GRACE_S) if wait else self._proc.poll()
        except subprocess.TimeoutExpired:
            code = None
        if code is None or code == 0 or self.stopped or self._errors.closed:
            return ""
        self._errors.seek(0)
        lines = [ln.strip() for ln in self._errors.read().decode(errors="replace").splitlines() if ln.strip()]
        own = [ln for ln in lines if ln.startswith(f"{self.tool}:")]  # the tool's own error line
        return f"{(own or lines or ['no message'])[-1]} (exit status {code})"

    def close(self) -> None:
        """Stop the child (SIGTERM, then SIGKILL after a grace period) and release its pipes."""
        if self._timer is not None:
            self._timer.cancel()
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(GRACE_S)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self.stdout.close()
        self._errors.close()
