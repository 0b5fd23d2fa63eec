"""Events the kernel writes for the Python side, in capture order (see layout.E_*)."""

# numba kernels compute with numpy scalar types (np.int64) that stand for ints here:
# mypy: disable-error-code="return-value,arg-type,no-any-return,assignment"

from __future__ import annotations

import numpy as np

from plantwarden.fast import layout as L
from plantwarden.fast.jit import jit


@jit()
def py_frame(ev: np.ndarray, ne: int, frame: int, ts: int, off: int, n: int, orig: int) -> int:
    ev[ne, L.E_KIND], ev[ne, L.E_FRAME], ev[ne, L.E_TS] = L.K_FRAME, frame, ts
    ev[ne, L.E_OFF], ev[ne, L.E_LEN], ev[ne, L.E_ORIG] = off, n, orig
    return ne + 1


@jit()
def flow_event(ev: np.ndarray, ne: int, kind: int, fl: np.ndarray, fkey: np.ndarray, i: int,
               frame: int, ts: int) -> int:
    """An event carrying a snapshot of flow row ``i`` (client/server from the key)."""
    a, bb = np.int64(fkey[i, 0] >> np.uint64(32)), np.int64(fkey[i, 0] & np.uint64(0xFFFFFFFF))
    ports = np.int64(fkey[i, 1] & np.uint64(0xFFFFFFFF))
    pa, pb = ports >> 16, ports & 0xFFFF
    row = fl[i]
    if row[L.F_CLIENT_IS_A]:
        ev[ne, L.E_CLIENT], ev[ne, L.E_CPORT], ev[ne, L.E_SERVER], ev[ne, L.E_SPORT] = a, pa, bb, pb
    else:
        ev[ne, L.E_CLIENT], ev[ne, L.E_CPORT], ev[ne, L.E_SERVER], ev[ne, L.E_SPORT] = bb, pb, a, pa
    ev[ne, L.E_KIND], ev[ne, L.E_FRAME], ev[ne, L.E_TS] = kind, frame, ts
    ev[ne, L.E_SERIAL], ev[ne, L.E_PROTO] = row[L.F_SERIAL], row[L.F_PROTO]
    ev[ne, L.E_FIRST], ev[ne, L.E_LAST] = row[L.F_FIRST], row[L.F_LAST]
    ev[ne, L.E_PK0], ev[ne, L.E_PK1], ev[ne, L.E_BY0], ev[ne, L.E_BY1] = (
        row[L.F_PK0], row[L.F_PK1], row[L.F_BY0], row[L.F_BY1])
    ev[ne, L.E_SYN], ev[ne, L.E_STATE], ev[ne, L.E_FINS] = row[L.F_SYN], row[L.F_STATE], row[L.F_FINS]
    ev[ne, L.E_NSEQ0], ev[ne, L.E_NSEQ1] = row[L.F_NSEQ0], row[L.F_NSEQ1]
    ev[ne, L.E_SKEY], ev[ne, L.E_SLABEL], ev[ne, L.E_SAUX] = row[L.F_SKEY], row[L.F_SLABEL], row[L.F_SAUX]
    ev[ne, L.E_SKEY2], ev[ne, L.E_SLABEL2] = row[L.F_SKEY2], row[L.F_SLABEL2]
    ev[ne, L.E_SAUX2] = row[L.F_SAUX2]
    ev[ne, L.E_UDP] = np.int64((fkey[i, 1] >> np.uint64(32)) & np.uint64(1))
    return ne + 1


@jit(nogil=True)
def gather(buf: np.ndarray, ev: np.ndarray, out: np.ndarray) -> int:
    """Copy the bytes of every frame and PDU event of ``ev`` from ``buf`` into ``out`` and
    point the events at ``out``: the batch no longer needs the read buffer. Returns the bytes
    used (``out`` has room for the sum of the events' lengths)."""
    k = 0
    for i in range(ev.shape[0]):
        kind = ev[i, L.E_KIND]
        if kind == L.K_FRAME or kind == L.K_PDU:
            o, n = ev[i, L.E_OFF], ev[i, L.E_LEN]
            for j in range(n):
                out[k + j] = buf[o + j]
            ev[i, L.E_OFF] = k
            k += n
    return k
