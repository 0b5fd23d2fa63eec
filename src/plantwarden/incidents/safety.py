"""The safety gate: before anything else, is a safety function involved, and who decides.

Rules (each has a test, tests/incidents/test_safety.py):

* G1: the source or the target is safety-related (``safety: true``, a SIS or safety-PLC role,
  or in a zone at the safety level): the gate is required.
* G2: the target serves a line that itself needs a safety-related asset (the process a SIS
  protects; a line fed by that line does not count): required.
* G3: the source or the target exchanges traffic with a safety-related asset (the baseline's
  conversations): required.
* The deciders are the process-safety owners: the RACI Accountable of each safety asset named
  when that role is of kind ``ehs``, then every ``ehs`` role of the site. None: a gray area
  the playbook names, and every safety decision then needs an override with its reason.
* Not required: the step remains (EHS confirms that no safety function is affected) but
  nothing waits for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from plantwarden.incidents.context import Context
from plantwarden.site.model import RoleKind


@dataclass(frozen=True, slots=True)
class Gate:
    required: bool
    reasons: tuple[str, ...]
    safety_assets: tuple[str, ...]
    deciders: tuple[str, ...]
    gray: str | None = None


def gate(ctx: Context) -> Gate:
    reasons: list[str] = []
    named: list[str] = []
    for who, name in (("source", ctx.source), ("target", ctx.target)):
        if name in ctx.safety:
            reasons.append(f"G1: the {who} {name} is a safety system ({ctx.safety[name].role.value})")
            named.append(name)
    if ctx.target and ctx.target in ctx.graph.kinds and ctx.target not in ctx.safety:
        for line in ctx.model.lines:
            own = own_closure(ctx, line.name)
            if ctx.target in own:
                for s in sorted(own & set(ctx.safety)):
                    reasons.append(f"G2: {ctx.target} runs line {line.name}, which needs safety system {s}")
                    named.append(s)
    if ctx.baseline is not None:
        for name in (ctx.source, ctx.target):
            for s, _ in ctx.safety_peers(name):
                reasons.append(f"G3: {name} exchanges traffic with safety system {s} (baseline)")
                named.append(s)
    return Gate(bool(reasons), tuple(reasons), tuple(dict.fromkeys(named)), *_deciders(ctx, named))


def own_closure(ctx: Context, line: str) -> set[str]:
    """What a line needs itself, at any depth, without going through another line (a line fed
    by another does not run that line's process)."""
    seen: set[str] = set()
    todo = [line]
    while todo:
        for name, _ in ctx.graph.requires.get(todo.pop(), ()):
            if name not in seen and ctx.graph.kinds.get(name) != "line":
                seen.add(name)
                todo.append(name)
    return seen


def _deciders(ctx: Context, named: list[str]) -> tuple[tuple[str, ...], str | None]:
    kinds = {r.id: r.kind for r in ctx.model.roles}
    found = [
        r for s in dict.fromkeys(named) for r in ctx.accountable("asset", s) if kinds.get(r) == RoleKind.EHS
    ]
    found += list(ctx.ehs_roles())
    deciders = tuple(dict.fromkeys(found))
    if deciders:
        return deciders, None
    return (), "no role of kind ehs in the site model: nobody owns process safety (add one to roles and raci)"
