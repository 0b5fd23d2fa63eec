"""Open-addressing hash tables in numpy arrays, for the numba kernel.

Linear probing on power-of-two tables; flows are deleted with backward-shift deletion
(Knuth, TAOCP vol. 3, 6.4 algorithm R) so no tombstones pile up and memory stays flat.
Addresses and conversation counters are never deleted.
"""

# numba kernels compute with numpy scalar types (np.int64) that stand for ints here:
# mypy: disable-error-code="return-value,arg-type,no-any-return,assignment"

from __future__ import annotations

import numpy as np

from plantwarden.fast.jit import jit
from plantwarden.fast.layout import (
    ADDR_CAP,
    BIND_CAP,
    CONV_CAP,
    EDGE_CAP,
    EVENT_CAP,
    FLOW_CAP,
    G_ADDRS,
    G_BINDS,
    G_CONVS,
    G_DETECT,
    G_EDGES,
    G_FLOWS,
    G_LEARN,
    MAX_SEG_PDUS,
    NE,
    NF,
    NG,
    SEEN_CAP,
    START_CAP,
)

OCCUPIED = np.uint64(1) << np.uint64(63)


@jit(inline="always")
def mix(a: np.uint64, b: np.uint64) -> np.uint64:
    """A 64-bit finaliser (splitmix64) over two words."""
    x = a ^ (b * np.uint64(0x9E3779B97F4A7C15))
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


@jit(inline="always")
def find_or_add(keys: np.ndarray, k0: np.uint64, k1: np.uint64, g: np.ndarray, gcount: int) -> int:
    """Slot of (k0, k1) in ``keys`` (k1 carries the OCCUPIED bit); inserts when absent.
    Returns -(slot + 1) for a new entry."""
    mask = keys.shape[0] - 1
    i = np.int64(mix(k0, k1)) & mask
    while True:
        if keys[i, 1] == 0:
            keys[i, 0] = k0
            keys[i, 1] = k1
            g[gcount] += 1
            return -(i + 1)
        if keys[i, 0] == k0 and keys[i, 1] == k1:
            return i
        i = (i + 1) & mask


@jit(inline="always")
def find(keys: np.ndarray, k0: np.uint64, k1: np.uint64) -> int:
    """Slot of (k0, k1), or -1."""
    mask = keys.shape[0] - 1
    i = np.int64(mix(k0, k1)) & mask
    while True:
        if keys[i, 1] == 0:
            return -1
        if keys[i, 0] == k0 and keys[i, 1] == k1:
            return i
        i = (i + 1) & mask


@jit()
def delete(keys: np.ndarray, rows: np.ndarray, i: int) -> None:
    """Remove slot ``i`` and shift later members of its cluster back (no tombstones)."""
    mask = keys.shape[0] - 1
    j = i
    while True:
        keys[i, 0] = 0
        keys[i, 1] = 0
        while True:
            j = (j + 1) & mask
            if keys[j, 1] == 0:
                return
            home = np.int64(mix(keys[j, 0], keys[j, 1])) & mask
            # keep j where it is if its home lies cyclically in (i, j]
            if (i <= j and i < home <= j) or (i > j and (home > i or home <= j)):
                continue
            break
        keys[i, 0] = keys[j, 0]
        keys[i, 1] = keys[j, 1]
        for c in range(rows.shape[1]):  # element-wise: a slice copy needs the numba runtime
            rows[i, c] = rows[j, c]
        i = j


@jit()
def rehash(keys: np.ndarray, rows: np.ndarray, nkeys: np.ndarray, nrows: np.ndarray) -> None:
    """Move every entry of (keys, rows) into the larger (nkeys, nrows)."""
    mask = nkeys.shape[0] - 1
    for i in range(keys.shape[0]):
        if keys[i, 1] != 0:
            j = np.int64(mix(keys[i, 0], keys[i, 1])) & mask
            while nkeys[j, 1] != 0:
                j = (j + 1) & mask
            nkeys[j, 0], nkeys[j, 1] = keys[i, 0], keys[i, 1]
            for c in range(rows.shape[1]):
                nrows[j, c] = rows[i, c]


@jit()
def rehash_addr(akey: np.ndarray, nkey: np.ndarray) -> None:
    """Address index rows are [hi, lo, kind | OCCUPIED, id]; ids never change."""
    mask = nkey.shape[0] - 1
    for i in range(akey.shape[0]):
        if akey[i, 2] != 0:
            j = np.int64(mix(akey[i, 0] ^ (akey[i, 2] & np.uint64(0xFF)), akey[i, 1])) & mask
            while nkey[j, 2] != 0:
                j = (j + 1) & mask
            for c in range(4):
                nkey[j, c] = akey[i, c]


