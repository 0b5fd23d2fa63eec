"""An Emitter for decoder tests: keeps everything a session reports, in order."""

from __future__ import annotations

from dataclasses import dataclass, field

from plantwarden.protocols.base import Anomaly, Identity, Operation, PointValue


@dataclass
class Recorder:
    operations: list[Operation] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)
    identities: list[Identity] = field(default_factory=list)
    values: list[PointValue] = field(default_factory=list)

    @property
    def ops(self) -> list[Operation]:
        return self.operations

    def operation(self, op: Operation) -> None:
        self.operations.append(op)

    def anomaly(self, anomaly: Anomaly) -> None:
        self.anomalies.append(anomaly)

    def identity(self, identity: Identity) -> None:
        self.identities.append(identity)

    def value(self, value: PointValue) -> None:
        self.values.append(value)

    def anomaly_names(self) -> list[str]:
        return [a.name for a in self.anomalies]

    def codes(self) -> list[str]:
        """``proto/code`` of every operation, in order."""
        return [f"{op.proto}/{op.code}" for op in self.operations]
