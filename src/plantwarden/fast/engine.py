"""Drive the kernel over a capture, chunk by chunk, and build the document.

Input is read with ``readinto`` into one reused numpy buffer (the partial record at the
end of a chunk is carried over), or walked in place when it is a regular file (mapped), so
memory stays flat however long the capture is. Standard input works the same way as a
file, in big chunks; gzip (file or stdin) is decompressed into the same buffer.

Classic pcap over Ethernet goes to the kernel as it is. pcapng goes through
:func:`plantwarden.fast.pcapng.convert`, which rewrites the packet blocks of each chunk as
pcap records for the kernel, and :class:`NgRun`, which handles the other blocks in Python
with the rules of the Python reader. Classic pcap of another link type or with FCS returns
``None``: the caller runs the pure-Python engine.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import stat
import struct
import threading
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from plantwarden.analyze.collect import NS
from plantwarden.capture import pcapng_blocks as nb
from plantwarden.capture.filehash import FileHash
from plantwarden.capture.pcap import FILE_HEADER_LEN, MAX_CAPLEN, parse_header, pcap_magic
from plantwarden.capture.records import LINKTYPE_ETHERNET, SUPPORTED_LINKTYPES, SkipReport
from plantwarden.capture.source import STDIN_NAME
from plantwarden.capture.stream import FILE_CHUNK, GZIP_MAGIC, STREAM_CHUNK, ByteStream
from plantwarden.fast import layout as L
from plantwarden.fast import pcapng as ng
from plantwarden.fast.backlog import Backlog
from plantwarden.fast.bridge import Bridge, FastCollector
from plantwarden.fast.events import gather
from plantwarden.fast.kernel import expire, finish, walk
from plantwarden.fast.tables import Tables
from plantwarden.fast.watchk import W_REC, W_WG, tick_event
from plantwarden.net.detect import ProtocolIndex
from plantwarden.net.flows import FlowEngine
from plantwarden.protocols.base import Emitter, ProtocolSpec
from plantwarden.protocols.registry import SPECS

if TYPE_CHECKING:
    from plantwarden.detect.engine import Detector

PIPE_BYTES = 1 << 20
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


NO_BYTES = np.empty(0, np.uint8)
NO_RECORDS = np.empty((0, L.NR), np.int64)
Batch = tuple[np.ndarray, np.ndarray, np.ndarray]  # events, the bytes they point at, request records


def _batch(buf: np.ndarray, ev: np.ndarray, t: Tables) -> Batch:
    """A copy of kernel events with the bytes they point at (``events.gather``), and the
    request records detection wrote with them (fast.watchk)."""
    ev = ev.copy()
    wg = t.w[W_WG]
    recs = NO_RECORDS
    if wg[L.WG_NREC]:
        recs = t.w[W_REC][: wg[L.WG_NREC]].copy()
        wg[L.WG_NREC] = 0
    if not len(ev):
        return ev, NO_BYTES, recs
    carries = (ev[:, L.E_KIND] == L.K_FRAME) | (ev[:, L.E_KIND] == L.K_PDU)
    blob = np.empty(int(ev[carries, L.E_LEN].sum()), np.uint8)
    gather(buf, ev, blob)
    return ev, blob, recs


def _nbytes(batches: list[Batch]) -> int:
    return sum(ev.nbytes + blob.nbytes + recs.nbytes for ev, blob, recs in batches)


class Run:
    """One capture through the kernel."""

    def __init__(self, name: str, src: Opened, detector: Detector | None = None) -> None:
        self.f, self.stream, self.t = src.f, src.stream, Tables()
        head = src.head
        index = ProtocolIndex(SPECS)
        self.out = FastCollector()
        self.detection = None
        emit: Emitter = self.out
        if detector is not None:
            from plantwarden.detect.emit import Tee
            from plantwarden.fast.detecting import FastDetection

            self.detection = FastDetection(detector, self.t)
            emit = Tee(self.out, self.detection.emitter)
        self.engine = FlowEngine(name, index, emit, on_end=self.out.flow_ended)
        self.bridge = Bridge(name, self.t, self.out, self.engine, _setup(self.t, index), emit, self.detection)
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
        filled = _fill(self.f, buf, start, stop)
        self.size = self.stream.bytes_read if self.stream is not None else self.size + filled - start
        return filled

    def _walk_all(self, backlog: Backlog) -> None:
        limit = self._limit()
        mapped = _mapped(self.f)
        if mapped is not None:
            try:
                self._walk_mapped(backlog, limit, mapped)
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
            if not backlog.put((batches, self.size), _nbytes(batches)):
                return  # the consumer stopped
            if status == L.S_GARBAGE or filled - carry == 0:
                return
            carry = filled - pos
            buf[:carry] = buf[pos:filled]  # the partial record starts the next chunk

    def _walk_mapped(self, backlog: Backlog, limit: int, mm: mmap.mmap) -> None:
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
            if not backlog.put((batches, self.size), _nbytes(batches)):
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
            ne = expire(t.fkey, t.fl, int(t.g[L.G_LAST_TS]), t.ev, 0, t.g, t.ev.shape[0] - 2, t.ekey, t.edges)
            batches.append((t.ev[:ne].copy(), NO_BYTES, NO_RECORDS))
        return pos, status

    def _drain(self, kernel_only: bool, batches: list[Batch]) -> None:
        """Hand every flow the kernel still owns over (or end it, at the end of the capture)."""
        t = self.t
        more = True
        while more:
            ne, more = finish(t.fkey, t.fl, t.ev, t.g, kernel_only, t.ekey, t.edges)
            batches.append((t.ev[:ne].copy(), NO_BYTES, NO_RECORDS))  # these events carry no bytes
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


_MORE, _STOP = -1, -2  # NgRun._block: the block is not all there yet / reading stops
_INT64 = (1 << 63) - 1


class NgRun(Run):
    """A pcapng capture through the kernel (draft-ietf-opsawg-pcapng).

    :func:`plantwarden.fast.pcapng.convert` turns the packet blocks it can vouch for into pcap
    records that the kernel walks; it stops before any other block, which :meth:`_block`
    handles in Python by the rules of :class:`plantwarden.capture.pcapng.PcapngReader` (the
    same frame numbers, timestamps and skip report). A packet the kernel cannot take (another
    link type, FCS, a timestamp a pcap record cannot hold) goes to the Python engine as a
    frame of its own link type; the kernel first hands every flow it owns over to Python
    (``G_ALLPY``, as when it bails out), so Python sees each flow whole and the result stays
    the Python engine's. Interfaces' link types are only known as their blocks come, in a
    pipe too, so this is decided per packet, not per capture."""

    def __init__(self, name: str, src: Opened, detector: Detector | None = None) -> None:
        super().__init__(name, src, detector)
        self.endian = "<"
        self.st = np.zeros(ng.NST, np.int64)
        self.ifs = np.zeros((ng.MAX_IF, ng.NIF), np.int64)
        self.interfaces: list[nb.Interface] = []
        self.dst = NO_BYTES
        self.head = src.head
        self.python_frames = 0  # packets the kernel could not take (another link type, FCS ...)

    # -- reading ------------------------------------------------------------------------
    def _walk_all(self, backlog: Backlog) -> None:
        mapped = _mapped(self.f) if self.stream is None else None
        if mapped is not None:
            try:
                self._walk_ng_mapped(backlog, mapped)
            finally:
                with contextlib.suppress(BufferError):
                    mapped.close()
            return
        chunk = max(L.CHUNK, 16 + MAX_CAPLEN)
        buf = np.empty(chunk, np.uint8)
        buf[: len(self.head)] = np.frombuffer(self.head, np.uint8)
        carry, base = len(self.head), 0
        while True:
            filled = self._read(buf, carry, len(buf))
            eof = filled < len(buf)
            batches: list[Batch] = []
            pos, stop = self._convert(buf, 0, filled, base, batches)
            if not stop and eof:
                self._ng_at_end(buf, pos, filled, base)
            if not backlog.put((batches, self.size), _nbytes(batches)):
                return
            if stop or eof:
                return
            carry, base = filled - pos, base + pos
            need = self._need(buf, pos, filled)
            if need > len(buf):  # a block longer than a chunk: the buffer grows to hold it
                bigger = np.empty(need + chunk, np.uint8)
                bigger[:carry] = buf[pos:filled]
                buf = bigger
            else:
                buf[:carry] = buf[pos:filled]  # the partial block starts the next chunk

    def _walk_ng_mapped(self, backlog: Backlog, mm: mmap.mmap) -> None:
        """A regular file, mapped, a window at a time (as ``Run._walk_mapped``)."""
        data = np.frombuffer(mm, np.uint8)
        size = len(data)
        pos = released = 0
        end = min(max(L.CHUNK, 16 + MAX_CAPLEN), size)
        while True:
            self.size = end
            batches: list[Batch] = []
            pos, stop = self._convert(data, pos, end, 0, batches)
            if not stop and end == size:
                self._ng_at_end(data, pos, end, 0)
            if not backlog.put((batches, self.size), _nbytes(batches)):
                return
            if stop or end == size:
                return
            end = min(pos + max(L.CHUNK, 16 + MAX_CAPLEN, self._need(data, pos, end)), size)
            page = pos - pos % mmap.PAGESIZE
            if hasattr(mmap, "MADV_DONTNEED") and page > released:
                mm.madvise(mmap.MADV_DONTNEED, released - released % mmap.PAGESIZE, page - released)
                released = page

    def _need(self, buf: np.ndarray, pos: int, end: int) -> int:
        """Bytes from ``pos`` the partial block there needs (its length once it is known)."""
        if end - pos < 8:
            return nb.SHB_MIN_LEN
        blen = int(struct.unpack_from(self.endian + "I", buf[pos + 4 : pos + 8].tobytes())[0])
        return max(nb.SHB_MIN_LEN, min(blen, nb.MAX_BLOCK_LEN))

    def _convert(self, src: np.ndarray, pos: int, end: int, base: int,
                 batches: list[Batch]) -> tuple[int, bool]:
        """Walk ``src[pos:end]``: the kernel takes converted records, :meth:`_block` the rest.
        Returns (position of the partial block at the end, reading stops)."""
        t = self.t
        while True:
            if len(self.dst) < end - pos:
                self.dst = np.empty(end - pos, np.uint8)
            pos, used, status = ng.convert(src, pos, end, self.dst, self.ifs, self.st, t.g[L.G_FRAMES])
            if used:
                reached, _ = self._chunk(self.dst, used, MAX_CAPLEN, batches)
                assert reached == used
            if status == ng.NG_MORE:
                return pos, False
            nxt = self._block(src, pos, end, base, batches)
            if nxt == _STOP:
                return pos, True
            if nxt == _MORE:
                return pos, False
            pos = nxt

    # -- the blocks the converter leaves (capture.pcapng.PcapngReader's rules) ----------------
    def _block(self, src: np.ndarray, pos: int, end: int, base: int, batches: list[Batch]) -> int:
        """Handle the block at ``pos``; the position after it, or _MORE / _STOP."""
        g = self.t.g
        n = int(g[L.G_FRAMES])
        head = src[pos : min(pos + 28, end)].tobytes() + bytes(28)
        if head[:4] == nb.SHB_MAGIC:  # reads the same in both byte orders
            if pos + nb.SHB_MIN_LEN > end:
                return _MORE
            endian = nb.section_endian(head, 0)
            if endian is None:
                return self._stop(n, base + pos, "section header without a byte-order magic")
            major, minor = nb.section_version(head, 0, endian)
            if major != 1:
                detail = f"pcapng version {major}.{minor} at byte {base + pos}; stopped reading"
                self.skipped.add("unsupported_version", n, detail)
                return _STOP
            self.endian = endian
            self.st[ng.ST_BIG] = endian == ">"
        btype, blen, iid, tsh, tsl, incl, orig = struct.unpack_from(self.endian + "7I", head)
        if blen < 12 or blen & 3 or blen > nb.MAX_BLOCK_LEN:
            return self._stop(n, base + pos, f"impossible block length {blen}")
        nxt: int = pos + blen
        if nxt > end:
            return _MORE
        block = src[pos:nxt].tobytes()
        if struct.unpack_from(self.endian + "I", block, blen - 4)[0] != blen:
            return self._stop(n, base + pos, "block length and its trailing copy differ")
        if btype == nb.BT_EPB and blen >= 32:
            start = 28
        elif btype == nb.BT_SPB and blen >= 16:
            iid, tsh, orig, incl, start = 0, -1, iid, -1, 12
        elif btype == nb.BT_PB and blen >= 32:
            iid, start = struct.unpack_from(self.endian + "H", block, 8)[0], 28
        else:
            self._other(block, btype, blen, n)
            return nxt
        self._packet(block, n + 1, iid, tsh, tsl, incl, orig, start, batches)
        return nxt

    def _packet(self, block: bytes, n: int, iid: int, tsh: int, tsl: int, incl: int, orig: int,
                start: int, batches: list[Batch]) -> None:
        g, st = self.t.g, self.st
        g[L.G_FRAMES] = n
        if iid >= len(self.interfaces):
            self.skipped.add("unknown_interface", n, f"interface {iid} was never described")
            return
        iface = self.interfaces[iid]
        if iface.linktype not in SUPPORTED_LINKTYPES:
            self.skipped.add("unknown_linktype", n, f"linktype {iface.linktype} (interface {iid})")
            return
        snap, trailer = iface.snaplen, len(block) - 4
        if tsh >= 0:
            ts = ((tsh << 32 | tsl) * iface.ts_mul) // iface.ts_div + iface.ts_offset_ns
            st[ng.ST_LAST_TS] = max(-_INT64, min(ts, _INT64))  # beyond the year 2262: clamped
        else:
            incl = min(orig, trailer - start, snap or MAX_CAPLEN)
        if incl > min(snap or MAX_CAPLEN, MAX_CAPLEN) or start + incl > trailer:
            if incl > MAX_CAPLEN:
                self.skipped.add("oversized_record", n, f"{incl} captured bytes")
                return
            if start + incl > trailer:
                self.skipped.add("bad_block", n, f"captured length {incl} overruns its block")
                return
            if st[ng.ST_OS_N] == 0:
                st[ng.ST_OS_FIRST], st[ng.ST_OS_LEN], st[ng.ST_OS_SNAP] = n, incl, snap
            st[ng.ST_OS_N] += 1
        if incl < orig:
            if g[L.G_CUT] == 0:
                g[L.G_CUT_FIRST] = n
            g[L.G_CUT] += 1
        fcs = iface.fcs_len
        stop = start + incl if not fcs else start + max(0, min(incl, orig - fcs))
        self._python_frame(n, int(st[ng.ST_LAST_TS]), iface.linktype, block[start:stop], orig, batches)

    def _python_frame(self, n: int, ts: int, linktype: int, data: bytes, orig: int,
                      batches: list[Batch]) -> None:
        """A frame for the Python engine, in capture order; the kernel's flows go first."""
        g = self.t.g
        self.python_frames += 1
        if not g[L.G_ALLPY]:
            self._drain(False, batches)
            g[L.G_ALLPY] = 1
        if g[L.G_PACKETS] == 0:
            g[L.G_FIRST_TS] = ts
        g[L.G_PACKETS] += 1
        g[L.G_BYTES] += orig
        g[L.G_LAST_TS] = ts
        ev = np.zeros((2, L.NE), np.int64)
        ne = 0
        if g[L.G_DETECT] and ts >= g[L.G_NEXT_TICK]:  # as the kernel does (walk)
            ne = tick_event(ev, ne, n, ts)
            g[L.G_NEXT_TICK] = ts + L.TICK_NS
        row = ev[ne]
        row[L.E_KIND], row[L.E_FRAME], row[L.E_TS], row[L.E_DIR] = L.K_LFRAME, n, ts, linktype
        row[L.E_OFF], row[L.E_LEN], row[L.E_ORIG] = 0, len(data), orig
        batches.append((ev[: ne + 1], np.frombuffer(data, np.uint8), NO_RECORDS))

    def _other(self, block: bytes, btype: int, blen: int, n: int) -> None:
        """A block that is not a well-formed packet block (PcapngReader._other_block)."""
        g = self.t.g
        if btype in nb.PACKET_BLOCKS:
            g[L.G_FRAMES] = n + 1
            self.skipped.add("bad_block", n + 1, f"{blen}-byte {nb.block_name(btype)} block is too short")
        elif btype in nb.RECORD_BLOCKS:
            g[L.G_FRAMES] = n + 1
            self.skipped.add("non_packet_record", n + 1, f"{nb.block_name(btype)} block")
        elif btype == nb.BT_IDB:
            self._interface(block, blen, n)
        elif btype == nb.BT_SHB:
            self.interfaces = []
            self.st[ng.ST_NIF] = 0
        elif btype not in nb.KNOWN_OTHER_BLOCKS:
            self.skipped.add("unknown_block_type", n, nb.block_name(btype))

    def _interface(self, block: bytes, blen: int, n: int) -> None:
        if blen < nb.IDB_MIN_LEN:
            self.skipped.add("bad_block", n, f"{blen}-byte interface description is too short")
            iface = nb.Interface(-1, 0, 1000, 1, 0, 0)
        else:
            iface = nb.parse_idb(block, 0, blen, self.endian)
        i = len(self.interfaces)
        self.interfaces.append(iface)
        if i < ng.MAX_IF:
            ok = (iface.linktype == LINKTYPE_ETHERNET and not iface.fcs_len
                  and iface.ts_mul * iface.ts_div < 1 << 62 and abs(iface.ts_offset_ns) < 1 << 62)
            if ok:
                self.ifs[i] = (1, iface.snaplen, iface.ts_mul, iface.ts_div, iface.ts_offset_ns)
            else:
                self.ifs[i] = (0, 0, 1, 1, 0)
            self.st[ng.ST_NIF] = i + 1

    def _stop(self, n: int, offset: int, why: str) -> int:
        self.skipped.add("garbage_after_frame", n, f"{why} at byte {offset} after frame {n}; stopped reading")
        return _STOP

    def _ng_at_end(self, buf: np.ndarray, pos: int, end: int, base: int) -> None:
        rest, n = buf[pos:end].tobytes(), int(self.t.g[L.G_FRAMES])
        if rest:
            if len(rest) < 8:
                detail = f"file ends inside a block header ({len(rest)} bytes)"
                self.skipped.add("truncated_record", n + 1, detail)
            else:
                btype, blen = struct.unpack_from(self.endian + "II", rest)
                frame = n + 1 if btype in nb.PACKET_BLOCKS else n
                detail = f"file ends inside a {nb.block_name(btype)} block ({len(rest)} of {blen} bytes)"
                self.skipped.add("truncated_record", frame, detail)
        self._damage()

    # -- the document -------------------------------------------------------------------
    def _limit(self) -> int:
        return MAX_CAPLEN  # the converter writes no record over it; snaplens are per interface

    def _counted(self, skipped: SkipReport) -> None:
        st = self.st
        skipped.add_count("caplen_over_snaplen", int(st[ng.ST_OS_FIRST]), int(st[ng.ST_OS_N]),
                          f"{int(st[ng.ST_OS_LEN])} bytes, snaplen {int(st[ng.ST_OS_SNAP])}")


