"""Operating-system end-of-support dates (a dated table; refresh it with each release).

Windows: end of extended support from Microsoft's product lifecycle pages (paid Extended
Security Updates not counted). Linux: the date of the last release of each long-term kernel
series on kernel.org's "Releases" page; a series not listed and older than the oldest
listed supported one was never long-term and is end of life. Table compiled 2026-11.
"""

from __future__ import annotations

from datetime import date

TABLE_DATE = date(2026, 11, 21)
WINDOWS_SOURCE = "Microsoft product lifecycle (end of extended support), table of 2026-11"
LINUX_SOURCE = "kernel.org releases (last release of the long-term series), table of 2026-11"

WINDOWS_EOS: dict[str, date] = {
    "Windows NT 4.0": date(2004, 12, 31),
    "Windows 2000": date(2010, 7, 13),
    "Windows XP": date(2014, 4, 8),
    "Windows Vista": date(2017, 4, 11),
    "Windows 7": date(2020, 1, 14),
    "Windows 8": date(2016, 1, 12),
    "Windows 8.1": date(2023, 1, 10),
    "Windows 10": date(2025, 10, 14),
    "Windows Server 2003": date(2015, 7, 14),
    "Windows Server 2008": date(2020, 1, 14),
    "Windows Server 2008 R2": date(2020, 1, 14),
    "Windows Server 2012": date(2023, 10, 10),
    "Windows Server 2012 R2": date(2023, 10, 10),
    "Windows Server 2016": date(2027, 1, 12),
    "Windows Server 2019": date(2029, 1, 9),
    "Windows Server 2022": date(2031, 10, 14),
}

# NT kernel version -> (workstation name, server name); build numbers refine (RTM builds).
NT_VERSIONS: dict[str, tuple[str, str]] = {
    "4.0": ("Windows NT 4.0", "Windows NT 4.0"),
    "5.0": ("Windows 2000", "Windows 2000"),
    "5.1": ("Windows XP", "Windows XP"),
    "5.2": ("Windows XP", "Windows Server 2003"),
    "6.0": ("Windows Vista", "Windows Server 2008"),
    "6.1": ("Windows 7", "Windows Server 2008 R2"),
    "6.2": ("Windows 8", "Windows Server 2012"),
    "6.3": ("Windows 8.1", "Windows Server 2012 R2"),
    "10.0": ("Windows 10", "Windows Server 2016"),
}
NT_BUILDS: dict[int, tuple[str, str]] = {
    2195: NT_VERSIONS["5.0"],
    2600: NT_VERSIONS["5.1"],
    3790: NT_VERSIONS["5.2"],
    6000: NT_VERSIONS["6.0"],
    6001: NT_VERSIONS["6.0"],
    6002: NT_VERSIONS["6.0"],
    7600: NT_VERSIONS["6.1"],
    7601: NT_VERSIONS["6.1"],
    9200: NT_VERSIONS["6.2"],
    9600: NT_VERSIONS["6.3"],
    14393: ("Windows 10", "Windows Server 2016"),
    17763: ("Windows 10", "Windows Server 2019"),
    20348: ("Windows 10", "Windows Server 2022"),
}

LINUX_LTS_EOL: dict[tuple[int, int], date] = {
    (2, 6): date(2016, 3, 12),  # 2.6.32, the last 2.6 long-term series
    (3, 2): date(2018, 5, 31),
    (3, 4): date(2016, 10, 26),
    (3, 10): date(2017, 11, 4),
    (3, 16): date(2020, 6, 10),
    (3, 18): date(2017, 2, 8),
    (4, 4): date(2022, 2, 3),
    (4, 9): date(2023, 1, 7),
    (4, 14): date(2024, 1, 10),
    (4, 19): date(2024, 12, 5),
}
OLDEST_SUPPORTED_LINUX = (5, 4)
