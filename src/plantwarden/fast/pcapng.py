"""pcapng for the kernel: the packet blocks of a chunk rewritten as classic pcap records.

The kernel (:func:`plantwarden.fast.kernel.walk`) walks classic pcap records. Rather than
teach it a second wire format, :func:`convert` walks the blocks of a pcapng chunk
(draft-ietf-opsawg-pcapng §3.1 general block structure, §4.3 Enhanced Packet Block,
§4.4 Simple Packet Block, Appendix A Packet Block) and writes each packet it can vouch for
as a little-endian, nanosecond pcap record (draft-ietf-opsawg-pcap §5) into a second
buffer that the kernel then walks unchanged. The records are never longer than the blocks
they come from (16 bytes of header against at least 16 of block framing), so a buffer as
long as the chunk always holds them; the copy costs one pass over the packet bytes.

It converts only what needs no judgement: a packet block of an Ethernet interface without
FCS whose lengths are sane and whose timestamp fits a pcap record; the Name Resolution,
Interface Statistics and Decryption Secrets blocks are passed over as the Python reader
does. It stops (``NG_BLOCK``) before everything else: a Section Header Block, an Interface
Description Block, a damaged or unknown block, a packet of another link type or one the
Python reader would skip or count. :class:`plantwarden.fast.ngrun.NgRun` handles that one
block in Python with :mod:`plantwarden.capture.pcapng_blocks` (the same rules as
:class:`plantwarden.capture.pcapng.PcapngReader`) and calls :func:`convert` again.
"""

# numba kernels compute with numpy scalar types (np.int64) that stand for ints here:
# mypy: disable-error-code="return-value,arg-type,no-any-return,assignment"

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import numpy as np
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

from plantwarden.capture import pcapng_blocks as nb
from plantwarden.fast.jit import jit

# converter state (int64 st[NST]): byte order of the section (1 = big), interfaces described
# in it, the last packet timestamp (a Simple Packet Block has none of its own), and the
# first "captured length over snaplen" record (count, frame, length, snaplen)
ST_BIG, ST_NIF, ST_LAST_TS, ST_OS_N, ST_OS_FIRST, ST_OS_LEN, ST_OS_SNAP = range(7)
NST = 8
# interface columns (int64 ifs[MAX_IF, NIF]): converted by the kernel (1) or not, snaplen,
# timestamp units to ns (mul, div) and if_tsoffset in ns
IF_OK, IF_SNAP, IF_MUL, IF_DIV, IF_OFF = range(5)
NIF = 5
MAX_IF = 1024  # interfaces of a section the converter knows; packets of later ones go to Python
NG_MORE, NG_BLOCK = 0, 1  # the chunk ends with a partial block / a block for Python at ``pos``

_MAX_CAPLEN = 262144
_PCAP_TS_LIMIT = (1 << 32) * 1_000_000_000  # a pcap record's u32 seconds
_TS_MAX = 1 << 62  # no overflow in the timestamp arithmetic (the interface's mul * div is below it too)
_SHB, _IDB, _PB, _SPB, _EPB = nb.BT_SHB, nb.BT_IDB, nb.BT_PB, nb.BT_SPB, nb.BT_EPB
_NRB, _ISB, _DSB = nb.BT_NRB, nb.BT_ISB, nb.BT_DSB
_MAX_BLOCK = nb.MAX_BLOCK_LEN


@jit(inline="always")
def _u32(b: np.ndarray, o: int, big: bool) -> int:
    b0, b1, b2, b3 = np.int64(b[o]), np.int64(b[o + 1]), np.int64(b[o + 2]), np.int64(b[o + 3])
    if big:
        return (b0 << 24) | (b1 << 16) | (b2 << 8) | b3
    return b0 | (b1 << 8) | (b2 << 16) | (b3 << 24)


@jit(inline="always")
def _u16(b: np.ndarray, o: int, big: bool) -> int:
    b0, b1 = np.int64(b[o]), np.int64(b[o + 1])
    return (b0 << 8) | b1 if big else b0 | (b1 << 8)


@jit(inline="always")
def _put32(d: np.ndarray, o: int, v: int) -> None:
    d[o], d[o + 1], d[o + 2], d[o + 3] = v & 255, (v >> 8) & 255, (v >> 16) & 255, (v >> 24) & 255