def _mapped(f: IO[bytes]) -> mmap.mmap | None:
    """The whole file mapped copy-on-write, when ``f`` is a regular file that mmap can map."""
    try:
        fd = f.fileno()
        if not stat.S_ISREG(os.fstat(fd).st_mode) or os.fstat(fd).st_size <= FILE_HEADER_LEN:
            return None
        return mmap.mmap(fd, 0, access=mmap.ACCESS_COPY)
    except (OSError, ValueError, AttributeError):
        return None  # not a file descriptor (a test's stream), or a file system without mmap


def _big_pipe(fd: int) -> None:
    """A 1 MiB pipe buffer (Linux F_SETPIPE_SZ): fewer wake-ups of the writer and the reader."""
    try:
        import fcntl

        fcntl.fcntl(fd, 1031, PIPE_BYTES)  # F_SETPIPE_SZ
    except (ImportError, OSError):
        pass  # not a pipe, not Linux, or above /proc/sys/fs/pipe-max-size


class Unzipped:
    """A gzip input (:class:`plantwarden.capture.stream.ByteStream`, the Python reader's own
    decompressor, so damage reads the same) as a file the chunked reader fills a buffer from."""

    def __init__(self, stream: ByteStream) -> None:
        self.stream = stream
        self.rest = memoryview(b"")

    def readinto(self, view: memoryview) -> int:
        if not self.rest:
            self.rest = memoryview(self.stream.read())
            if not self.rest:
                return 0
        n = min(len(view), len(self.rest))
        view[:n] = self.rest[:n]
        self.rest = self.rest[n:]
        return n

    def close(self) -> None:
        """The file under it is closed by whoever opened it."""


