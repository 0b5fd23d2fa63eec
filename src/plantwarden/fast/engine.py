"""Drive the kernel over a classic Ethernet pcap, chunk by chunk, and build the document.

Input is read with ``readinto`` into one reused numpy buffer (the partial record at the
end of a chunk is carried over), so memory stays flat however long the capture is. Other
inputs (pcapng, gzip, other link types, FCS) return ``None``: the caller runs the
pure-Python engine. Standard input works the same way as a file, in big chunks.
"""

from __future__ import annotations

import hashlib
import os
import struct
import threading
from collections.abc import Callable
from typing import IO, Any

import numpy as np

from plantwarden.analyze.collect import NS
from plantwarden.capture.pcap import FILE_HEADER_LEN, MAX_CAPLEN, parse_header, pcap_magic
from plantwarden.capture.records import LINKTYPE_ETHERNET, SkipReport
from plantwarden.fast import layout as L
from plantwarden.fast.bridge import Bridge, FastCollector
from plantwarden.fast.kernel import expire, finish, walk
from plantwarden.fast.tables import Tables
from plantwarden.net.detect import ProtocolIndex
from plantwarden.net.flows import FlowEngine
from plantwarden.protocols.base import ProtocolSpec
from plantwarden.protocols.registry import SPECS

SAMPLING = {
    "read_pairs_every": L.SAMPLE_READ_EVERY,
    "write_pairs_every": L.SAMPLE_WRITE_EVERY,
    "identity_answers": "first of each distinct answer per device",
}


def _setup(t: Tables, index: ProtocolIndex) -> dict[int, ProtocolSpec]:
    specs: dict[int, ProtocolSpec] = {}
    for port in index.tcp:
        t.svc[port] = 1
    for port, pid in L.KERNEL_PORTS.items():
        spec = index.tcp.get(port)
        if spec is not None and spec.name == L.SPEC_NAMES[pid]:
            t.kport[port] = pid
            specs[pid] = spec
    return specs


def _fill(f: IO[bytes], buf: np.ndarray, start: int, stop: int) -> int:
    """Read until ``buf[start:stop]`` is full or the input ends; returns the new end."""
    view = buf.data
    while start < stop:
        got = f.readinto(view[start:stop])  # type: ignore[attr-defined]
        if not got:
            break
        start += got
    return start


