"""Machine-readable output: every JSON document carries a versioned ``schema`` field.

Documents are written with orjson, indented by two spaces, as UTF-8. Large documents (an
analysis of a long capture holds a hundred thousand rows) are written piece by piece, so
writing one costs little memory beyond the document itself. Values orjson does not take (an
integer wider than 64 bits) fall back on the standard library for the piece that holds
them; anything else that is not JSON is written as its ``str()``, as before. orjson writes
floats that are not numbers (NaN, infinity) as ``null``: JSON has no literal for them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import orjson

from plantwarden.errors import InputError

SCHEMA_PREFIX = "plantwarden"

#: Options shared by every orjson call: non-str keys become strings (like ``json``), and
#: dataclasses and datetimes go through ``default=str`` (like ``json``), not orjson's own forms.
BASE_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME
INDENTED = BASE_OPTIONS | orjson.OPT_INDENT_2
PIECE_ITEMS = 512  # longer lists are written this many items at a time
PIECE_DEPTH = 3  # other containers above this depth are written member by member


def schema_id(kind: str, version: int) -> str:
    """The value of the ``schema`` field, e.g. ``plantwarden.analyze/1``."""
    return f"{SCHEMA_PREFIX}.{kind}/{version}"


def document(kind: str, version: int, body: dict[str, Any]) -> dict[str, Any]:
    return {"schema": schema_id(kind, version), **body}


def _stdlib(
    value: Any, indent: int | None, sort_keys: bool = False, default: Callable[[Any], Any] | None = str
) -> bytes:
    separators = (",", ": ") if indent is not None else (",", ":")
    text = json.dumps(
        value, indent=indent, separators=separators, sort_keys=sort_keys, default=default, ensure_ascii=False
    )
    return text.encode("utf-8")


def to_bytes(value: Any, *, sort_keys: bool = False, default: Callable[[Any], Any] | None = str) -> bytes:
    """Compact JSON (UTF-8) of ``value``; ``sort_keys`` for a canonical form (fingerprints).

    ``default`` turns what is not JSON into JSON (``str``); None makes it a TypeError.
    """
    option = BASE_OPTIONS | (orjson.OPT_SORT_KEYS if sort_keys else 0)
    try:
        return orjson.dumps(value, default=default, option=option)
    except TypeError:  # orjson.JSONEncodeError: an integer wider than 64 bits, say
        return _stdlib(value, None, sort_keys, default)


def loads(text: str | bytes) -> Any:
    """Parse JSON; text orjson refuses but the standard library reads (NaN written by an
    older plantwarden, integers wider than 64 bits) is read by the standard library."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _indented(value: Any) -> bytes:
    try:
        return orjson.dumps(value, default=str, option=INDENTED)
    except TypeError:  # orjson.JSONEncodeError
        return _stdlib(value, 2)


def _shift(text: bytes, depth: int) -> bytes:
    """Indented JSON moved ``depth`` levels right (JSON strings hold no raw newline)."""
    return text.replace(b"\n", b"\n" + b"  " * depth) if depth else text


def pieces(value: Any, depth: int = 0) -> Iterator[bytes]:
    """``value`` as indented JSON, in pieces; joined they are orjson's OPT_INDENT_2 output.

    Long lists are written ``PIECE_ITEMS`` items at a time, other containers near the top
    member by member, everything else in one call.
    """
    end = b"\n" + b"  " * depth
    if isinstance(value, list) and len(value) > PIECE_ITEMS:
        yield b"["
        for start in range(0, len(value), PIECE_ITEMS):
            part = _indented(value[start : start + PIECE_ITEMS])  # b"[\n  A,\n  B\n]"
            yield (b"," if start else b"") + _shift(part[1:-2], depth)
        yield end + b"]"
    elif depth >= PIECE_DEPTH or not value:
        yield _shift(_indented(value), depth)
    elif isinstance(value, dict) and all(type(k) is str for k in value):
        pad = end + b"  "
        yield b"{"
        for i, (key, item) in enumerate(value.items()):
            yield (b"," + pad if i else pad) + orjson.dumps(key) + b": "
            yield from pieces(item, depth + 1)
        yield end + b"}"
    elif isinstance(value, list):
        pad = end + b"  "
        yield b"["
        for i, item in enumerate(value):
            yield b"," + pad if i else pad
            yield from pieces(item, depth + 1)
        yield end + b"]"
    else:
        yield _shift(_indented(value), depth)


def dumps(doc: Any) -> str:
    return b"".join(pieces(doc)).decode("utf-8")


def _write_to(stream: IO[bytes], doc: Any) -> None:
    _batched(stream, pieces(doc))


def _batched(stream: IO[bytes], parts: Iterable[bytes]) -> None:
    """The pieces, a megabyte at a time, then a newline."""
    batch: list[bytes] = []
    size = 0
    for piece in parts:
        batch.append(piece)
        size += len(piece)
        if size >= 1 << 20:
            stream.write(b"".join(batch))
            batch, size = [], 0
    batch.append(b"\n")
    stream.write(b"".join(batch))


def listed_pieces(head: dict[str, Any], key: str, items: Iterable[Any]) -> Iterator[bytes]:
    """``{**head, key: list(items)}`` as :func:`pieces` writes it, taking the items one by one
    from an iterator (a store read page by page): the list is never held whole."""
    yield b"{"
    for i, (name, value) in enumerate(head.items()):
        yield (b",\n  " if i else b"\n  ") + orjson.dumps(name) + b": "
        yield from pieces(value, 1)
    yield (b",\n  " if head else b"\n  ") + orjson.dumps(key) + b": ["
    empty = True
    for item in items:
        yield (b"," if not empty else b"") + b"\n    " + _shift(_indented(item), 2)
        empty = False
    yield b"]\n}" if empty else b"\n  ]\n}"


def write_listed(head: dict[str, Any], key: str, items: Iterable[Any], target: str | Path = "-") -> None:
    """Write ``{**head, key: [items]}`` (the bytes :func:`write` writes for it) while the items
    are still being made: memory holds about a megabyte of output, not the list."""
    if str(target) == "-":
        binary = getattr(sys.stdout, "buffer", None)
        if binary is None:  # a text-only stream (a test's StringIO)
            for piece in listed_pieces(head, key, items):
                sys.stdout.write(piece.decode("utf-8"))
            sys.stdout.write("\n")
        else:
            sys.stdout.flush()
            _batched(binary, listed_pieces(head, key, items))
            binary.flush()
        sys.stdout.flush()
        return
    try:
        with open(target, "wb") as f:
            _batched(f, listed_pieces(head, key, items))
    except OSError as exc:
        raise InputError(f"{target}: cannot write JSON output: {exc.strerror}") from exc


def write(doc: Any, target: str | Path) -> None:
    """Write ``doc`` to a path, or to stdout when ``target`` is ``-``."""
    if str(target) == "-":
        binary = getattr(sys.stdout, "buffer", None)
        if binary is None:  # a text-only stream (a test's StringIO)
            sys.stdout.write(dumps(doc) + "\n")
        else:
            sys.stdout.flush()
            _write_to(binary, doc)
            binary.flush()
        sys.stdout.flush()
        return
    try:
        with open(target, "wb") as f:
            _write_to(f, doc)
    except OSError as exc:
        raise InputError(f"{target}: cannot write JSON output: {exc.strerror}") from exc
