"""A pcapng capture through the kernel (:class:`NgRun`): the packet blocks converted to pcap
records by :func:`plantwarden.fast.pcapng.convert`, every other block handled here by the
rules of the Python reader (:class:`plantwarden.capture.pcapng.PcapngReader`)."""

from __future__ import annotations

import contextlib
import mmap
import struct
from typing import TYPE_CHECKING

import numpy as np

from plantwarden.capture import pcapng_blocks as nb
from plantwarden.capture.pcap import MAX_CAPLEN
from plantwarden.capture.records import LINKTYPE_ETHERNET, SUPPORTED_LINKTYPES, SkipReport
from plantwarden.fast import inputs
from plantwarden.fast import layout as L
from plantwarden.fast import pcapng as ng
from plantwarden.fast.backlog import Backlog
from plantwarden.fast.engine import NO_BYTES, NO_RECORDS, Batch, Run, nbytes
from plantwarden.fast.inputs import Opened
from plantwarden.fast.watchk import tick_event

if TYPE_CHECKING:
    from plantwarden.detect.engine import Detector
    from plantwarden.fast.learning import KernelLearner


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

    def __init__(self, name: str, src: Opened, detector: Detector | None = None,
                 learner: KernelLearner | None = None) -> None:
        super().__init__(name, src, detector, learner)
        self.endian = "<"
        self.st = np.zeros(ng.NST, np.int64)
        self.ifs = np.zeros((ng.MAX_IF, ng.NIF), np.int64)
        self.interfaces: list[nb.Interface] = []
        self.dst = NO_BYTES
        self.head = src.head
        self.python_frames = 0  # packets the kernel could not take (another link type, FCS ...)

    # -- reading ------------------------------------------------------------------------
    def _walk_all(self, backlog: Backlog) -> None:
        mapped = inputs.map_file(self.f) if self.stream is None else None
        if mapped is not None:
            try:
                self._walk_ngmapped(backlog, mapped)
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
            if not backlog.put((batches, self.size), nbytes(batches)):
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

    def _walk_ngmapped(self, backlog: Backlog, mm: mmap.mmap) -> None:
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
            if not backlog.put((batches, self.size), nbytes(batches)):
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
