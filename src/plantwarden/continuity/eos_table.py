"""End of support of common operating systems (the last day of security updates).

Source: the vendors' published lifecycle pages - Microsoft Lifecycle Policy (product pages of
Windows XP, Vista, 7, 8, 8.1, 10, Windows Embedded Compact 7, Windows Embedded Standard 7,
Windows Server 2000-2022; extended support end, without paid Extended Security Updates),
Red Hat / CentOS Project end-of-life announcements, Ubuntu release cycle (standard support),
Debian LTS. Compiled 2025-06-01. A declared ``end_of_support`` on an asset always wins.

Each entry is a pattern over ``"<os> <os_version>"`` lower-cased with runs of spaces collapsed;
the first matching entry applies, so the more specific ones come first.
"""

from __future__ import annotations

import re
from datetime import date

SOURCE = (
    "vendor lifecycle pages (Microsoft Lifecycle Policy, CentOS, Ubuntu, Debian LTS), compiled 2025-06-01"
)

OS_END_OF_SUPPORT: tuple[tuple[str, str, date], ...] = (
    # (pattern, product name, end of support)
    (r"windows server 2022\b", "Windows Server 2022", date(2031, 10, 14)),
    (r"windows server 2019\b", "Windows Server 2019", date(2029, 1, 9)),
    (r"windows server 2016\b", "Windows Server 2016", date(2027, 1, 12)),
    (r"windows server 2012\b", "Windows Server 2012 / 2012 R2", date(2023, 10, 10)),
    (r"windows server 2008\b", "Windows Server 2008 / 2008 R2", date(2020, 1, 14)),
    (r"windows server 2003\b", "Windows Server 2003 / 2003 R2", date(2015, 7, 14)),
    (r"windows (server )?2000\b", "Windows 2000", date(2010, 7, 13)),
    (r"windows embedded standard 7\b", "Windows Embedded Standard 7", date(2020, 10, 13)),
    (r"windows (embedded )?(compact|ce) ?7\b", "Windows Embedded Compact 7", date(2021, 4, 13)),
    (r"windows xp\b", "Windows XP", date(2014, 4, 8)),
    (r"windows vista\b", "Windows Vista", date(2017, 4, 11)),
    (r"windows 7\b", "Windows 7", date(2020, 1, 14)),
    (r"windows 8\.1\b", "Windows 8.1", date(2023, 1, 10)),
    (r"windows 8\b", "Windows 8", date(2016, 1, 12)),
    (r"windows 10\b", "Windows 10", date(2025, 10, 14)),
    (r"centos( linux)? 6\b", "CentOS 6", date(2020, 11, 30)),
    (r"centos( linux)? 7\b", "CentOS 7", date(2024, 6, 30)),
    (r"centos( linux)? 8\b", "CentOS 8", date(2021, 12, 31)),
    (r"ubuntu 16\.04\b", "Ubuntu 16.04 LTS", date(2021, 4, 30)),
    (r"ubuntu 18\.04\b", "Ubuntu 18.04 LTS", date(2023, 5, 31)),
    (r"ubuntu 20\.04\b", "Ubuntu 20.04 LTS", date(2025, 5, 31)),
    (r"debian( gnu/linux)? 9\b", "Debian 9", date(2022, 6, 30)),
    (r"debian( gnu/linux)? 10\b", "Debian 10", date(2024, 6, 30)),
)

_COMPILED = tuple((re.compile(p), name, when) for p, name, when in OS_END_OF_SUPPORT)


def os_end_of_support(os: str | None, version: str | None) -> tuple[str, date] | None:
    """(product, end of support) of an operating system, or None when the table does not know it."""
    text = " ".join(f"{os or ''} {version or ''}".lower().split())
    if not text:
        return None
    return next(((name, when) for pattern, name, when in _COMPILED if pattern.match(text)), None)
