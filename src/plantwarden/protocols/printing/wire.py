"""Printer protocols: LPD (RFC 1179) and raw/JetDirect print streams with PJL.

LPD (RFC 1179 sections 5-7): a command line is one code byte (1 print waiting jobs,
2 receive a printer job, 3/4 send queue state, 5 remove jobs), the queue name and LF;
inside "receive a printer job" the subcommands are 1 abort, 2 receive control file
("\\x02count SP cfname LF"), 3 receive data file. Control file lines (7.x) start with a
letter: H host name, P user, J job name, N source file name.
PJL (HP PJL Technical Reference, ch. 2 and 7): lines ``@PJL <command> ...`` after the
Universal Exit Language ``ESC%-12345X``; ``@PJL INFO ID`` is answered by the printer with
``@PJL INFO ID`` CRLF, the quoted model name CRLF, then FF.
"""

from __future__ import annotations

UEL = b"\x1b%-12345X"
MAX_SCAN = 4096  # bytes of a print stream searched for PJL lines


def pjl_commands(data: bytes) -> list[str]:
    """``@PJL`` command words with their first argument (``INFO ID``, ``JOB``...)."""
    out: list[str] = []
    for line in data[:MAX_SCAN].replace(UEL, b"\n").split(b"\n"):
        line = line.strip()
        if line[:5].upper() == b"@PJL " or line.upper() == b"@PJL":
            words = line[5:].decode("latin-1").split()
            if words:
                out.append(
                    " ".join(words[:2]).upper()
                    if words[0].upper() in ("INFO", "INQUIRE")
                    else words[0].upper()
                )
    return out


def info_id_answer(data: bytes) -> str | None:
    """The model name in a printer's answer to ``@PJL INFO ID``."""
    at = data.upper().find(b"@PJL INFO ID")
    if at < 0:
        return None
    lines = data[at:MAX_SCAN].split(b"\n")
    if len(lines) < 2:
        return None
    return lines[1].strip().strip(b'"\x0c').decode("latin-1") or None


def control_file(data: bytes) -> dict[str, str]:
    """Host (H), user (P), job (J) and source file (N) lines of an LPD control file (7)."""
    keys = {ord("H"): "hostname", ord("P"): "user", ord("J"): "job_name", ord("N"): "source_file"}
    out: dict[str, str] = {}
    for line in data[:MAX_SCAN].split(b"\n"):
        if line and line[0] in keys and keys[line[0]] not in out:
            out[keys[line[0]]] = line[1:].decode("latin-1").strip()
    return out
