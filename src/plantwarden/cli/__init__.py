"""The ``plantwarden`` command line (Typer + Rich)."""
