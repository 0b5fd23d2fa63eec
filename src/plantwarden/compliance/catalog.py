"""The control catalogues as data: identifiers, short titles and licence notices.

The files under ``compliance/data`` are copies of public or factual material (their sources and
licences are in each file and in docs/compliance.md): IEC 62443-3-3 system requirement
identifiers and short titles only (the requirement text is the IEC's), the NIST CSF 2.0 core
(public domain), and the CISA CPG 1.0.1 goal identifiers and titles (public domain).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from plantwarden.errors import UsageError

IEC = "iec62443-3-3"
CSF = "nist-csf-2.0"
CPG = "cisa-cpg"
FRAMEWORKS = (IEC, CSF, CPG)
FILES = {IEC: "iec62443-3-3.json", CSF: "nist-csf-2.0.json", CPG: "cisa-cpg-1.0.1.json"}


@dataclass(frozen=True, slots=True)
class Requirement:
    """One requirement: ``SR 5.1`` of FR 5, ``PR.IR-01`` of PR, ``2.F`` of PR."""

    framework: str
    id: str
    title: str
    group: str  # FR 5, PR, ...
    group_title: str

    @property
    def key(self) -> str:
        return f"{self.framework}:{self.id}"


@dataclass(frozen=True, slots=True)
class Catalog:
    framework: str
    name: str
    version: str
    licence: str
    source: str
    requirements: tuple[Requirement, ...]

    def get(self, req_id: str) -> Requirement | None:
        return next((r for r in self.requirements if r.id == req_id), None)


def _data(name: str) -> dict[str, Any]:
    text = resources.files("plantwarden.compliance").joinpath("data", name).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _iec(doc: dict[str, Any]) -> Catalog:
    reqs = tuple(
        Requirement(IEC, sr["id"], sr["title"], fr["id"], fr["title"])
        for fr in doc["foundational_requirements"]
        for sr in fr["system_requirements"]
    )
    return Catalog(IEC, "IEC 62443-3-3", "2013", doc["licence_note"], doc["provenance"], reqs)


def _csf(doc: dict[str, Any]) -> Catalog:
    reqs = tuple(
        Requirement(CSF, sub["id"], sub["statement"], fn["id"], fn["title"].title())
        for fn in doc["functions"]
        for cat in fn["categories"]
        for sub in cat["subcategories"]
    )
    src = doc["source"]
    return Catalog(
        CSF, "NIST CSF", doc["version"], src["licence"], f"{src['repository']} {src['path']}", reqs
    )


def _cpg(doc: dict[str, Any]) -> Catalog:
    reqs = tuple(
        Requirement(CPG, g["id"], g["title"], fn["id"], fn["title"].title())
        for fn in doc["functions"]
        for g in fn["goals"]
    )
    src = doc["source"]
    return Catalog(CPG, "CISA CPG", doc["version"], src["licence"], src["title"], reqs)


@cache
def load(framework: str) -> Catalog:
    """The catalogue of ``framework``; an unknown name is a usage error naming the known ones."""
    if framework not in FILES:
        raise UsageError(f"unknown framework {framework!r} (expected one of: {', '.join(FRAMEWORKS)})")
    doc = _data(FILES[framework])
    return {IEC: _iec, CSF: _csf, CPG: _cpg}[framework](doc)


def fr_of(requirement: Requirement) -> str | None:
    """``FR 5`` for an IEC 62443-3-3 SR (its security level target is per FR), else None."""
    return requirement.group if requirement.framework == IEC else None
