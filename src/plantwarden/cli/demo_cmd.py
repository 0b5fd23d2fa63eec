"""``plantwarden demo``: the bundled demo plant end to end.

Until the dairy demo plant's own captures are bundled (examples/dairy/captures), the demo
analyses the real public ICS captures in ../shared/captures.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from plantwarden.cli.console import out
from plantwarden.cli.options import DbOption
from plantwarden.errors import InputError
from plantwarden.settings import Settings

CAPTURE_SUFFIXES = (".pcap", ".pcapng", ".gz")


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo_root() -> Path:
    """examples/dairy of the source tree (editable install or a checkout)."""
    for base in (Path.cwd(), Path(__file__).resolve().parents[3]):
        if (base / "examples" / "dairy").is_dir():
            return base / "examples" / "dairy"
    raise InputError("examples/dairy not found: run `plantwarden demo` from the plantwarden checkout")


def demo_captures(root: Path) -> list[Path]:
    bundled = sorted(p for p in (root / "captures").glob("*") if p.name.endswith(CAPTURE_SUFFIXES))
    if bundled:
        return bundled
    shared = root.parents[1].parent / "shared" / "captures"
    return sorted(p for p in shared.glob("*") if p.suffix in (".pcap", ".pcapng"))


def demo(
    db: DbOption = None,
    json_path: Annotated[
        str | None, typer.Option("--json", help="Also write the analysis JSON here.")
    ] = None,
) -> None:
    """Analyse the bundled demo plant into the store and summarise what it shows."""
    from plantwarden.cli.analyze_cmd import analyze

    root = demo_root()
    captures = demo_captures(root)
    if not captures:
        raise InputError(f"no demo captures in {root / 'captures'} nor in ../shared/captures")
    settings = Settings.load(db)
    site = root / "site.yaml"
    out.rule("[bold]plantwarden demo[/]")
    out.print(f"site model: {site if site.exists() else '(none yet)'}")
    out.print(f"store:      {settings.db_url}")
    out.print(f"captures:   {len(captures)} in {captures[0].parent}\n")
    analyze(
        [str(p) for p in captures],
        json_path=json_path,
        db=db,
        site=site if site.exists() else None,
        store=True,
    )
    out.rule("next")
    out.print("plantwarden analyze CAPTURE.pcap --json -    # your own capture, machine-readable")
    out.print("plantwarden site validate examples/dairy/site.yaml")
    out.print("plantwarden db status")