class Recorder:
    """The raw bytes of standard input that gzip detection consumed, to replay them
    (:class:`Prefixed`) when the kernel cannot read what they decompress to."""

    def __init__(self, head: bytes, raw: IO[bytes]) -> None:
        self.head, self.raw = head, raw
        self.seen: list[bytes] | None = [head]

    def read(self, size: int = -1, /) -> bytes:
        if self.head:
            cut = len(self.head) if size < 0 else size
            out, self.head = self.head[:cut], self.head[cut:]
            return out
        data = self.raw.read(size) or b""
        if self.seen is not None:
            self.seen.append(data)
        return data

    def stop(self) -> bytes:
        """Everything read so far; recording ends."""
        seen, self.seen = b"".join(self.seen or []), None
        return seen


class Opened:
    """An input the kernel reads: ``kind`` "pcap" or "pcapng", the file (or the gzip
    decompressor over it), its first bytes (already read), and the gzip stream if any."""

    def __init__(self, kind: str, f: Any, head: bytes, stream: ByteStream | None, raw: IO[bytes]) -> None:
        self.kind, self.f, self.head, self.stream, self.raw = kind, f, head, stream, raw

    def close(self) -> None:
        self.raw.close()


def _head(f: Any, n: int) -> bytes:
    """Up to ``n`` first bytes (a pipe may hand them out a few at a time)."""
    buf = bytearray(n)
    got = 0
    while got < n:
        k = f.readinto(memoryview(buf)[got:])
        if not k:
            break
        got += k
    return bytes(buf[:got])


