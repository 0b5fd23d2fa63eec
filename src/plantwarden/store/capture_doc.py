"""The shape of one capture's analysis document, checked before anything is written.

``plantwarden analyze`` produces one such document per capture; :func:`parse_capture_doc`
validates it and names the capture in the one-line :class:`~plantwarden.errors.InputError`
raised for a bad one. Unknown extra keys (``schema``, future fields) are ignored.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, with_config
from typing_extensions import TypedDict

from plantwarden import jsonout
from plantwarden.errors import InputError

HostKind = Literal["mac", "ipv4", "ipv6"]


STRICT = ConfigDict(strict=True, allow_inf_nan=False, extra="ignore")


class _Strict(BaseModel):
    model_config = ConfigDict(**STRICT, frozen=True)


class SkipEntry(_Strict):
    """Frames the reader had to skip, by reason (``capture.records.SkipReport``)."""

    reason: str = Field(min_length=1)
    count: int = Field(ge=1)
    first_frame: int | None = Field(default=None, ge=1)
    detail: str = ""


class HostEntry(_Strict):
    """An address; the analysis may give it as a bare string (no times or packet count)."""

    address: str = Field(min_length=1)
    first_seen: float | None = None
    last_seen: float | None = None
    packets: int | None = Field(default=None, ge=0)


class HostLists(_Strict):
    mac: list[HostEntry] = []
    ipv4: list[HostEntry] = []
    ipv6: list[HostEntry] = []

    @field_validator("mac", "ipv4", "ipv6", mode="before")
    @classmethod
    def _bare_addresses(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"address": item} if isinstance(item, str) else item for item in value]
        return value

    def by_kind(self) -> dict[HostKind, list[HostEntry]]:
        return {"mac": self.mac, "ipv4": self.ipv4, "ipv6": self.ipv6}


class ConversationEntry(_Strict):
    """One (src, dst, proto, code) tuple; code in the format of shared/tools/groundtruth.py."""

    src: str = Field(min_length=1)
    dst: str = Field(min_length=1)
    proto: str = Field(min_length=1)
    code: str
    count: int = Field(ge=1)
    first_ts: float
    last_ts: float


NonEmpty = Annotated[str, Field(min_length=1)]


@with_config(STRICT)
class ConversationRow(TypedDict):
    """:class:`ConversationEntry` as a plain dict: the same checks, validated ten times faster
    (a long capture has a hundred thousand conversations)."""

    src: NonEmpty
    dst: NonEmpty
    proto: NonEmpty
    code: str
    count: Annotated[int, Field(ge=1)]
    first_ts: float
    last_ts: float


#: The columns of a conversation row, in the order the store inserts them.
CONVERSATION_COLUMNS = ("src", "dst", "proto", "code", "count", "first_ts", "last_ts")


class AnomalyEntry(_Strict):
    """A named anomaly (``<proto>.<what>``) at a frame (1-based)."""

    name: str = Field(min_length=1)
    frame: int = Field(ge=1)
    ts: float | None = None
    src: str | None = None
    dst: str | None = None
    detail: str = ""


class CaptureDoc(_Strict):
    """One capture's analysis, as ``plantwarden analyze`` writes it.

    Conversations are kept as validated dicts (``conversation_rows``, given and dumped as
    ``conversations``); :attr:`conversations` gives them as :class:`ConversationEntry`.
    """

    model_config = ConfigDict(**STRICT, frozen=True, serialize_by_alias=True)

    name: str = Field(min_length=1)
    sha256: str = Field(pattern=r"^[0-9a-fA-F]{64}$")
    size: int = Field(ge=0)
    packets: int = Field(ge=0)
    bytes: int = Field(ge=0)
    first_ts: float | None = None
    last_ts: float | None = None
    skipped: list[SkipEntry] = []
    hosts: HostLists = HostLists()
    protocols: dict[str, Any] = {}
    conversation_rows: list[ConversationRow] = Field(default=[], alias="conversations")
    anomalies: list[AnomalyEntry] = []
    plantwarden_version: str | None = None

    @property
    def conversations(self) -> list[ConversationEntry]:
        return [ConversationEntry.model_construct(**row) for row in self.conversation_rows]

    def fingerprint(self) -> str:
        """SHA-256 of the validated content: equal fingerprints mean an identical analysis."""
        return hashlib.sha256(jsonout.to_bytes(self.model_dump(mode="json"), sort_keys=True)).hexdigest()


def _capture_name(doc: object) -> str:
    name = doc.get("name") if isinstance(doc, dict) else None
    return name if isinstance(name, str) and name else "<unnamed capture>"


def _first_problem(exc: ValidationError) -> str:
    errors = exc.errors()
    first = errors[0]
    where = ".".join(str(part) for part in first["loc"]) or "document"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {first['msg']}{more}"


def parse_capture_doc(doc: object) -> CaptureDoc:
    """Validate one capture's analysis document, or raise InputError naming the capture."""
    if not isinstance(doc, dict):
        raise InputError(f"analysis document must be a JSON object, not {type(doc).__name__}")
    try:
        return CaptureDoc.model_validate(doc)
    except ValidationError as exc:
        raise InputError(
            f"capture {_capture_name(doc)}: invalid analysis document: {_first_problem(exc)}"
        ) from exc
