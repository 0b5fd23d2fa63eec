"""The compact MAC-prefix bundle shipped in ``plantwarden/data/oui``, made from the IEEE
Registration Authority's public listings (MA-L ``oui.csv``, MA-M ``mam.csv``, MA-S
``oui36.csv``, IAB ``iab.csv``; columns Registry, Assignment, Organization Name,
Organization Address).

The bundle is one gzip-compressed text file, one assignment a line:
``<registry>\\t<assignment hex, upper case>\\t<organization name>``. Addresses are dropped.
To refresh it from a newer IEEE download: ``python -m plantwarden.inventory.oui_bundle DIR``.
"""

from __future__ import annotations

import csv
import gzip
import sys
from collections.abc import Iterator
from pathlib import Path

from plantwarden.errors import InputError

REGISTRY_FILES = {"MA-L": "oui.csv", "MA-M": "mam.csv", "MA-S": "oui36.csv", "IAB": "iab.csv"}
PREFIX_DIGITS = {"MA-L": 6, "MA-M": 7, "MA-S": 9, "IAB": 9}
DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "oui"
BUNDLE_NAME = "registry.tsv.gz"


def read_ieee_csv(path: Path, registry: str) -> Iterator[tuple[str, str, str]]:
    """(registry, assignment, organization) rows of one IEEE listing; bad rows raise InputError."""
    try:
        with path.open(newline="", encoding="utf-8") as f:
            for line, row in enumerate(csv.reader(f), 1):
                if line == 1 or not row:
                    continue
                yield _row(path, line, row, registry)
    except OSError as exc:
        raise InputError(f"{path}: cannot read the IEEE listing: {exc.strerror}") from exc


def _row(path: Path, line: int, row: list[str], registry: str) -> tuple[str, str, str]:
    digits = PREFIX_DIGITS[registry]
    if len(row) < 3:
        raise InputError(f"{path}:{line}: expected Registry,Assignment,Organization Name,...")
    assignment = row[1].strip().upper()
    if len(assignment) != digits or any(c not in "0123456789ABCDEF" for c in assignment):
        raise InputError(f"{path}:{line}: assignment {row[1]!r} is not {digits} hex digits")
    return registry, assignment, " ".join(row[2].split())


def read_ieee_dir(folder: Path) -> list[tuple[str, str, str]]:
    """Every row of the four listings in ``folder`` (a listing that is absent is skipped)."""
    rows: list[tuple[str, str, str]] = []
    for registry, name in REGISTRY_FILES.items():
        if (folder / name).is_file():
            rows.extend(read_ieee_csv(folder / name, registry))
    if not rows:
        raise InputError(f"{folder}: none of {', '.join(REGISTRY_FILES.values())} found")
    return sorted(rows)


def write_bundle(rows: list[tuple[str, str, str]], target: Path) -> None:
    """Write the bundle deterministically (fixed gzip mtime, sorted rows)."""
    text = "".join(f"{r}\t{a}\t{o}\n" for r, a, o in rows)
    with target.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(text.encode("utf-8"))


def read_bundle(path: Path) -> Iterator[tuple[str, str, str]]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            registry, assignment, org = line.rstrip("\n").split("\t", 2)
            yield registry, assignment, org


def main(argv: list[str]) -> int:
    """``python -m plantwarden.inventory.oui_bundle IEEE_DIR [OUT_DIR]``."""
    if not argv:
        print("usage: python -m plantwarden.inventory.oui_bundle IEEE_DIR [OUT_DIR]", file=sys.stderr)
        return 2
    out = Path(argv[1]) if len(argv) > 1 else DATA_DIR
    write_bundle(read_ieee_dir(Path(argv[0])), out / BUNDLE_NAME)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
