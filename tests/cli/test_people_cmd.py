"""``plantwarden user``, ``token`` and ``audit`` as a person uses them: passwords only from a
hidden prompt or stdin and never in any output or log, a token shown once, roles checked,
bad input in one line (exit 2), and the audit log of the alert queue's changes, verified and
found broken when a row is edited in the database."""

from __future__ import annotations

import csv
import fcntl
import io
import json
import logging
import os
import pty
import sqlite3
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from tests.cli.test_alert_cmd import SITE, made, one_error_line, run

__all__ = ["made"]  # the alert queue's store, made by the real commands (a fixture)

PASSWORD = "correct horse battery staple"
ROOT = Path(__file__).resolve().parents[2]


def add(
    db: str,
    name: str,
    password: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *extra: str,
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
    return run(["user", "add", name, "--password-stdin", "--db", db, *extra], capsys)


@pytest.fixture
def db(made: Path, tmp_path: Path) -> str:
    copy = tmp_path / "people.db"
    copy.write_bytes(made.read_bytes())
    return str(copy)


def site_name(db: str) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute("SELECT name FROM sites").fetchone()[0])


def test_a_password_is_never_in_output_or_logs(
    db: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    code, out, err = add(db, "root", PASSWORD, monkeypatch, capsys, "--admin")
    assert (code, out.strip(), err) == (0, "added user root (admin on every site)", "")
    code, out, err = run(["-vv", "user", "list", "--json", "--db", db], capsys)
    assert code == 0, err
    users = json.loads(out)["users"]
    assert [(u["name"], u["admin"], u["disabled_at"]) for u in users] == [("root", True, None)]
    for shown in (out, err, caplog.text):
        assert PASSWORD not in shown and "scrypt" not in shown and "password_hash" not in shown
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT password_hash FROM users").fetchone()[0]
    assert stored.startswith("scrypt$16384$8$1$") and PASSWORD not in stored


def _own_terminal() -> None:
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def test_the_password_prompt_asks_twice_and_hides_the_input(db: str, tmp_path: Path) -> None:
    """On a real terminal (a pseudo-terminal here): hidden, confirmed, then stored."""
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "plantwarden", "user", "add", "ana", "--db", db],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        close_fds=True,
        # its own session, the pseudo-terminal its controlling terminal: getpass opens /dev/tty,
        # which otherwise is the terminal pytest itself runs on (if any) and the test would hang
        preexec_fn=_own_terminal,
    )
    os.close(follower)
    seen = b""

    def until(prompt: bytes) -> None:
        """Read until the prompt shows with the space getpass itself writes: click echoes the
        prompt's text first, then getpass flushes the terminal's input and writes " ", so input
        typed between the two would be discarded (a race that hung the test under load)."""
        nonlocal seen
        while prompt not in seen:
            chunk = os.read(leader, 1024)
            assert chunk, seen
            seen += chunk

    until(b"Password: ")
    os.write(leader, (PASSWORD + "\n").encode())
    until(b"confirmation: ")
    os.write(leader, (PASSWORD + "\n").encode())
    while True:
        try:
            chunk = os.read(leader, 1024)
        except OSError:  # EIO: the command ended and closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    assert proc.wait(timeout=60) == 0, seen
    text = seen.decode(errors="replace")
    assert "Password:" in text and "Repeat for confirmation:" in text and "added user ana" in text
    assert PASSWORD not in text  # not echoed


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (["user", "add", "ana"], "", "no terminal to ask the password on"),
        (["user", "add", "ana", "--password-stdin"], "", "standard input holds no password"),
        (["user", "add", "ana", "--password-stdin"], "short\n", "too short: at least 12"),
        (["user", "add", "ana", "--password-stdin"], "ana\n", "too short"),
        (["user", "disable", "ghost"], "", "no user 'ghost'; users: 'root'"),
        (["user", "passwd", "ghost", "--password-stdin"], PASSWORD + "\n", "no user 'ghost'"),
        (
            ["user", "grant", "root", "--site-name", "Nowhere", "--role", "viewer"],
            "",
            "no site 'Nowhere' in the store; its sites: 'modbus lab'",
        ),
        (
            ["user", "grant", "root", "--site-name", "x", "--role", "boss"],
            "",
            "unknown role 'boss'; roles: viewer, analyst",
        ),
        (["token", "create", "--user", "ghost"], "", "no user 'ghost'"),
        (["token", "create", "--user", "root", "--expires", "forever"], "", "invalid --expires 'forever'"),
        (["token", "revoke", "42"], "", "no token 42"),
        (["audit", "--site-name", "Nowhere"], "", "no site 'Nowhere'"),
        (["audit", "--since", "last tuesday"], "", "--since 'last tuesday'"),
        (["audit", "--json", "--csv"], "", "give --json or --csv, not both"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    db: str,
    argv: list[str],
    stdin: str,
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    add(db, "root", PASSWORD, monkeypatch, capsys, "--admin")
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code, out, err = run([*argv, "--db", db], capsys)
    assert code == 2, (out, err)
    assert message in one_error_line(err)


def test_a_token_is_shown_once_and_scoped_to_the_users_role(
    db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from plantwarden.people.roles import can
    from plantwarden.people.tokens import authenticate_token

    site = site_name(db)
    add(db, "ana", PASSWORD, monkeypatch, capsys)
    code, out, err = run(["token", "create", "--user", "ana", "--db", db], capsys)
    assert code == 2 and "holds no role" in one_error_line(err)
    assert run(["user", "grant", "ana", "--site-name", site, "--role", "analyst", "--db", db], capsys)[0] == 0
    code, out, err = run(["token", "create", "--user", "ana", "--role", "engineer", "--db", db], capsys)
    assert code == 2 and "--role engineer is above the role of 'ana' (analyst)" in one_error_line(err)
    code, out, err = run(
        [
            "token",
            "create",
            "--user",
            "ana",
            "--site-name",
            site,
            "--expires",
            "12h",
            "--name",
            "ci",
            "--db",
            db,
        ],
        capsys,
    )
    assert code == 0, err
    token = out.strip()
    assert token.startswith("pw_") and "shown once" in err and token not in err
    principal = authenticate_token(f"sqlite:///{db}", token)
    assert principal is not None and principal.name == "ana"
    with sqlite3.connect(db) as conn:
        site_id = conn.execute("SELECT id FROM sites").fetchone()[0]
    assert can(principal, site_id, "alert.work") and not can(principal, site_id, "baseline.edit")
    seen = ""
    for argv in (
        ["token", "list"],
        ["token", "list", "--json"],
        ["token", "list", "--csv", "--user", "ana"],
        ["audit", "--json"],
        ["user", "list", "--json"],
    ):
        code, out, err = run([*argv, "--db", db], capsys)
        assert code == 0, err
        seen += out + err
    assert token not in seen
    listed = list(csv.DictReader(io.StringIO(run(["token", "list", "--csv", "--db", db], capsys)[1])))
    assert [(t["id"], t["user"], t["name"], t["site"], t["state"]) for t in listed] == [
        ("1", "ana", "ci", site, "active")
    ]
    assert run(["token", "revoke", "1", "--db", db], capsys)[1].strip() == "token 1 revoked"
    assert authenticate_token(f"sqlite:///{db}", token) is None


def test_disable_enable_and_revoke(
    db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = site_name(db)
    add(db, "ana", PASSWORD, monkeypatch, capsys)
    assert (
        run(["user", "grant", "ana", "--site-name", site, "--role", "viewer", "--db", db], capsys)[1].strip()
        == f"ana is viewer on site {site}"
    )
    assert (
        run(["user", "grant", "ana", "--site-name", site, "--role", "analyst", "--db", db], capsys)[1].strip()
        == f"ana is analyst on site {site} (was viewer)"
    )
    assert run(["user", "disable", "ana", "--db", db], capsys)[1].strip() == "user ana disabled"
    code, out, err = run(["user", "list", "--csv", "--db", db], capsys)
    assert [(r["user"], r["roles"], r["state"]) for r in csv.DictReader(io.StringIO(out))] == [
        ("ana", f"{site}: analyst", "disabled")
    ]
    assert run(["user", "enable", "ana", "--db", db], capsys)[1].strip() == "user ana enabled"
    assert (
        run(["user", "revoke", "ana", "--site-name", site, "--db", db], capsys)[1].strip()
        == f"ana is no longer analyst on site {site}"
    )
    code, out, err = run(["user", "revoke", "ana", "--site-name", site, "--db", db], capsys)
    assert code == 2 and "holds no role on site" in one_error_line(err)


def test_alert_changes_are_audited_and_tampering_is_found(
    db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["alerts", "--csv", "--db", db], capsys)
    first = next(csv.DictReader(io.StringIO(out)))["id"]
    assert (
        run(
            [
                "alert",
                "ack",
                first,
                "--by",
                "maria",
                "--why",
                "rogue host is the laptop of the integrator",
                "--db",
                db,
            ],
            capsys,
        )[0]
        == 0
    )
    assert (
        run(["alert", "close", first, "--by", "maria", "--why", "laptop removed", "--db", db], capsys)[0] == 0
    )
    add(db, "root", PASSWORD, monkeypatch, capsys, "--admin", "--by", "it-lead")
    code, out, err = run(["audit", "--csv", "--db", db], capsys)
    assert code == 0, err
    entries = [(r["who"], r["action"], r["target"], r["why"]) for r in csv.DictReader(io.StringIO(out))]
    assert entries[0][1:3] == ("site.load", f"site {site_name(db)}")  # the fixture's site load
    assert entries[1:] == [
        ("maria", "alert.ack", f"alert {first}", "rogue host is the laptop of the integrator"),
        ("maria", "alert.close", f"alert {first}", "laptop removed"),
        ("it-lead", "user.add", "root", ""),
    ]
    code, out, err = run(
        ["audit", "--site-name", site_name(db), "--since", "1h", "--json", "--db", db], capsys
    )
    assert [e["action"] for e in json.loads(out)["entries"]] == ["site.load", "alert.ack", "alert.close"]
    code, out, err = run(["audit", "verify", "--db", db], capsys)
    assert (code, out.startswith("audit log intact: 4 entries; head ")) == (0, True), out
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE audit_log SET actor = 'someone else' WHERE seq = 2")
    code, out, err = run(["audit", "verify", "--db", db], capsys)
    assert code == 1
    assert (
        out.strip() == "audit log broken at entry 2: entry 2 was changed after it was written "
        "(1 entries before it verify)"
    )
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE audit_log SET actor = 'maria' WHERE seq = 2")
        conn.execute("DELETE FROM audit_log WHERE seq = 3")
    code, out, err = run(["audit", "verify", "--json", "--db", db], capsys)
    assert code == 1
    verdict = json.loads(out)
    assert (verdict["ok"], verdict["broken_at"], verdict["problem"]) == (
        False,
        3,
        "entry 3 is missing (next is 4)",
    )


def test_site_load_and_baseline_import_are_audited_by_the_os_user(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import getpass

    exported = tmp_path / "baseline.yaml"
    assert run(["baseline", "export", str(exported), "--db", db], capsys)[0] == 0
    assert run(["baseline", "import", str(exported), "--db", db], capsys)[0] == 0
    assert run(["site", "load", str(SITE), "--by", "ot-eng", "--db", db], capsys)[0] == 0
    out = run(["audit", "--json", "--db", db], capsys)[1]
    entries = json.loads(out)["entries"]
    assert [(e["actor"], e["action"]) for e in entries[-2:]] == [
        (getpass.getuser(), "baseline.import"),
        ("ot-eng", "site.load"),
    ]
    assert entries[-2]["details"] == {"source": "imported from baseline.yaml"}