class Run:
    """One capture through the kernel."""

    def __init__(self, name: str, f: IO[bytes], head: bytes, sha: Any = None) -> None:
        self.f, self.t, self.sha = f, Tables(), sha
        if sha is not None:
            sha.update(head)
        index = ProtocolIndex(SPECS)
        self.out = FastCollector()
        self.engine = FlowEngine(name, index, self.out, on_end=self.out.flow_ended)
        self.bridge = Bridge(name, self.t, self.out, self.engine, _setup(self.t, index))
        self.hdr = parse_header(head)
        self.skipped = SkipReport()
        self.size = len(head)

    def run(self, progress: Callable[[int], None] | None) -> None:
        hdr = self.hdr
        limit = hdr.snaplen if 0 < hdr.snaplen <= MAX_CAPLEN else MAX_CAPLEN
        buf = np.empty(L.CHUNK + MAX_CAPLEN + 16, np.uint8)
        carry = 0
        while True:
            filled = _fill(self.f, buf, carry, L.CHUNK)
            self.size += filled - carry
            hashing = self._hash(buf[carry:filled])
            pos, status = self._chunk(buf, filled, limit)
            if hashing is not None:
                hashing.join()
            if status == L.S_GARBAGE:
                self._garbage()
                return
            if progress is not None:
                progress(self.size)
            if filled - carry == 0:
                self._at_end(buf, pos, filled)
                return
            carry = filled - pos
            buf[:carry] = buf[pos:filled]

    def _hash(self, data: np.ndarray) -> threading.Thread | None:
        """Hash the new bytes in a thread while the kernel (nogil) walks them."""
        if self.sha is None or not len(data):
            return None
        thread = threading.Thread(target=self.sha.update, args=(data.data,))
        thread.start()
        return thread

    def _chunk(self, buf: np.ndarray, filled: int, limit: int) -> tuple[int, int]:
        t, pos = self.t, 0
        big, mult = self.hdr.endian == ">", 1 if self.hdr.nanos else 1000
        while True:
            pos, ne, status = walk(buf, pos, filled, big, mult, limit, t.g, t.fkey, t.fl, t.akey, t.aval,
                                   t.ckey, t.cval, t.seen, t.svc, t.kport, t.ev)
            self.bridge.events(buf, ne)
            if status == L.S_GROW and not t.grow():
                status = L.S_BAIL  # a table at its limit: the Python engine takes the rest
            if status == L.S_BAIL:
                self._drain(kernel_only=False)
                t.g[L.G_ALLPY] = 1
            elif status not in (L.S_EVENTS, L.S_GROW):
                break
        if status == L.S_MORE and not t.g[L.G_ALLPY]:
            self.bridge.events(buf, expire(t.fkey, t.fl, int(t.g[L.G_LAST_TS]), t.ev, 0, t.g,
                                           t.ev.shape[0] - 2))
        return pos, status

    def _drain(self, kernel_only: bool) -> None:
        t = self.t
        while ne := finish(t.fkey, t.fl, t.ev, t.g, kernel_only):
            self.bridge.events(np.empty(0, np.uint8), ne)

    def _garbage(self) -> None:
        n = int(self.t.g[L.G_FRAMES])
        incl = int(self.t.g[L.G_GARBAGE_LEN])
        detail = f"record header after frame {n} claims {incl} captured bytes; stopped reading"
        self.skipped.add("garbage_after_frame", n, detail)

    def _at_end(self, buf: np.ndarray, pos: int, filled: int) -> None:
        left, n = filled - pos, int(self.t.g[L.G_FRAMES])
        if left < L.MAX_CAPLEN and left:
            if left < 16:
                detail = f"file ends inside the record header of frame {n + 1} ({left} of 16 bytes)"
            else:
                incl = struct.unpack_from(self.hdr.endian + "I", buf[pos + 8 : pos + 12].tobytes())[0]
                detail = f"file ends inside frame {n + 1} ({left - 16} of {incl} bytes)"
            self.skipped.add("truncated_record", n + 1, detail)

    def document(self, path: str, name: str, sha: str | None) -> dict[str, Any]:
        self._drain(kernel_only=True)
        self.engine.finish()
        self.bridge.merge()
        g, out = self.t.g, self.out
        skipped = self.skipped
        skipped.add_count("cut_by_snaplen", int(g[L.G_CUT_FIRST]), int(g[L.G_CUT]),
                          "captured length < original length")
        if g[L.G_OVERSNAP]:
            limit = self.hdr.snaplen if 0 < self.hdr.snaplen <= MAX_CAPLEN else MAX_CAPLEN
            skipped.add_count("caplen_over_snaplen", int(g[L.G_OVERSNAP_FIRST]), int(g[L.G_OVERSNAP]),
                              f"{int(g[L.G_OVERSNAP_LEN])} bytes, snaplen {limit}")
        listed = skipped.as_list()
        expired = self.bridge.decoder.defrag.expired
        if expired:
            listed.append({"reason": "ip_fragments_incomplete", "count": expired, "first_frame": 0,
                           "detail": "fragmented datagrams never completed"})
        packets = int(g[L.G_PACKETS])
        self.bridge.hosts()
        sections = out.sections()
        from plantwarden import __version__

        return {
            "name": name, "path": path, "sha256": sha, "size": self.size, "plantwarden": __version__,
            "packets": packets, "bytes": int(g[L.G_BYTES]),
            "first_ts": int(g[L.G_FIRST_TS]) / NS if packets else None,
            "last_ts": int(g[L.G_LAST_TS]) / NS if packets else None,
            "skipped": listed,
            "flows": {
                "total": int(g[L.G_KFLOWS]) + self.engine.total,
                "by_transport": dict(sorted(out.flow_count.items())),
                "tcp_retransmissions": int(g[L.G_RETRANS]) + self.engine.retransmissions,
                "tcp_gaps": self.engine.gaps,
            },
            **sections,
            "sampling": {"engine": "fast", **SAMPLING},
        }


def open_input(path: str) -> tuple[IO[bytes], bytes] | None:
    """The input and its 24-byte pcap header when the kernel can read it, else None."""
    if path == "-":
        f: IO[bytes] = open(0, "rb", buffering=0, closefd=False)  # noqa: SIM115
    else:
        try:
            if not os.path.isfile(path):
                return None
            f = open(path, "rb", buffering=0)  # noqa: SIM115
        except OSError:
            return None
    head = f.read(FILE_HEADER_LEN) or b""
    ok = len(head) == FILE_HEADER_LEN and pcap_magic(head) is not None
    if ok:
        hdr = parse_header(head)
        ok = hdr.linktype == LINKTYPE_ETHERNET and not hdr.fcs_len
    if not ok:
        f.close()
        return (f, head) if path == "-" else None
    return f, head


class Prefixed:
    """Standard input whose first bytes were already read: those first, then the rest."""

    def __init__(self, head: bytes) -> None:
        self.head = head
        self.raw = open(0, "rb", buffering=0, closefd=False)  # noqa: SIM115

    def read(self, size: int = -1, /) -> bytes | None:
        if self.head:
            out, self.head = self.head, b""
            return out
        return self.raw.read(size)


def analyze_fast(path: str, progress: Callable[[int], None] | None) -> dict[str, Any] | Prefixed | None:
    """The document, or None when the kernel cannot read this input (Prefixed for stdin)."""
    opened = open_input(path)
    if opened is None:
        return None
    f, head = opened
    if f.closed:
        return Prefixed(head)
    name = "-" if path == "-" else os.path.basename(path)
    sha = hashlib.sha256() if path != "-" else None
    try:
        run = Run(name, f, head, sha)
        run.run(progress)
    finally:
        f.close()
    return run.document(path, name, sha.hexdigest() if sha is not None else None)
