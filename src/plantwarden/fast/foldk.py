"""Learning's request records mapped and folded in numba (issue 19): one pass each, in order.

:class:`plantwarden.fast.learning.KernelLearner` maps the kernel's request records
(layout.LK_REQ) to the learner's channel and symbol ids and counts their codes;
:class:`plantwarden.fast.learnrec.Folded` folds (channel id, symbol id, ts) rows into the
timing a baseline learns. Each is a loop over the records in capture order with
open-addressing tables (fast.tables); Python only names what is new (a pair of addresses
and a protocol, a symbol key's text), once each. The caller sizes every table and array
before a call (at most half full after it), so no call allocates or overflows.
"""

# numba kernels compute with numpy scalar types (np.int64) that stand for ints here:
# mypy: disable-error-code="return-value,arg-type,no-any-return,assignment"

from __future__ import annotations

import numpy as np

from plantwarden.fast import layout as L
from plantwarden.fast.jit import jit
from plantwarden.fast.tables import OCCUPIED, find_or_add

ADDR_BITS, PROTO_BITS = 22, 5  # address ids (layout.ADDR_CAP), kernel protocol ids (layout.P_*)
SYM_BITS = 31  # symbol ids in a transition's key
_SYM_MASK = np.uint64((1 << SYM_BITS) - 1)


@jit(nogil=True)
def map_pairs(recs: np.ndarray, pkeys: np.ndarray, pg: np.ndarray, slots: np.ndarray,
              new: np.ndarray) -> int:
    """Each record's (client, server, protocol) slot in ``pkeys`` (into ``slots``); the index of
    the first record of each pair not in the table yet into ``new``, their count returned."""
    n = 0
    for i in range(recs.shape[0]):
        key = ((recs[i, L.RC_A] << (ADDR_BITS + PROTO_BITS)) | (recs[i, L.RC_B] << PROTO_BITS)
               | (recs[i, L.RC_PB] >> 24))
        slot = find_or_add(pkeys, np.uint64(key), OCCUPIED, pg, 0)
        if slot < 0:
            slot = -slot - 1
            new[n] = i
            n += 1
        slots[i] = slot
    return n


@jit(nogil=True)
def map_symbols(recs: np.ndarray, chans: np.ndarray, skeys: np.ndarray, sval: np.ndarray, sg: np.ndarray,
                key_of: np.ndarray, syms: np.ndarray) -> None:
    """Each record's symbol id (into ``syms``) by (symbol key, channel): ids are given in
    the order symbols first appear (``sg[0]`` of them), ``key_of[id]`` is the id's key."""
    for i in range(recs.shape[0]):
        syms[i] = symbol_id(skeys, sval, sg, key_of, np.uint64(recs[i, L.RC_SYM]), chans[i])


@jit(inline="always")
def symbol_id(skeys: np.ndarray, sval: np.ndarray, sg: np.ndarray, key_of: np.ndarray, h: np.uint64,
              chan: int) -> int:
    """The id of symbol key ``h`` in channel ``chan`` (a new one when not seen yet)."""
    slot = find_or_add(skeys, h, OCCUPIED | np.uint64(chan), sg, 0)
    if slot < 0:
        slot = -slot - 1
        sval[slot, 0] = sg[0] - 1
        key_of[sg[0] - 1] = h
    return sval[slot, 0]


@jit()
def one_symbol(skeys: np.ndarray, sval: np.ndarray, sg: np.ndarray, key_of: np.ndarray, h: np.uint64,
               chan: int) -> int:
    """:func:`symbol_id` from Python (a request the Python decoders saw)."""
    return symbol_id(skeys, sval, sg, key_of, h, chan)


@jit(nogil=True)
def count_codes(recs: np.ndarray, chans: np.ndarray, ckeys: np.ndarray, cg: np.ndarray,
                at: np.ndarray, first: np.ndarray, counts: np.ndarray) -> int:
    """Records grouped by (channel, label, unit, point range), in the order each first
    appears: its first record into ``first``, its count into ``counts``; the groups' count
    returned (``at``: scratch, a group's index by slot)."""
    n = 0
    for i in range(recs.shape[0]):
        k0 = (np.uint64(chans[i]) << np.uint64(32)) | np.uint64(recs[i, L.RC_PB] & 0xFFFFFFFF)
        shape = ((recs[i, L.RC_X] + 1) << 42) | ((recs[i, L.RC_Y] + 1) << 21) | (recs[i, L.RC_Z] + 1)
        slot = find_or_add(ckeys, k0, OCCUPIED | np.uint64(shape), cg, 0)
        if slot < 0:
            at[-slot - 1] = n
            first[n], counts[n] = i, 1
            n += 1
        else:
            counts[at[slot]] += 1
    return n


@jit(nogil=True)
def fold(chans: np.ndarray, syms: np.ndarray, ts_ns: np.ndarray, requests: np.ndarray,
         last_new: np.ndarray, prev: np.ndarray, owner: np.ndarray, last_ts: np.ndarray,
         nint: np.ndarray, tkeys: np.ndarray, tg: np.ndarray, iv_sym: np.ndarray, iv_val: np.ndarray,
         max_intervals: int) -> None:
    """The learner's ``_timing`` of each row in order: the channel's request count, its
    transitions (keys (channel, previous << SYM_BITS | symbol); ``last_new``: the request that
    added the last new one), each symbol's first ``max_intervals`` intervals (appended to
    ``iv_sym``/``iv_val``, ``tg[1]`` of them) as the same doubles (``ts_ns / 1e9``, then the
    difference; ``last_ts`` NaN: none yet)."""
    for i in range(chans.shape[0]):
        c, s = chans[i], syms[i]
        ts = np.float64(ts_ns[i]) / 1e9
        requests[c] += 1
        owner[s] = c
        p = prev[c]
        if p >= 0:
            k1 = OCCUPIED | (np.uint64(p) << np.uint64(SYM_BITS)) | np.uint64(s)
            if find_or_add(tkeys, np.uint64(c), k1, tg, 0) < 0:
                last_new[c] = requests[c]
        prev[c] = s
        last = last_ts[s]
        if last == last and nint[s] < max_intervals:
            n = tg[1]
            iv_sym[n], iv_val[n] = s, ts - last
            tg[1] = n + 1
            nint[s] += 1
        last_ts[s] = ts


def transition_rows(tkeys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(channel, previous symbol, symbol) of every transition in the table."""
    used = tkeys[:, 1] != 0
    k1 = tkeys[used, 1] & ~OCCUPIED
    return (tkeys[used, 0].astype(np.int64), (k1 >> np.uint64(SYM_BITS)).astype(np.int64),
            (k1 & _SYM_MASK).astype(np.int64))


def table(entries: int) -> np.ndarray:
    """Keys of an open-addressing table at most half full with ``entries``."""
    cap = 16
    while cap < 2 * entries + 2:
        cap *= 2
    return np.zeros((cap, 2), np.uint64)


def room(keys: np.ndarray, rows: np.ndarray, count: int, more: int) -> tuple[np.ndarray, np.ndarray]:
    """``keys`` and their ``rows`` (one per slot) as they are, or larger copies (rehashed)
    with room for ``more`` entries."""
    if 2 * (count + more) + 2 <= keys.shape[0]:
        return keys, rows
    from plantwarden.fast.tables import rehash

    bigger = table(count + more)
    nrows = np.zeros((bigger.shape[0], rows.shape[1]), rows.dtype)
    rehash(keys, rows, bigger, nrows)
    return bigger, nrows
