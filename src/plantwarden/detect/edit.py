"""``alert learn``: add what an alert saw to the baseline (a new baseline version).

Each alert carries ``learn`` hints from its rule: a ``talker``, a ``conversation``, a request
``code`` on a channel (with its unit and point range), or a sequence ``transition``. Rules
whose detections are no baseline fact (scans, malformed PDUs, zones) carry none: mute them.
"""

from __future__ import annotations

from typing import Any

from plantwarden.detect import ops
from plantwarden.detect.baseline import Baseline, Channel, Code, Conversation, Talker


def apply(baseline: Baseline, hints: list[dict[str, Any]]) -> Baseline:
    """A copy of ``baseline`` with every hint added."""
    b = baseline.model_copy(deep=True)
    for hint in hints:
        if "talker" in hint:
            _talker(b, hint["talker"])
        elif "conversation" in hint:
            _conversation(b, hint["conversation"])
        elif "code" in hint:
            _code(b, hint["code"])
        elif "transition" in hint:
            _transition(b, hint["transition"])
    return b


def _talker(b: Baseline, h: dict[str, Any]) -> None:
    t = next((t for t in b.talkers if t.address == h["address"]), None)
    if t is None:
        b.talkers.append(Talker(address=h["address"], macs=list(h.get("macs", []))))
    else:
        t.macs = sorted(set(t.macs) | set(h.get("macs", [])))


def _conversation(b: Baseline, h: dict[str, Any]) -> None:
    key = (h["client"], h["server"], h["transport"], int(h["port"]))
    if not any((c.client, c.server, c.transport, c.port) == key for c in b.conversations):
        b.conversations.append(Conversation(client=key[0], server=key[1], transport=key[2], port=key[3]))


def _channel(b: Baseline, h: dict[str, Any]) -> Channel:
    ch = b.channel(h["client"], h["server"], h["proto"])
    if ch is None:
        ch = Channel(client=h["client"], server=h["server"], proto=h["proto"])
        b.channels.append(ch)
    return ch


def _code(b: Baseline, h: dict[str, Any]) -> None:
    ch = _channel(b, h)
    code = ch.code(h["code"])
    if code is None:
        code = Code(code=h["code"], name=h.get("name", ""), op_class=h.get("op_class", "other"))
        ch.codes.append(code)
    if "unit" in h and h["unit"] not in code.units:
        code.units = sorted([*code.units, int(h["unit"])])
    if "range" in h:
        lo, hi = h["range"]
        code.ranges = ops.merge_ranges([*code.ranges, (int(lo), int(hi))])


def _transition(b: Baseline, h: dict[str, Any]) -> None:
    ch = _channel(b, h)
    pair = (h["from"], h["to"])
    if pair not in ch.transitions:
        ch.transitions = sorted([*ch.transitions, pair])
