"""Drive the kernel over a capture, chunk by chunk, and build the document.

Input (:mod:`plantwarden.fast.inputs`) is read with ``readinto`` into one reused numpy
buffer (the partial record at the end of a chunk is carried over), or walked in place when it
is a regular file (mapped), so memory stays flat however long the capture is. Standard input
works the same way as a file, in big chunks; gzip (file or stdin) is decompressed into the
same buffer.

Classic pcap over Ethernet goes to the kernel as it is. pcapng goes through
:func:`plantwarden.fast.pcapng.convert`, which rewrites the packet blocks of each chunk as
pcap records for the kernel, and :class:`plantwarden.fast.ngrun.NgRun`, which handles the
other blocks in Python with the rules of the Python reader. Classic pcap of another link type
or with FCS returns ``None``: the caller runs the pure-Python engine.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import struct
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from plantwarden.analyze.collect import NS
from plantwarden.capture.filehash import FileHash
from plantwarden.capture.pcap import FILE_HEADER_LEN, MAX_CAPLEN, parse_header
from plantwarden.capture.records import SkipReport
from plantwarden.fast import inputs
from plantwarden.fast import layout as L
from plantwarden.fast.backlog import Backlog
from plantwarden.fast.bridge import Bridge, FastCollector
from plantwarden.fast.events import gather
from plantwarden.fast.inputs import Opened, Prefixed, fill, open_input
from plantwarden.fast.kernel import expire, finish, walk
from plantwarden.fast.tables import Tables
from plantwarden.fast.watchk import W_REC, W_WG
from plantwarden.net.detect import IT_SERVICE_PORTS, ProtocolIndex
from plantwarden.net.flows import FlowEngine
from plantwarden.protocols.base import Emitter, ProtocolSpec
from plantwarden.protocols.registry import SPECS

if TYPE_CHECKING:
    from plantwarden.detect.engine import Detector
    from plantwarden.fast.detecting import FastDetection
    from plantwarden.fast.learning import FastLearning, KernelLearner

SAMPLING = {
    "read_pairs_every": L.SAMPLE_READ_EVERY,
    "write_pairs_every": L.SAMPLE_WRITE_EVERY,
    "identity_answers": "first of each distinct answer per device",
}


def _setup(t: Tables, index: ProtocolIndex) -> dict[int, ProtocolSpec]:
    specs: dict[int, ProtocolSpec] = {}
    for port in index.tcp:
        t.svc[port] |= L.SVC_TCP
    for port in index.udp:
        t.svc[port] |= L.SVC_UDP
    for port, pid in L.KERNEL_PORTS.items():
        spec = index.tcp.get(port)
        if spec is not None and spec.name == L.SPEC_NAMES[pid]:
            t.kport[port] = pid
            specs[pid] = spec
    for port, pid in L.UDP_KERNEL_PORTS.items():
        spec = index.udp.get(port)
        if spec is not None and spec.name == L.UDP_SPEC_NAMES[pid]:
            t.kport[port] |= pid << L.KPORT_UDP_SHIFT
            specs[pid] = spec
    for port in (*range(1024), *IT_SERVICE_PORTS):  # index.choose never guesses there (fast.udp)
        if port not in index.udp:
            t.kport[port] |= L.P_SSDP << L.KPORT_UDP_SHIFT
    return specs


NO_BYTES = np.empty(0, np.uint8)
NO_RECORDS = np.empty((0, L.NR), np.int64)
Batch = tuple[np.ndarray, np.ndarray, np.ndarray]  # events, the bytes they point at, request records


def records(t: Tables) -> np.ndarray:
    """The records detection or learning wrote since the last call (fast.watchk), copied out."""
    wg = t.w[W_WG]
    if not wg[L.WG_NREC]:
        return NO_RECORDS
    recs = t.w[W_REC][: wg[L.WG_NREC]].copy()
    wg[L.WG_NREC] = 0
    return recs


def _batch(buf: np.ndarray, ev: np.ndarray, t: Tables) -> Batch:
    """A copy of kernel events with the bytes they point at (``events.gather``), and the
    records detection or learning wrote with them (fast.watchk)."""
    ev = ev.copy()
    recs = records(t)
    if not len(ev):
        return ev, NO_BYTES, recs
    carries = (ev[:, L.E_KIND] == L.K_FRAME) | (ev[:, L.E_KIND] == L.K_PDU)
    blob = np.empty(int(ev[carries, L.E_LEN].sum()), np.uint8)
    gather(buf, ev, blob)
    return ev, blob, recs


def nbytes(batches: list[Batch]) -> int:
    return sum(ev.nbytes + blob.nbytes + recs.nbytes for ev, blob, recs in batches)


class Run:
    """One capture through the kernel."""

    def __init__(self, name: str, src: Opened, detector: Detector | None = None,
                 learner: KernelLearner | None = None) -> None:
        self.f, self.stream, self.t = src.f, src.stream, Tables()
        head = src.head
        index = ProtocolIndex(SPECS)
        self.out = FastCollector()
        self.detection: FastDetection | None = None
        self.learning: FastLearning | None = None
        emit: Emitter = self.out
        if detector is not None:
            from plantwarden.detect.emit import Tee
            from plantwarden.fast.detecting import FastDetection

            self.detection = FastDetection(detector, self.t)
            emit = Tee(self.out, self.detection.emitter)
        elif learner is not None:
            from plantwarden.detect.emit import Tee
            from plantwarden.fast.learning import FastLearning

            self.learning = FastLearning(learner, self.t)
            emit = Tee(self.out, self.learning.emitter)
        self.engine = FlowEngine(name, index, emit, on_end=self.out.flow_ended)
        self.bridge = Bridge(name, self.t, self.out, self.engine, _setup(self.t, index), emit,
                             self.detection or self.learning)
        if self.learning is not None:
            self.learning.name = self.bridge.addr
        self.hdr = parse_header(head) if src.kind == "pcap" else None
        self.big, self.mult = self.hdr is not None and self.hdr.endian == ">", 1
        if self.hdr is not None and not self.hdr.nanos:
            self.mult = 1000
        self.skipped = SkipReport()
        self.size = len(head)

    def run(self, progress: Callable[[int], None] | None) -> None:
        """The kernel walks the capture in a thread (nogil) while Python applies the events.

        The Python side never writes kernel state, and each batch of events carries its own
        copy of the bytes it refers to, so the kernel runs ahead as far as the backlog allows
        (:class:`plantwarden.fast.backlog.Backlog`); events are applied in capture order."""
        backlog = Backlog()
        producer = threading.Thread(target=self._produce, args=(backlog,), daemon=True)
        producer.start()
        try:
            while (item := backlog.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                batches, size = item
                for ev, blob, recs in batches:
                    self.bridge.events(blob, ev, recs)
                if progress is not None:
                    progress(size)
        finally:
            backlog.close()
            producer.join()

    def _produce(self, backlog: Backlog) -> None:
        try:
            self._walk_all(backlog)
        except BaseException as exc:  # handed to the consumer, which raises it
            backlog.put(exc, 0)
        backlog.put(None, 0)

    def _limit(self) -> int:
        hdr = self.hdr
        assert hdr is not None
        return hdr.snaplen if 0 < hdr.snaplen <= MAX_CAPLEN else MAX_CAPLEN

    def _read(self, buf: np.ndarray, start: int, stop: int) -> int:
        """Fill ``buf[start:stop]`` from the input (decompressed for gzip) and count the bytes
        read, as the Python reader counts them (compressed ones for gzip)."""
        filled = fill(self.f, buf, start, stop)
        self.size = self.stream.bytes_read if self.stream is not None else self.size + filled - start
        return filled

    def _walk_all(self, backlog: Backlog) -> None:
        limit = self._limit()
        mapped = inputs.map_file(self.f)
        if mapped is not None:
            try:
                self._walkmapped(backlog, limit, mapped)
            finally:
                with contextlib.suppress(BufferError):  # a view still alive: freed with it
                    mapped.close()
            return
        chunk = max(L.CHUNK, 16 + MAX_CAPLEN)  # a carried partial record always leaves room
        buf = np.empty(chunk + MAX_CAPLEN + 16, np.uint8)
        carry = 0
        while True:
            filled = self._read(buf, carry, chunk)
            batches: list[Batch] = []
            pos, status = self._chunk(buf, filled, limit, batches)
            if status == L.S_GARBAGE:
                self._garbage()
            elif filled - carry == 0:
                self._at_end(buf, pos, filled)
            if not backlog.put((batches, self.size), nbytes(batches)):
                return  # the consumer stopped
            if status == L.S_GARBAGE or filled - carry == 0:
                return
            carry = filled - pos
            buf[:carry] = buf[pos:filled]  # the partial record starts the next chunk

    def _walkmapped(self, backlog: Backlog, limit: int, mm: mmap.mmap) -> None:
        """A regular file, mapped: the kernel walks the page cache itself, a chunk at a time
        (no copy into a read buffer), and each chunk walked leaves this process's
        resident memory (``MADV_DONTNEED``; the page cache keeps it)."""
        data = np.frombuffer(mm, np.uint8)  # ACCESS_COPY: a writable view, never written
        size = len(data)
        pos = released = FILE_HEADER_LEN
        while True:
            end = min(pos + max(L.CHUNK, 16 + MAX_CAPLEN), size)  # room for the largest record
            self.size += end - self.size
            batches: list[Batch] = []
            pos, status = self._chunk(data, end, limit, batches, pos)
            last = end == size and status != L.S_GARBAGE
            if status == L.S_GARBAGE:
                self._garbage()
            elif end == size:
                self._at_end(data, pos, size)
            if not backlog.put((batches, self.size), nbytes(batches)):
                return  # the consumer stopped
            if status == L.S_GARBAGE or last:
                return
            page = pos - pos % mmap.PAGESIZE
            if hasattr(mmap, "MADV_DONTNEED") and page > released:
                mm.madvise(mmap.MADV_DONTNEED, released - released % mmap.PAGESIZE, page - released)
                released = page

    def _chunk(self, buf: np.ndarray, filled: int, limit: int,
               batches: list[Batch], pos: int = 0) -> tuple[int, int]:
        """Walk ``buf[pos:filled]``; copies of the events it writes go to ``batches``."""
        t = self.t
        big, mult = self.big, self.mult
        while True:
            pos, ne, status = walk(buf, pos, filled, big, mult, limit, t.g, t.fkey, t.fl, t.akey, t.aval,
                                   t.ckey, t.cval, t.seen, t.svc, t.kport, t.ev,
                                   t.r, t.tmp, t.scratch, t.bkey, t.bval, t.ekey, t.edges, t.w)
            batches.append(_batch(buf, t.ev[:ne], t))
            if status == L.S_GROW and not t.grow():
                status = L.S_BAIL  # a table at its limit: the Python engine takes the rest
            if status == L.S_BAIL:
                self._drain(False, batches)
                t.g[L.G_ALLPY] = 1
            elif status not in (L.S_EVENTS, L.S_GROW):
                break
        if status == L.S_MORE and not t.g[L.G_ALLPY]:
            ne = expire(t.fkey, t.fl, int(t.g[L.G_LAST_TS]), t.ev, 0, t.g, t.ev.shape[0] - 2, t.ekey, t.edges,
                        t.w)
            batches.append((t.ev[:ne].copy(), NO_BYTES, records(t)))
        return pos, status

    def _drain(self, kernel_only: bool, batches: list[Batch]) -> None:
        """Hand every flow the kernel still owns over (or end it, at the end of the capture)."""
        t = self.t
        more = True
        while more:
            ne, more = finish(t.fkey, t.fl, t.ev, t.g, kernel_only, t.ekey, t.edges, t.w)
            batches.append((t.ev[:ne].copy(), NO_BYTES, records(t)))  # these events carry no bytes
            if more and not t.grow():
                raise RuntimeError("kernel edge table full")

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
                endian = ">" if self.big else "<"
                incl = struct.unpack_from(endian + "I", buf[pos + 8 : pos + 12].tobytes())[0]
                detail = f"file ends inside frame {n + 1} ({left - 16} of {incl} bytes)"
            self.skipped.add("truncated_record", n + 1, detail)
        self._damage()

    def _damage(self) -> None:
        """Damaged gzip data ends the input early, as the Python reader reports it."""
        if self.stream is not None and self.stream.damage:
            self.skipped.add("input_damaged", int(self.t.g[L.G_FRAMES]) + 1, self.stream.damage)

    def _counted(self, skipped: SkipReport) -> None:
        """Skip counts kept outside the kernel's globals (pcapng: NgRun)."""

    def learned(self) -> None:
        """Learning: the capture's end (its flows' runs closed, the Python flows ended), and
        the MACs of the kernel's packets, into the learner."""
        assert self.learning is not None
        batches: list[Batch] = []
        self._drain(True, batches)
        for ev, blob, recs in batches:
            self.bridge.events(blob, ev, recs)
        self.engine.finish()
        self.learning.flush()
        self.learning.learner.settle()  # the run's names are needed for its records
        self.learning.bindings()
        g = self.t.g
        if g[L.G_PACKETS]:
            self.learning.learner.ended(int(g[L.G_LAST_TS]))

    def release(self) -> None:
        """Let go of the kernel's tables (tens of MiB of arrays) once the document is made.

        The detection's emitter and the flow engine refer back to the run's objects (a cycle
        that only the garbage collector frees, and the commands pause it: gcpause); without
        this the tables would live on in the process that forks the store import."""
        self.t = self.bridge.t = Tables.released()
        if self.detection is not None:
            self.detection.release()

    def document(self, path: str, name: str, sha: str | None) -> dict[str, Any]:
        batches: list[Batch] = []
        self._drain(True, batches)
        for ev, blob, recs in batches:
            self.bridge.events(blob, ev, recs)
        self.engine.finish()
        self.bridge.merge()
        g, out = self.t.g, self.out
        skipped = self.skipped
        skipped.add_count("cut_by_snaplen", int(g[L.G_CUT_FIRST]), int(g[L.G_CUT]),
                          "captured length < original length")
        if g[L.G_OVERSNAP]:
            skipped.add_count("caplen_over_snaplen", int(g[L.G_OVERSNAP_FIRST]), int(g[L.G_OVERSNAP]),
                              f"{int(g[L.G_OVERSNAP_LEN])} bytes, snaplen {self._limit()}")
        self._counted(skipped)
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


def _ngrun() -> type[Run]:
    from plantwarden.fast.ngrun import NgRun  # it builds on Run

    return NgRun


__all__ = ["Opened", "Prefixed", "Run", "analyze_fast", "open_input"]


def analyze_fast(path: str, progress: Callable[[int], None] | None,
                 detector: Detector | None = None,
                 digest: FileHash | None = None) -> dict[str, Any] | Prefixed | None:
    """The document, or None when the kernel cannot read this input (Prefixed for stdin).

    With a ``detector`` (that has a baseline), detection runs in the same pass. ``digest``:
    the file's SHA-256, hashed in its own thread (capture.filehash)."""
    opened = open_input(path)
    if not isinstance(opened, Opened):
        return opened
    name = "-" if path == "-" else os.path.basename(path)
    digest = digest if digest is not None else FileHash(path)
    try:
        if detector is not None:
            detector.begin_capture(name)
        run = (_ngrun() if opened.kind == "pcapng" else Run)(name, opened, detector)
        run.run(progress)
    finally:
        opened.close()
    doc = run.document(path, name, digest.hexdigest())
    if run.detection is not None:
        run.detection.finish()
    run.release()
    return doc
