"""``plantwarden analyze``: read captures passively and report what they show."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the command to the root app."""