def _grown(keys: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    nkeys = np.zeros((keys.shape[0] * 2, keys.shape[1]), keys.dtype)
    nrows = np.zeros((rows.shape[0] * 2, rows.shape[1]), rows.dtype)
    rehash(keys, rows, nkeys, nrows)
    return nkeys, nrows


class Tables:
    """Every array the kernel reads and writes, allocated once per capture."""

    def __init__(self) -> None:
        self.g = np.zeros(NG, np.int64)
        self.fkey = np.zeros((START_CAP, 2), np.uint64)
        self.fl = np.zeros((START_CAP, NF), np.int64)
        self.akey = np.zeros((START_CAP, 4), np.uint64)  # index: hi, lo, kind | OCCUPIED, id
        self.aval = np.zeros((ADDR_CAP, 3), np.uint64)  # by id: hi, lo, kind
        self.ckey = np.zeros((START_CAP, 2), np.uint64)
        self.cval = np.zeros((START_CAP, 4), np.int64)
        self.bkey = np.zeros((START_CAP, 2), np.uint64)  # (MAC id, IP id) -> packets, first/last ts, frame
        self.bval = np.zeros((START_CAP, 6), np.int64)  # and, for detection: answered, origin TTL seen
        self.ekey = np.zeros((START_CAP, 2), np.uint64)  # (client, server, port, proto) -> flow totals
        self.edges = np.zeros((START_CAP, 5), np.int64)  # flows, packets, bytes, first ts, last ts
        self.seen = np.zeros((SEEN_CAP, 2), np.uint64)
        self.ev = np.zeros((EVENT_CAP, NE), np.int64)
        self.svc = np.zeros(65536, np.uint8)  # ports some protocol registers (client guess): SVC_* bits
        self.kport = np.zeros(65536, np.int64)  # server port -> kernel protocol id (TCP; UDP << 8)
        self.r = np.zeros(16, np.int64)  # work arrays of the kernel: parsed frame, pairing slot,
        self.tmp = np.zeros(8, np.int64)  # PDUs of the segment being judged
        self.scratch = np.zeros((MAX_SEG_PDUS, 13), np.int64)  # see segment._judge
        from plantwarden.fast.watchk import empty_tables, state_arrays

        self.w = empty_tables() + state_arrays(False)  # detection (fast.watchk.W_*); see watch()

    @classmethod
    def released(cls) -> Tables:
        """What a finished run keeps in place of its tables: the counters alone (a run reads
        nothing else once its document is made)."""
        t = cls.__new__(cls)
        t.g = np.zeros(NG, np.int64)
        return t

    def watch(self, tables: tuple[np.ndarray, ...], site: bool) -> None:
        """Detection on: the baseline's tables (fast.watch.Watch.arrays) and the kernel's state."""
        from plantwarden.fast.watchk import state_arrays

        self.w = tables + state_arrays(True)
        self.g[G_DETECT] = 2 if site else 1

    def learn(self, labels: tuple[np.ndarray, ...]) -> None:
        """Learning on: the label tables (fast.watch.label_tables) and the kernel's record state."""
        from plantwarden.fast.watchk import W_LABK, empty_tables, state_arrays

        empty = empty_tables()
        self.w = empty[:W_LABK] + labels + state_arrays(True)
        self.g[G_LEARN] = 1

    def grow(self) -> bool:
        """Double every table that is more than half full; False when one is at its limit."""
        g = self.g
        if g[G_FLOWS] * 2 > self.fkey.shape[0]:
            if self.fkey.shape[0] >= FLOW_CAP:
                return False
            self.fkey, self.fl = _grown(self.fkey, self.fl)
        if g[G_CONVS] * 2 > self.ckey.shape[0]:
            if self.ckey.shape[0] >= CONV_CAP:
                return False
            self.ckey, self.cval = _grown(self.ckey, self.cval)
        if g[G_BINDS] * 2 > self.bkey.shape[0]:
            if self.bkey.shape[0] >= BIND_CAP:
                return False
            self.bkey, self.bval = _grown(self.bkey, self.bval)
        if (g[G_EDGES] + 1) * 2 > self.ekey.shape[0]:  # kernel.room: one more must fit
            if self.ekey.shape[0] >= EDGE_CAP:
                return False
            self.ekey, self.edges = _grown(self.ekey, self.edges)
        if g[G_ADDRS] * 2 > self.akey.shape[0]:
            if self.akey.shape[0] >= ADDR_CAP:
                return False
            nkey = np.zeros((self.akey.shape[0] * 2, 4), np.uint64)
            rehash_addr(self.akey, nkey)
            self.akey = nkey
        return True
