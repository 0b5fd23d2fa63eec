"""fast.convrows: the vectorised merge gives the rows of folding every kernel counter into the
Python collector and letting it sort (what the fast engine did before, and what the pure-Python
engine does)."""

from __future__ import annotations

from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from plantwarden.analyze.collect import Collector, Span
from plantwarden.fast.convrows import conversation_rows

NAMES = ["10.0.0.2", "10.0.0.10", "10.0.0.9", "fe80::1", "00:11:22:33:44:55", "192.168.1.1"]
LABELS = {  # label -> (proto, code, op class); two labels may share (proto, code)
    1: ("modbus", "3", "read"),
    2: ("modbus", "16", "write"),
    3: ("modbus", "43", "identity"),
    4: ("modbus", "43", "diagnostic"),
    5: ("s7comm", "1:0x04", "read"),
    6: ("cotp", "CR", "session"),
}
T0 = 1_700_000_000_123_456_789  # beyond 2**53: the division must stay exact

kernel_row = st.tuples(
    st.integers(0, len(NAMES) - 1), st.integers(0, len(NAMES) - 1), st.sampled_from(sorted(LABELS)),
    st.integers(1, 50), st.integers(0, 10**9), st.integers(0, 10**9),
)
python_op = st.tuples(
    st.sampled_from([*NAMES, "10.0.0.77"]), st.sampled_from(NAMES), st.sampled_from(sorted(LABELS)),
    st.integers(0, 10**9),
)


def _folded(kernel: list[tuple[int, int, int, int, int, int]],
            ops: list[tuple[str, str, int, int]]) -> list[dict[str, object]]:
    c = Collector()
    for src, dst, label, ts in ops:
        proto, code, cls = LABELS[label]
        key = (src, dst, proto, code)
        if key in c.conversations:
            c.conversations[key].hit(T0 + ts)
        else:
            c.conversations[key] = Span(1, T0 + ts, T0 + ts)
            c.conversation_classes[key] = Counter()
        c.conversation_classes[key][cls] += 1
    for s, d, label, n, a, b in kernel:
        proto, code, cls = LABELS[label]
        key = (NAMES[s], NAMES[d], proto, code)
        first, last = T0 + min(a, b), T0 + max(a, b)
        span = c.conversations.get(key)
        if span is None:
            c.conversations[key] = Span(n, first, last)
            c.conversation_classes[key] = Counter()
        else:
            span.count += n
            span.first_ns, span.last_ns = min(span.first_ns, first), max(span.last_ns, last)
        c.conversation_classes[key][cls] += n
    return c._conversation_rows()


@settings(max_examples=200, deadline=None)
@given(st.lists(kernel_row, max_size=40), st.lists(python_op, max_size=20))
def test_vectorised_rows_equal_the_folded_rows(kernel: list[tuple[int, int, int, int, int, int]],
                                               ops: list[tuple[str, str, int, int]]) -> None:
    expected = _folded(kernel, ops)
    python = Collector()
    for src, dst, label, ts in ops:
        proto, code, cls = LABELS[label]
        key = (src, dst, proto, code)
        if key in python.conversations:
            python.conversations[key].hit(T0 + ts)
        else:
            python.conversations[key] = Span(1, T0 + ts, T0 + ts)
            python.conversation_classes[key] = Counter()
        python.conversation_classes[key][cls] += 1
    pairs = np.array([(s << 32) | d for s, d, *_ in kernel], np.uint64)
    labels = np.array([r[2] for r in kernel], np.int64)
    counts = np.array([(n, T0 + min(a, b), T0 + max(a, b)) for *_, n, a, b in kernel], np.int64)
    got = conversation_rows(NAMES, pairs, labels, counts.reshape(-1, 3), LABELS.__getitem__,
                            python.conversations, python.conversation_classes)
    assert got == expected


def test_rows_are_sorted_and_summed_across_labels_of_one_code() -> None:
    pairs = np.array([(0 << 32) | 1, (0 << 32) | 1, (2 << 32) | 1], np.uint64)
    labels = np.array([3, 4, 1], np.int64)
    counts = np.array([(2, T0 + 5, T0 + 9), (3, T0 + 1, T0 + 4), (7, T0, T0 + 1)], np.int64)
    rows = conversation_rows(NAMES, pairs, labels, counts, LABELS.__getitem__, {}, {})
    assert [(r["src"], r["dst"], r["code"], r["count"]) for r in rows] == [
        ("10.0.0.2", "10.0.0.10", "43", 5),
        ("10.0.0.9", "10.0.0.10", "3", 7),
    ]
    assert rows[0]["op_classes"] == {"diagnostic": 3, "identity": 2}
    assert rows[0]["first_ts"] == (T0 + 1) / 10**9 and rows[0]["last_ts"] == (T0 + 9) / 10**9
