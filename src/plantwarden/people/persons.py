"""A user's login name and the people the site model names: ``anna.keller`` (a login holds no
spaces) is the RACI's ``Anna Keller``. Case, spaces, dots, hyphens and underscores do not count."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s._-]+")


def person_key(name: str) -> str:
    """``Anna Keller``, ``anna.keller`` and ``anna_keller`` all give ``annakeller``."""
    return _SEPARATORS.sub("", name.casefold())


def same_person(a: str, b: str) -> bool:
    return bool(a.strip()) and person_key(a) == person_key(b)
