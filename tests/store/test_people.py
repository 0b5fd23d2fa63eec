"""People on both backends: users and passwords, roles and ``can``, API tokens, and the
hash-chained audit log (tampering found, concurrent writers keep one chain)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from plantwarden.errors import NotFoundError, UsageError
from plantwarden.people import audit, tokens, users
from plantwarden.people.passwords import hash_password, verify_password
from plantwarden.people.roles import ACTIONS, ROLES, Principal, can
from plantwarden.store.engine import open_engine, upgrade
from plantwarden.store.sites import choose_site
from plantwarden.store.types import utc_now

PASSWORD = "a long enough passphrase"
ROOT = Path(__file__).resolve().parents[2]


def sql(url: str, statement: str) -> None:
    engine = open_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(statement))
    finally:
        engine.dispose()


def dump(url: str) -> str:
    """Every value of every people table, as text (to look for secrets in)."""
    engine = open_engine(url)
    try:
        with engine.connect() as conn:
            return "\n".join(
                repr(row)
                for table in ("users", "user_roles", "api_tokens", "audit_log")
                for row in conn.execute(text(f"SELECT * FROM {table}"))
            )
    finally:
        engine.dispose()


def test_scrypt_hashes_are_salted_and_verify_in_constant_time() -> None:
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first != second  # a per-user salt
    scheme, n, r, p, salt, key = first.split("$")
    assert (scheme, n, r, p, len(salt), len(key)) == ("scrypt", str(2**14), "8", "1", 32, 64)
    assert verify_password(PASSWORD, first) and verify_password(PASSWORD, second)
    assert not verify_password(PASSWORD + "x", first)
    assert not verify_password(PASSWORD, "md5$abc") and not verify_password(PASSWORD, "scrypt$x$y$z$q$r")


@pytest.mark.parametrize(
    ("name", "password", "why"),
    [
        ("ana", "", "too short"),
        ("ana", "short pass", "too short"),
        ("ana", "aaaaaaaaaaaaaaaa", "too easy"),
        ("ana.maier.long", "ana.maier.long", "too easy"),
        ("ana maier", PASSWORD, "invalid user name"),
    ],
)
def test_weak_passwords_and_bad_names_are_refused(tmp_path: Path, name: str, password: str, why: str) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    with pytest.raises(UsageError, match=why):
        users.add_user(url, name, password, is_admin=False, actor="t")


def test_users_passwords_and_disable(store_url: str) -> None:
    users.add_user(store_url, "root", PASSWORD, is_admin=True, actor="os")
    with pytest.raises(UsageError, match="exists already"):
        users.add_user(store_url, "root", PASSWORD, is_admin=False, actor="os")
    assert users.authenticate_password(store_url, "root", PASSWORD) is not None
    assert users.authenticate_password(store_url, "root", "wrong password!") is None
    assert users.authenticate_password(store_url, "nobody", PASSWORD) is None
    assert users.set_disabled(store_url, "root", True, actor="os")
    assert not users.set_disabled(store_url, "root", True, actor="os")
    assert users.authenticate_password(store_url, "root", PASSWORD) is None
    users.set_disabled(store_url, "root", False, actor="os")
    users.set_password(store_url, "root", "a new long passphrase", actor="os")
    assert users.authenticate_password(store_url, "root", PASSWORD) is None
    assert users.authenticate_password(store_url, "root", "a new long passphrase") is not None
    with pytest.raises(NotFoundError, match="no user 'ghost'; users: 'root'"):
        users.set_disabled(store_url, "ghost", True, actor="os")
    assert PASSWORD not in dump(store_url) and "a new long passphrase" not in dump(store_url)


def test_can_follows_the_role_order_and_admins_are_admin_everywhere() -> None:
    for held in ROLES:
        p = Principal(1, "u", False, {7: held})
        for action, least in ACTIONS.items():
            assert can(p, 7, action) == (ROLES.index(held) >= ROLES.index(least)), (held, action)
            assert not can(p, 8, action)  # another site: nothing
            assert not can(p, None, action)  # store-wide: only an admin user
    admin = Principal(1, "root", True)
    assert all(can(admin, site, action) for site in (None, 7, 8) for action in ACTIONS)
    scoped = Principal(1, "root", True, scope_site=7, scope_role="analyst")
    assert can(scoped, 7, "alert.work") and not can(scoped, 7, "site.edit") and not can(scoped, 8, "view")
    with pytest.raises(ValueError, match="unknown action"):
        can(admin, 7, "launch")


def test_grants_per_site(store_url: str) -> None:
    a = choose_site(store_url, "a", add=True)
    b = choose_site(store_url, "b", add=True)
    users.add_user(store_url, "ana", PASSWORD, is_admin=False, actor="os")
    assert users.grant(store_url, "ana", a, "analyst", actor="os") is None
    assert users.grant(store_url, "ana", a, "engineer", actor="os") == "analyst"
    users.grant(store_url, "ana", b, "viewer", actor="os")
    p = users.authenticate_password(store_url, "ana", PASSWORD)
    assert p is not None
    assert (can(p, a.id, "baseline.edit"), can(p, b.id, "view"), can(p, b.id, "alert.work")) == (
        True,
        True,
        False,
    )
    assert users.revoke(store_url, "ana", a, actor="os") == "engineer"
    with pytest.raises(NotFoundError, match="holds no role on site 'a'"):
        users.revoke(store_url, "ana", a, actor="os")
    with pytest.raises(UsageError, match="unknown role 'boss'"):
        users.grant(store_url, "ana", a, "boss", actor="os")
    assert [u.as_dict()["roles"] for u in users.list_users(store_url)] == [{"b": "viewer"}]


def test_tokens_scope_expiry_revocation_and_disabled_users(store_url: str) -> None:
    a = choose_site(store_url, "a", add=True)
    users.add_user(store_url, "ana", PASSWORD, is_admin=False, actor="os")
    with pytest.raises(UsageError, match="holds no role"):
        tokens.create_token(
            store_url, "ana", site=None, role=None, expires=timedelta(days=1), name="t", actor="os"
        )
    users.grant(store_url, "ana", a, "analyst", actor="os")
    with pytest.raises(UsageError, match="--role engineer is above the role of 'ana' \\(analyst\\)"):
        tokens.create_token(
            store_url, "ana", site=a, role="engineer", expires=timedelta(days=1), name="t", actor="os"
        )
    token_id, token = tokens.create_token(
        store_url, "ana", site=a, role="viewer", expires=timedelta(days=1), name="ci", actor="os"
    )
    assert token.startswith("pw_") and len(token) > 40
    assert token not in dump(store_url)
    p = tokens.authenticate_token(store_url, token)
    assert p is not None and (p.name, p.token_id) == ("ana", token_id)
    assert can(p, a.id, "view") and not can(p, a.id, "alert.work")  # the token's role, below ana's
    assert tokens.list_tokens(store_url)[0].last_used_at is not None
    assert tokens.authenticate_token(store_url, token + "x") is None
    assert tokens.authenticate_token(store_url, "not a token") is None
    # the user disabled: the token fails; enabled again: it works again
    users.set_disabled(store_url, "ana", True, actor="os")
    assert tokens.authenticate_token(store_url, token) is None
    users.set_disabled(store_url, "ana", False, actor="os")
    assert tokens.authenticate_token(store_url, token) is not None
    # expired
    sql(store_url, f"UPDATE api_tokens SET expires_at = '2020-01-01 00:00:00.000000' WHERE id = {token_id}")
    assert tokens.authenticate_token(store_url, token) is None
    # revoked
    other_id, other = tokens.create_token(
        store_url, "ana", site=None, role=None, expires=timedelta(hours=1), name="x", actor="os"
    )
    assert tokens.authenticate_token(store_url, other) is not None
    assert tokens.revoke_token(store_url, other_id, actor="os")
    assert not tokens.revoke_token(store_url, other_id, actor="os")
    assert tokens.authenticate_token(store_url, other) is None
    assert [t.state(utc_now()) for t in tokens.list_tokens(store_url)] == ["expired", "revoked"]
    with pytest.raises(NotFoundError, match="no token 99"):
        tokens.revoke_token(store_url, 99, actor="os")


@pytest.mark.parametrize("text_", ["0d", "1y", "30", "400d", "-1d"])
def test_bad_expiry_is_refused(text_: str) -> None:
    with pytest.raises(UsageError, match="--expires"):
        tokens.parse_expiry(text_)


def test_the_chain_verifies_and_edits_and_deletions_are_found(store_url: str) -> None:
    site = choose_site(store_url, "a", add=True)
    for i in range(5):
        audit.record(
            store_url, "ana", "alert.ack", f"alert A{i}", site_id=site.id, why="seen", details={"n": i}
        )
    verdict = audit.verify(store_url)
    assert (verdict.count, verdict.broken_at) == (5, None)
    listed = audit.entries(store_url, site.id)
    assert [e.seq for e in listed] == [1, 2, 3, 4, 5] and listed[-1].hash == verdict.head
    assert listed[0].site == "a" and listed[0].details == {"n": 0}

    sql(store_url, "UPDATE audit_log SET why = 'nothing to see' WHERE seq = 3")
    assert audit.verify(store_url).broken_at == 3
    assert "changed after it was written" in (audit.verify(store_url).problem or "")
    sql(store_url, "UPDATE audit_log SET why = 'seen' WHERE seq = 3")
    assert audit.verify(store_url).broken_at is None

    sql(store_url, "DELETE FROM audit_log WHERE seq = 2")
    verdict = audit.verify(store_url)
    assert (verdict.broken_at, verdict.count) == (2, 1)
    assert verdict.problem == "entry 2 is missing (next is 3)"


def test_an_entry_renumbered_into_a_gap_is_found(store_url: str) -> None:
    upgrade(store_url)
    for i in range(3):
        audit.record(store_url, "ana", "user.add", f"u{i}")
    sql(store_url, "DELETE FROM audit_log WHERE seq = 2")
    sql(store_url, "UPDATE audit_log SET seq = 2 WHERE seq = 3")
    assert audit.verify(store_url).broken_at == 2


APPENDER = textwrap.dedent(
    """
    import sys, time
    from plantwarden.people import audit
    url, who, count, start = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    while time.time() < start:
        time.sleep(0.005)
    for i in range(count):
        audit.record(url, who, "test.append", f"{who} {i}")
    """
)


def test_two_processes_appending_at_once_keep_one_chain(store_url: str, tmp_path: Path) -> None:
    import time

    upgrade(store_url)
    audit.record(store_url, "setup", "test.append", "first")  # the store exists before both start
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    start = str(time.time() + 1.5)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", APPENDER, store_url, who, "25", start], env=env, stderr=subprocess.PIPE
        )
        for who in ("one", "two")
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    verdict = audit.verify(store_url)
    assert (verdict.count, verdict.broken_at) == (51, None)
    actors = [e.actor for e in audit.entries(store_url)]
    assert (actors.count("one"), actors.count("two")) == (25, 25)
