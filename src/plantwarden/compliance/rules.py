"""The evidence rules' registry: each rule reads its sources and returns evidence.

``@rule("conduits.conformance", ("site", "captures"), "...")`` registers a function
``State -> list[Evidence]``. When one of its sources has no records, the rule is not called:
its evidence is "not enough evidence: <what> not recorded". A rule whose capability is not in
this plantwarden yet is registered with :func:`waiting` (no function): it reports the same
until a later part adds the source and the function (docs/compliance.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from plantwarden.compliance.evidence import Evidence, Status, missing
from plantwarden.compliance.state import State, what

RuleFn = Callable[[State], list[Evidence]]


@dataclass(frozen=True, slots=True)
class RuleSpec:
    id: str
    sources: tuple[str, ...]
    title: str
    fn: RuleFn | None


RULES: dict[str, RuleSpec] = {}


def rule(rule_id: str, sources: tuple[str, ...], title: str) -> Callable[[RuleFn], RuleFn]:
    def register(fn: RuleFn) -> RuleFn:
        RULES[rule_id] = RuleSpec(rule_id, sources, title, fn)
        return fn

    return register


def waiting(rule_id: str, source: str, title: str) -> None:
    """A rule whose records come from a capability not in this plantwarden yet."""
    RULES[rule_id] = RuleSpec(rule_id, (source,), title, None)


def run(spec: RuleSpec, state: State) -> list[Evidence]:
    """The rule's evidence, judged for freshness at ``state.now``."""
    for source in spec.sources:
        if state.get(source) is None:
            return [missing(spec.id, source, what(source))]
    if spec.fn is None:
        reason = f"not enough evidence: no rule reads {what(spec.sources[0])} yet"
        return [Evidence(spec.id, Status.NOT_ENOUGH, reason, spec.sources[0])]
    found = spec.fn(state)
    if state.zone is not None:
        found = [e for e in found if e.zone in (None, state.zone)]
    return [e.judged(state.now) for e in found]


def all_rules() -> dict[str, RuleSpec]:
    """Every rule, with the modules that define them imported."""
    from plantwarden.compliance import (  # noqa: F401  (they register)
        rules_access,
        rules_incidents,
        rules_network,
        rules_plan,
        rules_records,
        rules_vulns,
    )

    return RULES
