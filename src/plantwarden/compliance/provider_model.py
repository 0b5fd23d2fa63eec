"""The MSP OT-capability questionnaire (YAML): the seed's experience questions and capability
indicators, answered by the provider. Unknown keys and values are refused, one line naming
the file, line and column (exit 2)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from plantwarden.errors import InputError

Offering = Literal[
    "asset_inventory",
    "network_monitoring",
    "incident_response",
    "vulnerability_management",
    "remote_access_management",
    "segmentation_design",
    "backup_recovery",
]
Expertise = Literal[
    "plc_programming", "scada_hmi", "dcs", "historians", "industrial_networks", "segmentation", "iec62443"
]
Safety = Literal["sis", "iec61511", "iec61508", "functional_safety_management", "hazardous_areas"]
Count = Annotated[int, Field(ge=0, le=100_000)]


class Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Experience(Strict):
    manufacturing_clients: Count = Field(description="Manufacturing clients served in the last 3 years.")
    ot_protocols: tuple[str, ...] = Field(description="OT protocols the staff can analyse and troubleshoot.")
    staff_ot_certifications: dict[str, Count] = Field(
        default_factory=dict,
        description="Certification -> staff holding it (GICSP, GRID, ISA/IEC 62443 ...).",
    )
    ot_security_tools: tuple[str, ...] = ()
    ot_incidents_handled: Count = Field(description="OT incidents handled in the last 3 years.")


class RemoteAccess(Strict):
    method: Literal["vpn", "jump_host", "vendor_portal", "teamviewer", "anydesk", "other", "none"]
    mfa: bool
    session_recording: bool = False


class Capabilities(Strict):
    ot_service_offerings: tuple[Offering, ...] = ()
    ics_expertise: tuple[Expertise, ...] = ()
    safety_critical_experience: tuple[Safety, ...] = ()
    vendor_relationship_management: tuple[str, ...] = Field(
        default=(), description="OT vendors the provider holds support or partner agreements with."
    )
    remote_access: RemoteAccess | None = None


class ProviderAnswers(Strict):
    provider: Annotated[str, Field(min_length=1)]
    answered_by: Annotated[str, Field(min_length=1)]
    answered_on: str | None = None
    experience: Experience
    capabilities: Capabilities


def _where(located: object, loc: tuple[object, ...]) -> str:
    values = getattr(located, "values", {})
    for n in range(len(loc), -1, -1):
        pos = values.get(tuple(loc[:n]))
        if pos is not None:
            return f"{pos[0] + 1}:{pos[1] + 1}"
    return "1:1"


def read_answers(path: Path) -> ProviderAnswers:
    """The provider's answers, or one InputError naming file, line, column and what is wrong."""
    from plantwarden.site.yamlnodes import compose

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"{path}: cannot read the provider answers: {getattr(exc, 'strerror', None) or exc}"
        ) from None
    try:
        located = compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{mark.line + 1}:{mark.column + 1}" if mark is not None else "1:1"
        raise InputError(f"{path}:{where}: not YAML: {getattr(exc, 'problem', None) or exc}") from None
    if not isinstance(located.data, dict):
        raise InputError(
            f"{path}:1:1: expected a mapping with provider, answered_by, experience, capabilities"
        )
    try:
        return ProviderAnswers.model_validate(located.data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        field = ".".join(str(p) for p in loc) or "(top)"
        raise InputError(f"{path}:{_where(located, loc)}: {field}: {first['msg']}") from None
