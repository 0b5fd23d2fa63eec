"""Listings, one way for every command: a table that fits the terminal, or CSV.

A table never cuts a name or an address in the middle: each column is at least as wide as
its longest token (text between spaces), and cells wrap between tokens. When even that does
not fit the terminal, or with ``--wide``, the table is printed at its natural width and the
terminal wraps the lines. ``--csv`` writes the same rows as RFC 4180 CSV to stdout, times
in ISO 8601 with their offset.

Cells are plain values, :class:`Time` (shown in the site's timezone with the date on
screen, ISO 8601 in CSV) or :class:`Styled` (a colour on a terminal, the text alone
elsewhere).
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Annotated

import typer

from plantwarden.cli.console import out

CsvOption = Annotated[bool, typer.Option("--csv", help="Write the listing as CSV to stdout.")]
WideOption = Annotated[
    bool, typer.Option("--wide", help="Never wrap cells: print the table at its natural width.")
]

SCREEN_TIME = "%Y-%m-%d %H:%M:%S %Z"


@dataclass(frozen=True, slots=True)
class Time:
    """A POSIX time shown in ``tz`` (UTC when the site is unknown)."""

    ts: float | None
    tz: tzinfo | None = None

    def at(self) -> datetime | None:
        if self.ts is None:
            return None
        return datetime.fromtimestamp(self.ts, self.tz or UTC)

    def screen(self) -> str:
        at = self.at()
        return "" if at is None else at.strftime(SCREEN_TIME)

    def iso(self) -> str:
        at = self.at()
        return "" if at is None else at.isoformat()


@dataclass(frozen=True, slots=True)
class Styled:
    """Text with a Rich style for terminals (``bold red``); plain text everywhere else."""

    text: str
    style: str


Cell = str | int | float | None | Time | Styled


def screen_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Time):
        return cell.screen()
    if isinstance(cell, Styled):
        return cell.text
    return str(cell)


def csv_text(cell: Cell) -> str:
    if isinstance(cell, Time):
        return cell.iso()
    return screen_text(cell)


def longest_token(texts: Sequence[str]) -> int:
    return max((len(tok) for t in texts for tok in t.split()), default=0)


def write_csv(headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
    """The rows as CSV on stdout (header first)."""
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([csv_text(c) for c in row])
    sys.stdout.flush()


def write_csv_pages(headers: Sequence[str], pages: Iterable[Sequence[Sequence[Cell]]]) -> None:
    """:func:`write_csv` of rows that come a page at a time (written as each page comes)."""
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(headers)
    for rows in pages:
        writer.writerows([csv_text(c) for c in row] for row in rows)
    sys.stdout.flush()


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Cell]], *, wide: bool = False) -> None:
    """A Rich table whose tokens are never cut (see the module's docstring)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    texts = [[screen_text(c) for c in row] for row in rows]
    mins = [max(len(h), longest_token([r[i] for r in texts])) for i, h in enumerate(headers)]
    naturals = [max([len(h)] + [len(r[i]) for r in texts]) for i, h in enumerate(headers)]
    gap = 2 * max(len(headers) - 1, 0)
    console = out
    if wide or sum(mins) + gap > out.width:
        # wrapping cannot keep every token whole at this width: the natural width, no wrapping
        console = Console(
            file=out.file,
            width=max(sum(naturals) + gap + 1, 1),
            highlight=False,
            soft_wrap=True,
            force_terminal=out.is_terminal,
            color_system="auto" if out.color_system else None,
        )
    table = Table(box=None, pad_edge=False)
    for h, m in zip(headers, mins, strict=True):
        table.add_column(h, min_width=m, overflow="fold")
    for row, text in zip(rows, texts, strict=True):
        cells = zip(row, text, strict=True)
        table.add_row(*(Text(t, style=c.style) if isinstance(c, Styled) else Text(t) for c, t in cells))
    console.print(table)


def emit(
    headers: Sequence[str], rows: Sequence[Sequence[Cell]], *, as_csv: bool = False, wide: bool = False
) -> None:
    """CSV when asked, else the table."""
    if as_csv:
        write_csv(headers, rows)
    else:
        print_table(headers, rows, wide=wide)
