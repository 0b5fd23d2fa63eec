"""The baseline: what known-good traffic looked like, as a document a person can read and edit.

Learned by :class:`plantwarden.detect.learn.Learner`; stored per site and version in the
store; exported to YAML or JSON and imported back (validated here, with the first bad field
named). Sections (docs/detection.md):

* ``talkers``: hosts by address, with the MAC addresses they sent from;
* ``conversations``: ``client -> server`` on ``transport/port`` and the protocol spoken;
* ``channels``: per ``(client, server, proto)``: the request codes with their names,
  operation classes, units and register/point ranges; polling periods per request symbol
  (median and MAD of the intervals); the request-sequence automaton (transitions between
  successive request symbols, after Goldenberg & Wool 2013), enforced once trained.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from plantwarden import jsonout
from plantwarden.errors import InputError

KIND = "baseline"
VERSION = 1


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Talker(_Doc):
    address: str
    macs: list[str] = Field(default_factory=list)
    packets: int = Field(default=0, ge=0)


class Conversation(_Doc):
    client: str
    server: str
    transport: str
    port: int = Field(ge=0, le=65535)
    proto: str = ""
    packets: int = Field(default=0, ge=0)


class Code(_Doc):
    code: str
    name: str = ""
    op_class: str = "other"
    count: int = Field(default=0, ge=0)
    units: list[int] = Field(default_factory=list)
    ranges: list[tuple[int, int]] = Field(default_factory=list, description="[first, last] addresses")


class Period(_Doc):
    symbol: str
    median_s: float = Field(gt=0)
    mad_s: float = Field(ge=0)
    samples: int = Field(ge=1)
    low_s: float | None = Field(default=None, ge=0)  # smallest and largest window median while learning
    high_s: float | None = Field(default=None, ge=0)


class Channel(_Doc):
    client: str
    server: str
    proto: str
    requests: int = Field(default=0, ge=0)
    codes: list[Code] = Field(default_factory=list)
    periods: list[Period] = Field(default_factory=list)
    sequence_trained: bool = False
    transitions: list[tuple[str, str]] = Field(default_factory=list)

    def code(self, code: str) -> Code | None:
        return next((c for c in self.codes if c.code == code), None)


class Learned(_Doc):
    captures: list[str] = Field(default_factory=list)
    first_ts: float | None = None
    last_ts: float | None = None
    packets: int = 0


class Baseline(_Doc):
    schema_: str = Field(default=jsonout.schema_id(KIND, VERSION), alias="schema")
    site: str | None = None
    version: int | None = None
    learned: Learned = Field(default_factory=Learned)
    talkers: list[Talker] = Field(default_factory=list)
    conversations: list[Conversation] = Field(default_factory=list)
    channels: list[Channel] = Field(default_factory=list)

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)

    def channel(self, client: str, server: str, proto: str) -> Channel | None:
        return next(
            (c for c in self.channels if (c.client, c.server, c.proto) == (client, server, proto)), None
        )


def from_json(doc: Any, source: str) -> Baseline:
    """Validate a baseline document; a bad one is an InputError naming the first bad field."""
    if not isinstance(doc, dict):
        raise InputError(f"{source}: a baseline is a mapping with talkers, conversations, channels")
    want = jsonout.schema_id(KIND, VERSION)
    if doc.get("schema", want) != want:
        raise InputError(f"{source}: schema {doc.get('schema')!r} is not {want!r}")
    try:
        return Baseline.model_validate(doc)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(f"{source}: invalid baseline: {where}: {first['msg']}") from None


def read_file(path: Path) -> Baseline:
    """A baseline exported as YAML or JSON (YAML is a superset of JSON)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from exc
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        raise InputError(f"{path}{where}: not valid YAML/JSON") from None
    return from_json(doc, str(path))


def write_file(baseline: Baseline, path: str, header: str = "") -> None:
    """Export as YAML (``.yaml``/``.yml``, after the comment ``header``) or JSON (anything else,
    ``-`` for stdout)."""
    doc = baseline.to_json()
    if path.endswith((".yaml", ".yml")):
        text = header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
        try:
            Path(path).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{path}: cannot write: {exc.strerror}") from exc
        return
    jsonout.write(doc, path)
