"""Version strings as the advisories and devices write them, made comparable.

``V3.5.20``, ``R3.08.10``, ``FW26``, ``MX-V4.7.2.35-r1``, ``1.05F``, ``3.3 SP1``,
``2020_R2_SP1_P01``, ``3.8.0_Feature_Pack_1``, ``1.9-40``: a leading product letter prefix
(``V``, ``R``, ``FW``, ``MX-V``) is dropped, then the text is cut into numbers and words.
Numbers compare as numbers, a word (a service pack, a letter suffix) sorts after the end of a
shorter version and before any number at the same place, and trailing zeros do not count
(``1.0`` equals ``1.0.0``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PREFIX = re.compile(r"^\s*(?:[a-z]{1,3}-)?(?:v|r|fw|version)\s*(?=\d)", re.IGNORECASE)
_TOKEN = re.compile(r"\d+|[a-z]+", re.IGNORECASE)

Part = tuple[int, int, str]


@dataclass(frozen=True, slots=True)
class Version:
    key: tuple[Part, ...]
    text: str

    def __str__(self) -> str:
        return self.text


def parse_version(text: str) -> Version | None:
    """The comparable version of ``text``; None when it holds no number at all."""
    stripped = _PREFIX.sub("", text.strip())
    tokens = _TOKEN.findall(stripped)
    if not any(t.isdigit() for t in tokens):
        return None
    parts: list[Part] = [(2, int(t), "") if t.isdigit() else (1, 0, t.lower()) for t in tokens]
    while parts and parts[-1] == (2, 0, ""):
        parts.pop()
    return Version(tuple(parts), text.strip())


def branch(v: Version) -> int | None:
    """The major number (the branch a per-branch fix list is keyed by)."""
    return v.key[0][1] if v.key and v.key[0][0] == 2 else None