def open_input(path: str) -> Opened | Prefixed | None:
    """The input when the kernel can read it; for stdin it cannot read, what to read it
    from (:class:`Prefixed`); else None (the caller opens the file again for Python)."""
    if path == "-":
        _big_pipe(0)
        raw: IO[bytes] = open(0, "rb", buffering=0, closefd=False)  # noqa: SIM115
        name, chunk = STDIN_NAME, STREAM_CHUNK
    else:
        try:
            if not os.path.isfile(path):
                return None
            raw = open(path, "rb", buffering=0)  # noqa: SIM115
        except OSError:
            return None
        name, chunk = path, FILE_CHUNK
    head = consumed = _head(raw, FILE_HEADER_LEN)
    f: Any = raw
    stream = None
    if head[:2] == GZIP_MAGIC:
        recorder = Recorder(head, raw)
        stream = ByteStream(recorder, name, chunk)
        f = Unzipped(stream)
        head = _head(f, FILE_HEADER_LEN)
        consumed = recorder.stop()
    kind = ""
    if head[:4] == nb.SHB_MAGIC:
        kind = "pcapng"
    elif len(head) == FILE_HEADER_LEN and pcap_magic(head) is not None:
        hdr = parse_header(head)
        kind = "pcap" if hdr.linktype == LINKTYPE_ETHERNET and not hdr.fcs_len else ""
    if not kind:
        raw.close()
        return Prefixed(consumed) if path == "-" else None
    return Opened(kind, f, head, stream, raw)


class Prefixed:
    """Standard input whose first bytes were already read: those first, then the rest."""

    def __init__(self, head: bytes) -> None:
        self.head = head
        self.raw = open(0, "rb", buffering=0, closefd=False)  # noqa: SIM115

    def read(self, size: int = -1, /) -> bytes | None:
        """At most ``size`` bytes, as a file gives (gzip on stdin asks for 2, then 8 ...)."""
        if self.head:
            cut = len(self.head) if size < 0 else size
            out, self.head = self.head[:cut], self.head[cut:]
            return out
        return self.raw.read(size)


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
        run = (NgRun if opened.kind == "pcapng" else Run)(name, opened, detector)
        run.run(progress)
    finally:
        opened.close()
    doc = run.document(path, name, digest.hexdigest())
    if run.detection is not None:
        run.detection.finish()
    run.release()
    return doc
