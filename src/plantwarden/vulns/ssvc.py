"""CERT/CC SSVC decision tables, evaluated as shipped (plantwarden/data/ssvc, MIT (SEI)-style
licence): a table maps one value of each decision point to the outcome. Used here: the
deployer's patch application priority (Exploitation x System Exposure x Automatable x Human
Impact -> Defer / Scheduled / Out-of-Cycle / Immediate) and human impact (Safety Impact x
Mission Impact -> Human Impact). The vector string names every input, for the audit trail."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from plantwarden.errors import InputError

SSVC_DIR = Path(__file__).resolve().parent.parent / "data" / "ssvc"
DEPLOYER = "deployer_patch_application_priority_1_0_0.json"
HUMAN_IMPACT = "human_impact_1_0_0.json"


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    inputs: tuple[str, ...]  # decision point ids ("ssvc:E:1.1.0"), outcome excluded
    outcome: str
    names: dict[str, dict[str, str]]  # decision point id -> value key -> value name
    rows: dict[tuple[str, ...], str]

    def decide(self, **values: str) -> str:
        """The outcome key for the inputs given by their short key (``E="A"``, ``EXP="C"``)."""
        by_short = {i.split(":")[1]: i for i in self.inputs}
        try:
            key = tuple(values[i.split(":")[1]] for i in self.inputs)
        except KeyError as exc:
            raise InputError(
                f"SSVC table {self.name}: no value for {exc} (needs {', '.join(by_short)})"
            ) from None
        if key not in self.rows:
            raise InputError(f"SSVC table {self.name}: no row for {dict(zip(by_short, key, strict=True))}")
        return self.rows[key]

    def label(self, point: str, value: str) -> str:
        full = next(i for i in (*self.inputs, self.outcome) if i.split(":")[1] == point)
        return self.names[full][value]


@cache
def table(name: str) -> Table:
    data: dict[str, Any] = json.loads((SSVC_DIR / name).read_bytes())
    outcome = data["outcome"]
    inputs = tuple(k for k in data["decision_points"] if k != outcome)
    names = {k: {v["key"]: v["name"] for v in p["values"]} for k, p in data["decision_points"].items()}
    rows = {tuple(r[i] for i in inputs): r[outcome] for r in data["mapping"]}
    return Table(data["name"], inputs, outcome, names, rows)


def vector(values: dict[str, str], outcome: str) -> str:
    """``SSVCv2/E:A/EXP:C/A:Y/HI:H/DSOI:I/`` (SSVC's own vector form, inputs then outcome)."""
    return "SSVCv2/" + "".join(f"{k}:{v}/" for k, v in values.items()) + f"DSOI:{outcome}/"
