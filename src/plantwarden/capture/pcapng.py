"""pcapng files (draft-ietf-opsawg-pcapng; layouts in :mod:`.pcapng_blocks`).

Blocks are walked in large chunks like classic pcap. Every Enhanced, Simple or (obsolete)
Packet Block counts as one frame, as Wireshark numbers them. A new Section Header Block
starts a new section: its byte order may differ and its interfaces replace the old ones.

Damage handling: a block whose length is sane (>= 12, a multiple of 4, <= 16 MiB, equal to
the trailing copy) frames itself, so a block with a bad body is skipped and the walk goes
on. A block whose length is not sane leaves no safe place to go on from: reading stops
there (``garbage_after_frame``).
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from typing import Any

from plantwarden.capture import pcapng_blocks as nb
from plantwarden.capture.records import SUPPORTED_LINKTYPES, RawFrame, SkipReport
from plantwarden.capture.stream import ByteStream

MAX_CAPLEN = 262144

# Per-interface values the packet loop keeps in locals: linktype (-1 = unusable), snaplen,
# ts_mul, ts_div, ts_offset_ns, fcs_len.
_Params = tuple[int, int, int, int, int, int]
_NONE: _Params = (-1, 0, 1, 1, 0, 0)
_SHB, _IDB, _PB, _SPB, _EPB = nb.BT_SHB, nb.BT_IDB, nb.BT_PB, nb.BT_SPB, nb.BT_EPB
_MAX_BLOCK = nb.MAX_BLOCK_LEN
_PAD = bytes(16)
_Unpack = Callable[[bytes, int], tuple[Any, ...]]


class PcapngReader:
    """Walks the blocks of one pcapng stream; damage is counted, never raised."""

    def __init__(self, stream: ByteStream, skipped: SkipReport) -> None:
        self.stream = stream
        self.skipped = skipped
        self.frames_seen = 0
        self.interfaces: list[nb.Interface] = []
        self._endian = "<"
        self._base = 0  # file offset of the current buffer's first byte
        self._unusable = ("", "")  # skip reason and detail of the current unusable interface

    def frames(self) -> Iterator[RawFrame]:
        """Every usable packet in file order."""
        return self._walk(self.stream.read() + _PAD)

    def _walk(self, buf: bytes) -> Iterator[RawFrame]:
        read, frame, add = self.stream.read, RawFrame, self.skipped.add
        head, u32, pb_iid = _structs(self._endian)
        lt, snap, mul, div, off, fcs = _NONE
        cur_iid, lim, last_ts = -1, 0, 0
        n = pos = cut = cut_first = 0
        try:
            while True:
                end = len(buf) - len(_PAD)  # the padding lets one unpack read 28 bytes anywhere
                while pos + 12 <= end:
                    btype, blen, iid, tsh, tsl, incl, orig = head(buf, pos)
                    if btype == _SHB:
                        if pos + nb.SHB_MIN_LEN > end:
                            break
                        if not self._section(buf, pos, n):
                            return
                        head, u32, pb_iid = _structs(self._endian)
                        btype, blen, iid, tsh, tsl, incl, orig = head(buf, pos)
                    if blen < 12 or blen & 3 or blen > _MAX_BLOCK:
                        self._stop(n, pos, f"impossible block length {blen}")
                        return
                    nxt = pos + blen
                    if nxt > end:
                        break
                    if u32(buf, nxt - 4)[0] != blen:
                        self._stop(n, pos, "block length and its trailing copy differ")
                        return
                    if btype == _EPB and blen >= 32:
                        start = pos + 28
                    elif btype == _SPB and blen >= 16:
                        iid, tsh, orig, incl = 0, -1, iid, -1  # SPB: original length where EPB has the id
                        start = pos + 12
                    elif btype == _PB and blen >= 32:
                        iid = pb_iid(buf, pos + 8)[0]  # PB: 16-bit id, then a drop count
                        start = pos + 28
                    else:
                        n = self._other_block(buf, pos, btype, blen, n)
                        cur_iid = -1 if btype in (_IDB, _SHB) else cur_iid
                        pos = nxt
                        continue
                    n += 1
                    pos = nxt
                    if iid != cur_iid:
                        lt, snap, mul, div, off, fcs = self._params(iid)
                        cur_iid, lim = iid, min(snap or MAX_CAPLEN, MAX_CAPLEN)
                    if lt < 0:
                        add(self._unusable[0], n, self._unusable[1])
                        continue
                    if tsh >= 0:
                        last_ts = ((tsh << 32 | tsl) * mul) // div + off
                    else:
                        incl = min(orig, nxt - 4 - start, snap or MAX_CAPLEN)
                    if (incl > lim or start + incl > nxt - 4) and not self._odd(incl, snap, start, nxt, n):
                        continue
                    if incl < orig:
                        cut_first = cut_first or n
                        cut += 1
                    stop = start + incl if not fcs else start + max(0, min(incl, orig - fcs))
                    yield frame(n, last_ts, lt, buf[start:stop], orig)
                more = read()
                if not more:
                    break
                self._base += pos
                buf = buf[pos:end] + more + _PAD if pos < end else more + _PAD
                pos = 0
            self._at_end(buf[pos:end], n)
        finally:
            self.frames_seen = n
            self.skipped.add_count("cut_by_snaplen", cut_first, cut, "captured length < original length")

    def _other_block(self, buf: bytes, pos: int, btype: int, blen: int, n: int) -> int:
        """Handle a block that is not a well-formed packet block; returns the frame count after it."""
        if btype in nb.PACKET_BLOCKS:
            self.skipped.add("bad_block", n + 1, f"{blen}-byte {nb.block_name(btype)} block is too short")
            return n + 1
        if btype in nb.RECORD_BLOCKS:  # a frame number in Wireshark, though no packet
            self.skipped.add("non_packet_record", n + 1, f"{nb.block_name(btype)} block")
            return n + 1
        if btype == _IDB:
            self._interface(buf, pos, blen, n)
        elif btype == _SHB:
            self.interfaces = []
        elif btype not in nb.KNOWN_OTHER_BLOCKS:
            self.skipped.add("unknown_block_type", n, nb.block_name(btype))
        return n

    def _odd(self, incl: int, snap: int, start: int, nxt: int, n: int) -> bool:
        """Count a packet whose length is out of the ordinary; True if it is still usable."""
        if incl > MAX_CAPLEN:
            self.skipped.add("oversized_record", n, f"{incl} captured bytes")
            return False
        if start + incl > nxt - 4:
            self.skipped.add("bad_block", n, f"captured length {incl} overruns its block")
            return False
        self.skipped.add("caplen_over_snaplen", n, f"{incl} bytes, snaplen {snap}")
        return True

    def _section(self, buf: bytes, pos: int, n: int) -> bool:
        """Take the byte order of the Section Header Block at ``pos``; False if it is unusable."""
        endian = nb.section_endian(buf, pos)
        if endian is None:
            self._stop(n, pos, "section header without a byte-order magic")
            return False
        major, minor = nb.section_version(buf, pos, endian)
        if major != 1:
            detail = f"pcapng version {major}.{minor} at byte {self._base + pos}; stopped reading"
            self.skipped.add("unsupported_version", n, detail)
            return False
        self._endian = endian
        return True

    def _interface(self, buf: bytes, pos: int, blen: int, n: int) -> None:
        if blen < nb.IDB_MIN_LEN:
            self.skipped.add("bad_block", n, f"{blen}-byte interface description is too short")
            blen = 0  # still an interface: the numbering of those after it must not shift
        iface = nb.parse_idb(buf, pos, blen, self._endian) if blen else nb.Interface(-1, 0, 1000, 1, 0, 0)
        self.interfaces.append(iface)

    def _params(self, iid: int) -> _Params:
        """The packet-loop values of interface ``iid``; linktype -1 (and why) if its frames are unusable."""
        if iid >= len(self.interfaces):
            self._unusable = ("unknown_interface", f"interface {iid} was never described")
            return _NONE
        iface = self.interfaces[iid]
        if iface.linktype not in SUPPORTED_LINKTYPES:
            self._unusable = ("unknown_linktype", f"linktype {iface.linktype} (interface {iid})")
            return _NONE
        return (iface.linktype, iface.snaplen, iface.ts_mul, iface.ts_div, iface.ts_offset_ns, iface.fcs_len)

    def _stop(self, n: int, pos: int, why: str) -> None:
        detail = f"{why} at byte {self._base + pos} after frame {n}; stopped reading"
        self.skipped.add("garbage_after_frame", n, detail)

    def _at_end(self, rest: bytes, n: int) -> None:
        if rest:
            if len(rest) < 8:
                detail = f"file ends inside a block header ({len(rest)} bytes)"
                self.skipped.add("truncated_record", n + 1, detail)
            else:
                btype, blen = struct.unpack_from(self._endian + "II", rest)
                frame = n + 1 if btype in nb.PACKET_BLOCKS else n
                detail = f"file ends inside a {nb.block_name(btype)} block ({len(rest)} of {blen} bytes)"
                self.skipped.add("truncated_record", frame, detail)
        if self.stream.damage:
            self.skipped.add("input_damaged", n + 1, self.stream.damage)


def _structs(endian: str) -> tuple[_Unpack, _Unpack, _Unpack]:
    """Unpackers, in a section's byte order, of a block's first 28 bytes (header and EPB fields
    after it), of one u32, and of a Packet Block's 16-bit interface id."""
    mk = struct.Struct
    return mk(endian + "7I").unpack_from, mk(endian + "I").unpack_from, mk(endian + "H").unpack_from
