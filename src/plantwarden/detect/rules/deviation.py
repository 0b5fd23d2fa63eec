"""Requests on a known channel that the baseline never saw: codes, units, point ranges, sequences.

The sequence check follows Goldenberg & Wool (2013): an HMI polls a PLC in a fixed cycle, so
each channel's requests form a small automaton; a transition between two request symbols
that learning never saw is an anomaly (enforced only on channels whose automaton converged).
"""

from __future__ import annotations

from typing import Any

from plantwarden.detect import ops
from plantwarden.detect.model import RuleInfo, Severity
from plantwarden.detect.rules.base import Bursts, Rule, Shared
from plantwarden.protocols.base import Operation

CHECK = "Ask the HMI/SCADA owner whether the configuration changed (new tags, new screens); "

NEW_CODE = RuleInfo(
    "code-outside-baseline",
    "Function code not in the channel's baseline",
    Severity.MEDIUM,
    ("T0855", "T0888"),
    CHECK + "if not, block the source at the conduit and review what the request did on the device.",
    needs_baseline=True,
)
NEW_RANGE = RuleInfo(
    "points-outside-baseline",
    "Registers or points outside the channel's baseline",
    Severity.MEDIUM,
    ("T0861", "T0836"),
    CHECK + "reads of unknown ranges map the process (tag discovery); writes change it: verify values "
    "with operations.",
    needs_baseline=True,
)
NEW_UNIT = RuleInfo(
    "unit-outside-baseline",
    "Unit id not in the channel's baseline",
    Severity.MEDIUM,
    ("T0846", "T0855"),
    CHECK + "a new unit id behind a gateway may be discovery of serial devices.",
    needs_baseline=True,
)
NEW_SEQUENCE = RuleInfo(
    "sequence-outside-baseline",
    "Request sequence not in the channel's learned cycle",
    Severity.LOW,
    ("T0855",),
    CHECK + "an injected request interleaved with the polling cycle breaks its sequence.",
    needs_baseline=True,
)


class DeviationRules(Rule):
    infos = (NEW_CODE, NEW_RANGE, NEW_UNIT, NEW_SEQUENCE)

    def __init__(self, shared: Shared) -> None:
        super().__init__(shared)
        self.bursts = Bursts(gap_s=60.0)

    def on_operation(self, op: Operation) -> None:
        known = self.shared.known
        if known is None or not ops.is_request(op):
            return
        key = ops.channel(op)
        codes = known.codes.get(key)
        if codes is None:
            return  # a new channel: the conversation and writer rules speak for it
        if op.code not in codes:
            self._fire(
                NEW_CODE, key, op, f"{op.proto} {op.code} {op.name}; baseline: {', '.join(sorted(codes))}"
            )
        else:
            self._points(key, op)
        self._sequence(key, op)

    def _points(self, key: ops.ChannelKey, op: Operation) -> None:
        known = self.shared.known
        assert known is not None
        code = known.channels[key].code(op.code)
        if code is None:
            return
        unit = ops.unit(op)
        if unit is not None and code.units and unit not in code.units:
            self._fire(NEW_UNIT, key, op, f"unit {unit}; baseline: {code.units}")
        rng = ops.point_range(op)
        if rng is not None and code.ranges and not ops.inside(rng, code.ranges):
            ranges = ", ".join(f"{lo}-{hi}" for lo, hi in code.ranges)
            self._fire(NEW_RANGE, key, op, f"{op.name} {rng[0]}-{rng[1]}; baseline: {ranges}")

    def _sequence(self, key: ops.ChannelKey, op: Operation) -> None:
        state = self.shared.opstate
        ch = state.channels.get(key) if state is not None else None
        if state is None or ch is None:
            return
        sym = ops.symbol(op)
        prev = state.sequence(ch, sym)
        if prev is not None:
            self.new_transition(key, op.ctx.frame, op.ctx.ts_ns, prev, sym)

    def new_transition(self, key: ops.ChannelKey, frame: int, ts_ns: int, prev: str, sym: str) -> None:
        """A request whose symbol followed ``prev``, a pair the trained automaton never saw."""
        hint = {"transition": {"client": key[0], "server": key[1], "proto": key[2], "from": prev, "to": sym}}
        detail = f"{prev} -> {sym}"
        if self.bursts.fresh((NEW_SEQUENCE.name, key, detail), ts_ns):
            self.fire(NEW_SEQUENCE, key[0], key[1], frame, ts_ns, detail, learn=hint)

    def _fire(
        self,
        info: RuleInfo,
        key: ops.ChannelKey,
        op: Operation,
        detail: str,
        learn: dict[str, Any] | None = None,
    ) -> None:
        if self.bursts.fresh((info.name, key, detail), op.ctx.ts_ns):
            hint = learn if learn is not None else ops.code_hint(op)
            self.fire(info, key[0], key[1], op.ctx.frame, op.ctx.ts_ns, detail, learn=hint)
