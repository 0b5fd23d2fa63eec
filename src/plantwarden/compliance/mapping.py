"""The mapping table: requirement -> evidence rules (``data/mapping.yaml``, reviewed).

Checked when loaded: every framework and requirement exists in its catalogue and every rule is
registered, so a typo fails the tests instead of silently leaving a requirement unassessed.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

from plantwarden.compliance.catalog import FRAMEWORKS, load
from plantwarden.compliance.rules import all_rules


@cache
def mapping() -> dict[str, dict[str, tuple[str, ...]]]:
    """framework -> requirement id -> rule ids."""
    text = (
        resources.files("plantwarden.compliance").joinpath("data", "mapping.yaml").read_text(encoding="utf-8")
    )
    raw = yaml.safe_load(text)
    rules = all_rules()
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for framework, reqs in raw.items():
        if framework not in FRAMEWORKS:
            raise ValueError(f"mapping.yaml: unknown framework {framework!r}")
        catalog = load(framework)
        for req_id, names in reqs.items():
            if catalog.get(req_id) is None:
                raise ValueError(f"mapping.yaml: {framework} has no requirement {req_id!r}")
            unknown = [n for n in names if n not in rules]
            if unknown:
                raise ValueError(f"mapping.yaml: {framework} {req_id}: unknown rules {unknown}")
        out[framework] = {str(k): tuple(v) for k, v in reqs.items()}
    return out


def rules_for(framework: str, req_id: str) -> tuple[str, ...]:
    return mapping().get(framework, {}).get(req_id, ())
