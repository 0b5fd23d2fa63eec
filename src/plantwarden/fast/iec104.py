"""IEC 60870-5-104 APDUs counted in the kernel (numba).

Framing as ``protocols.iec104.wire.apdu_length`` (IEC 60870-5-104 §5.1) for APDUs that start
with the start character (anything before it hands the flow to Python, which reports the
garbage). Counted, because the Python session (``protocols.iec104.session``) gives them a
name and class fixed by their code and no anomaly:

- S-format acknowledgements (``S``);
- U-format STARTDT/STOPDT/TESTFR act and con (``U:0x01`` .. ``U:0x20``);
- I-format monitoring ASDUs (type 1-21, 30-40) with a plain cause (periodic, background,
  spontaneous, requested, interrogated, counter interrogated), neither P/N nor T set, at
  least one object and the length their element size fixes (``wire.object_offsets``), in
  N(S) order.

Everything else (commands, activations and their confirmations, unknown types and U
functions, sequence gaps, lengths above 253) goes to the session, as does one monitoring
ASDU in 4096 (its point values, as the other protocols sample reads). The session checks
N(S) per direction, so the kernel keeps the next expected N(S) of each direction in the
flow's pairing slot (``T_LABEL`` towards the server, ``T_AUX`` towards the client, each + 1,
0 = none yet), and every I-format APDU it routes first primes the session with them
(``A_PRIME_ROUTE``; ``fast.bridge`` sets the session's ``_next_seq``). With detection on,
every APDU goes to the session (the baseline's rules read them there); learning counts them
as without detection, and writes a record for each request among them (``S``, ``U`` act:
``fast.watch._request_mode``).
"""

# numba kernels compute with numpy scalar types (np.int64) that stand for ints here:
# mypy: disable-error-code="return-value,arg-type,no-any-return,assignment"

from __future__ import annotations

import numpy as np

from plantwarden.fast.jit import jit
from plantwarden.fast.layout import A_COUNT, A_PRIME_ROUTE, A_ROUTE, G_DETECT, P_IEC104
from plantwarden.fast.protos import T_LABEL, sampled, u16le
from plantwarden.protocols.iec104 import wire

KIND_I, KIND_S, KIND_U = 1, 2, 3
SEQ_MOD = 1 << 15
_U_KNOWN = (0x01, 0x02, 0x04, 0x08, 0x10, 0x20)
# element size of the monitoring types the kernel counts (wire.ELEMENT_SIZE), 0 = not counted
_SIZE = np.zeros(256, np.int64)
for _t, _s in wire.ELEMENT_SIZE.items():
    if _t < 41:
        _SIZE[_t] = _s


def label(kind: int, code: int) -> int:
    return (P_IEC104 << 24) | (kind << 16) | code


@jit()
def iec104_frame(b: np.ndarray, off: int, n: int) -> int:
    if n < wire.APCI_LEN:
        return 0
    if b[off] != wire.START or b[off + 1] < wire.APDU_MIN_LEN:
        return -1
    return np.int64(b[off + 1]) + 2


@jit()
def iec104_probe(b: np.ndarray, o: int, n: int) -> bool:
    """``Iec104Spec.probe``: exactly STARTDT/TESTFR act, or the start of an I/S APDU."""
    if n < wire.APCI_LEN or b[o] != wire.START:
        return False
    length = np.int64(b[o + 1])
    if length < wire.APDU_MIN_LEN or length + 2 > n:
        return False
    c1 = b[o + 2]
    if c1 & 0x03 == 0x03:
        return length == 4 and c1 in (0x07, 0x13, 0x43) and b[o + 3] == 0 and b[o + 4] == 0 and b[o + 5] == 0
    return length == 4 or (c1 & 0x01 == 0 and length >= 4 + wire.ASDU_HEADER_LEN)


@jit()
def _plain_cause(cause: int) -> bool:
    return cause == 1 or cause == 2 or cause == 3 or cause == 5 or 20 <= cause <= 41


@jit()
def _countable_asdu(b: np.ndarray, o: int, n: int) -> int:
    """The type id of a monitoring ASDU the session reads without an anomaly, else -1."""
    alen = n - wire.APCI_LEN
    if alen < wire.ASDU_HEADER_LEN:
        return -1
    a = o + wire.APCI_LEN
    type_id = np.int64(b[a])
    size = _SIZE[type_id]
    vsq, cot = np.int64(b[a + 1]), np.int64(b[a + 2])
    number = vsq & 0x7F
    if size == 0 or number == 0 or cot & 0xC0 or not _plain_cause(cot & 0x3F):
        return -1
    body = alen - wire.ASDU_HEADER_LEN
    want = wire.IOA_LEN + size * number if vsq & 0x80 else (wire.IOA_LEN + size) * number
    return type_id if body == want else -1


@jit()
def iec104_pdu(b: np.ndarray, o: int, n: int, d: int, tmp: np.ndarray, g: np.ndarray) -> tuple[int, int]:
    length = np.int64(b[o + 1])
    c1 = np.int64(b[o + 2])
    counting = length <= wire.APDU_MAX_LEN and g[G_DETECT] == 0
    if c1 & 0x01 == 0:
        seq = u16le(b, o + 2) >> 1
        expected = tmp[T_LABEL + d]
        tmp[T_LABEL + d] = (seq + 1) % SEQ_MOD + 1
        if not counting or (expected != 0 and expected - 1 != seq):
            return A_PRIME_ROUTE, 0
        type_id = _countable_asdu(b, o, n)
        if type_id < 0 or sampled(g, 4, False):
            return A_PRIME_ROUTE, 0
        return A_COUNT, (P_IEC104 << 24) | (KIND_I << 16) | type_id
    if not counting:
        return A_ROUTE, 0
    if c1 & 0x03 == 1:
        return A_COUNT, (P_IEC104 << 24) | (KIND_S << 16)
    function = c1 >> 2
    if function in _U_KNOWN:
        return A_COUNT, (P_IEC104 << 24) | (KIND_U << 16) | function
    return A_ROUTE, 0