def _memcpy(typingctx: Any, dst: Any, doff: Any, src: Any, soff: Any, n: Any) -> Any:
    """``dst[doff:doff + n] = src[soff:soff + n]`` as one memcpy (the buffers never overlap).

    A slice assignment would need the numba runtime (fast.jit), and a byte loop costs three
    times the rest of the conversion: most packets are a hundred bytes or so."""

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        d, do, s, so, count = args
        to = builder.gep(context.make_array(signature.args[0])(context, builder, d).data, [do])
        frm = builder.gep(context.make_array(signature.args[2])(context, builder, s).data, [so])
        memcpy: Any = cgutils.raw_memcpy
        memcpy(builder, to, frm, count, 1)
        return context.get_dummy_value()

    return types.void(dst, doff, src, soff, n), codegen


_copy = cast(Callable[[np.ndarray, int, np.ndarray, int, int], None], intrinsic(_memcpy))


@jit(nogil=True)
def convert(
    src: np.ndarray, pos: int, end: int, dst: np.ndarray, ifs: np.ndarray, st: np.ndarray, frame: int
) -> tuple[int, int, int]:
    """Rewrite the packet blocks of ``src[pos:end]`` as pcap records at ``dst[0:]``.

    ``frame`` is the number of the last frame before ``pos``. Returns (position reached,
    bytes written to ``dst``, NG_MORE or NG_BLOCK)."""
    big = st[ST_BIG] != 0
    nif = min(st[ST_NIF], ifs.shape[0])
    d = 0
    while pos + 12 <= end:
        btype, blen = _u32(src, pos, big), _u32(src, pos + 4, big)
        if btype == _SHB or blen < 12 or blen & 3 or blen > _MAX_BLOCK:
            return pos, d, NG_BLOCK
        nxt = pos + blen
        if nxt > end:
            return pos, d, NG_MORE
        if _u32(src, nxt - 4, big) != blen:
            return pos, d, NG_BLOCK
        stamped = True
        if btype == _EPB and blen >= 32:
            iid, start = _u32(src, pos + 8, big), pos + 28
        elif btype == _SPB and blen >= 16:
            iid, start, stamped = 0, pos + 12, False
        elif btype == _PB and blen >= 32:
            iid, start = _u16(src, pos + 8, big), pos + 28
        elif btype in (_NRB, _ISB, _DSB):
            pos = nxt
            continue
        else:
            return pos, d, NG_BLOCK
        if iid >= nif or not ifs[iid, IF_OK]:
            return pos, d, NG_BLOCK
        snap = ifs[iid, IF_SNAP]
        cap = snap if 0 < snap < _MAX_CAPLEN else _MAX_CAPLEN
        if stamped:
            tsh = _u32(src, pos + 12, big)
            if tsh >= 1 << 31:
                return pos, d, NG_BLOCK
            units = (tsh << 32) | _u32(src, pos + 16, big)
            mul, div = ifs[iid, IF_MUL], ifs[iid, IF_DIV]
            if div == 1:  # µs or ns, the common case: no division
                if units > _TS_MAX // mul:
                    return pos, d, NG_BLOCK
                ts = units * mul + ifs[iid, IF_OFF]
            else:
                if units // div > _TS_MAX // mul:
                    return pos, d, NG_BLOCK
                ts = units // div * mul + units % div * mul // div + ifs[iid, IF_OFF]
            if ts < 0 or ts >= _PCAP_TS_LIMIT:
                return pos, d, NG_BLOCK
            incl, orig = _u32(src, pos + 20, big), _u32(src, pos + 24, big)
        else:
            ts, orig = st[ST_LAST_TS], _u32(src, pos + 8, big)
            incl = min(orig, nxt - 4 - start, snap if snap else _MAX_CAPLEN)
        if incl > cap:
            if incl > _MAX_CAPLEN or start + incl > nxt - 4:
                return pos, d, NG_BLOCK  # skipped by the Python reader, with a report
            if st[ST_OS_N] == 0:
                st[ST_OS_FIRST], st[ST_OS_LEN], st[ST_OS_SNAP] = frame + 1, incl, snap
            st[ST_OS_N] += 1
        elif start + incl > nxt - 4:
            return pos, d, NG_BLOCK
        st[ST_LAST_TS] = ts
        frame += 1
        _put32(dst, d, ts // 1_000_000_000)
        _put32(dst, d + 4, ts % 1_000_000_000)
        _put32(dst, d + 8, incl)
        _put32(dst, d + 12, orig)
        _copy(dst, d + 16, src, start, incl)
        d += 16 + incl
        pos = nxt
    return pos, d, NG_MORE
