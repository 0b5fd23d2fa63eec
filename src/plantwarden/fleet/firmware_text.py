"""When a firmware, vendor or model someone types names what an asset runs.

Firmware: both texts are cut into numbers and words (case does not count, a ``V``/``R``/``FW``
glued to a number is dropped, leading zeros do not count: ``04.02.13`` is ``4.2.13``). The
asked text matches when its parts are a run of the firmware's parts: ``17.9.3`` and ``IOS XE
17.9.3`` match ``IOS XE 17.9.3``; ``17.9`` matches ``17.9.3`` and ``17.9.1`` (a branch), never
``17.10``; ``3.0`` does not match ``3.10``. Equal versions match too (``V3.3`` = ``3.3.0``).

Vendor: the vendor names as matching compares them (``Siemens AG`` = ``Siemens``,
``Allen-Bradley`` = ``Rockwell Automation``), or the asked text inside the vendor's name.
Model: the asked text inside the model, order number or product (spaces do not count).
"""

from __future__ import annotations

import re

from plantwarden.vulns.names import norm, vendor_key, vendor_keys
from plantwarden.vulns.versions import parse_version

_GLUED = re.compile(r"(?<![a-z])(?:fw|v|r)(?=\d)")
_PART = re.compile(r"\d+|[a-z]+")

Part = int | str


def parts(text: str) -> tuple[Part, ...]:
    found = _PART.findall(_GLUED.sub(" ", text.casefold()))
    return tuple(int(p) if p.isdigit() else p for p in found)


def _run(asked: tuple[Part, ...], have: tuple[Part, ...]) -> bool:
    n = len(asked)
    return n > 0 and any(have[i : i + n] == asked for i in range(len(have) - n + 1))


def firmware_matches(asked: str, firmware: str) -> bool:
    if _run(parts(asked), parts(firmware)):
        return True
    a, b = parse_version(asked), parse_version(firmware)
    return a is not None and b is not None and a.key == b.key


def vendor_matches(asked: str, vendors: list[str]) -> bool:
    key = vendor_key(asked)
    wanted = norm(asked)
    return any(key in vendor_keys(v) or wanted in norm(v) for v in vendors)


def _compact(text: str) -> str:
    return "".join(norm(text).split())


def model_matches(asked: str, names: list[str]) -> bool:
    wanted = _compact(asked)
    return any(wanted in _compact(n) for n in names)
