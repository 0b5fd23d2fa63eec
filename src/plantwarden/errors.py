"""One exception tree for every user-facing failure.

Every error carries a message a person can act on. The CLI prints ``str(error)`` as one
line (or one line per problem for :class:`SiteModelError`) and exits with ``exit_code``;
no traceback is shown for these.

Exit codes (the convention for every command):
    0  ok
    1  the command ran and its documented findings make it fail (e.g. ``--fail-on``)
    2  usage or input error: bad arguments, unreadable or invalid files, bad requests
    3  internal error (a bug): reported in one line, traceback only with PLANTWARDEN_DEBUG=1
"""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT = 2
EXIT_INTERNAL = 3


class PlantwardenError(Exception):
    """Base of every error plantwarden reports to a user."""

    exit_code: int = EXIT_INPUT

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def lines(self) -> list[str]:
        """The message as the lines the CLI prints."""
        return [self.message]


class UsageError(PlantwardenError):
    """Wrong arguments or options."""


class InputError(PlantwardenError):
    """An input file or stream cannot be used (names the file, and line or packet)."""


class CaptureError(InputError):
    """A file that is not a capture at all, or cannot be opened."""


class StoreError(PlantwardenError):
    """The store cannot be opened, migrated or written."""


class OutboxFull(StoreError):
    """A sensor's outbox cannot take a record: what made it is not stored either
    (plantwarden.sensors.outbox)."""


class NotFoundError(PlantwardenError):
    """A name the user gave (asset, line, alert) does not exist."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in an input file, located by file, line and column (1-based)."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class SiteModelError(InputError):
    """A site file is invalid; carries every problem found, each located."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = str(problems[0]) if problems else "invalid site model"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(first + more)

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]
