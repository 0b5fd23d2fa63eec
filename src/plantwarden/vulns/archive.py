"""Unpacking a content archive (zip, tar, tar.gz, tgz, tar.xz) without trusting its names:
an absolute path, a ``..`` part, a link or a device member refuses the whole archive before
anything is written."""

from __future__ import annotations

import tarfile
import zipfile
from pathlib import Path, PurePosixPath

from plantwarden.errors import InputError

SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.xz", ".tar.bz2")


def is_archive(path: Path) -> bool:
    return path.is_file() and path.name.lower().endswith(SUFFIXES)


def _safe(archive: Path, name: str) -> None:
    p = PurePosixPath(name.replace("\\", "/"))
    if p.is_absolute() or ".." in p.parts or (p.parts and ":" in p.parts[0]):
        raise InputError(
            f"{archive}: member {name!r} would be written outside the bundle (path traversal); refused"
        )


def unpack(archive: Path, into: Path) -> None:
    try:
        if archive.name.lower().endswith(".zip"):
            with zipfile.ZipFile(archive) as z:
                for info in z.infolist():
                    _safe(archive, info.filename)
                    if (info.external_attr >> 16) & 0o170000 == 0o120000:
                        raise InputError(f"{archive}: member {info.filename!r} is a symbolic link; refused")
                z.extractall(into)
            return
        with tarfile.open(archive) as t:
            members = t.getmembers()
            for m in members:
                _safe(archive, m.name)
                if not (m.isfile() or m.isdir()):
                    raise InputError(f"{archive}: member {m.name!r} is a link or device; refused")
            t.extractall(into, members=members, filter="data")
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError) as exc:
        raise InputError(f"{archive}: not a readable archive ({exc})") from None
