"""The batch a sensor sends to the central (docs/sensors.md, "Batch").

A batch carries consecutive outbox items ``first_seq..last_seq`` of one sensor and site,
the SHA-256 of its items' canonical JSON (keys sorted, no spaces, UTF-8), and an optional
Ed25519 signature of its header (:func:`header`), which binds the items through that hash.
:func:`parse_batch` checks all of it and names the first problem in one line.
"""

from __future__ import annotations

import hashlib
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, model_validator

from plantwarden import jsonout
from plantwarden.errors import InputError
from plantwarden.sensors import signing
from plantwarden.sensors.outbox import Queued

SCHEMA = "plantwarden.sensor-batch/1"


class BatchItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    seq: int = Field(ge=1)
    kind: Literal["capture", "alert", "baseline"]
    created: AwareDatetime
    payload: dict[str, Any]


class Batch(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_: Literal["plantwarden.sensor-batch/1"] = Field(alias="schema")
    sensor: str = Field(min_length=1)
    site: str = Field(min_length=1)
    first_seq: int = Field(ge=1)
    last_seq: int = Field(ge=1)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    items: list[BatchItem] = Field(min_length=1)
    signature: str | None = None

    @model_validator(mode="after")
    def _consecutive(self) -> Batch:
        seqs = [item.seq for item in self.items]
        expected = list(range(self.first_seq, self.first_seq + len(seqs)))
        if seqs != expected or self.last_seq != expected[-1]:
            raise ValueError(
                f"items must be numbered {self.first_seq}..{self.last_seq} without a gap, got {_span(seqs)}"
            )
        return self


def _span(seqs: list[int]) -> str:
    return ", ".join(str(s) for s in seqs[:5]) + (" ..." if len(seqs) > 5 else "")


def items_digest(items: list[dict[str, Any]]) -> str:
    return hashlib.sha256(jsonout.to_bytes(items, sort_keys=True)).hexdigest()


def header(batch: dict[str, Any] | Batch) -> bytes:
    """The signed bytes: schema, sensor, site, range and the items' hash, one per line."""
    get = (
        batch.get if isinstance(batch, dict) else lambda k: getattr(batch, "schema_" if k == "schema" else k)
    )
    fields = ("schema", "sensor", "site", "first_seq", "last_seq", "sha256")
    return "\n".join(str(get(k)) for k in fields).encode("utf-8")


def make_batch(sensor: str, site: str, items: list[Queued], private_key: str | None = None) -> dict[str, Any]:
    """A batch of consecutive outbox items, as JSON; signed when a private key is given."""
    rows = [
        {"seq": i.seq, "kind": i.kind, "created": i.created.isoformat(), "payload": i.payload} for i in items
    ]
    batch: dict[str, Any] = {
        "schema": SCHEMA,
        "sensor": sensor,
        "site": site,
        "first_seq": items[0].seq,
        "last_seq": items[-1].seq,
        "sha256": items_digest(rows),
        "items": rows,
        "signature": None,
    }
    if private_key is not None:
        batch["signature"] = signing.sign(private_key, header(batch))
    return batch


def parse_batch(raw: object, where: str = "batch") -> Batch:
    """A checked batch, or an InputError naming ``where`` and the first problem."""
    if not isinstance(raw, dict):
        raise InputError(f"{where}: a batch must be a JSON object, not {type(raw).__name__}")
    try:
        batch = Batch.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"]) or "batch"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise InputError(f"{where}: {loc}: {first['msg']}{more}") from exc
    digest = items_digest(raw["items"])
    if digest != batch.sha256:
        raise InputError(f"{where}: sha256 does not match its items (altered in transit?)")
    return batch
