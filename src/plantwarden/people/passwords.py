"""Password hashing with scrypt from the standard library (no new dependency).

A hash is ``scrypt$n$r$p$salt$key`` (salt and key in hex): the parameters travel with it, so
raising them later leaves older hashes verifiable. Verification compares in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from plantwarden.errors import UsageError

N, R, P = 2**14, 8, 1
SALT_BYTES = 16
KEY_BYTES = 32
MIN_LENGTH = 12
#: scrypt needs 128 * n * r bytes; OpenSSL's default ceiling (32 MiB) is exactly 2**14 * 8 * 128 * 2.
MAXMEM = 64 * 1024 * 1024


def check_strength(password: str, user: str) -> None:
    """Refuse a password too short, of one repeated character, or equal to the user name."""
    if len(password) < MIN_LENGTH:
        raise UsageError(f"the password is too short: at least {MIN_LENGTH} characters")
    if len(set(password)) < 3 or password.strip().lower() == user.strip().lower():
        raise UsageError("the password is too easy to guess: use a longer phrase of mixed characters")


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=MAXMEM, dklen=KEY_BYTES)


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(SALT_BYTES)
    return f"scrypt${N}${R}${P}${salt.hex()}${_derive(password, salt, N, R, P).hex()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches ``stored`` (False for a malformed hash, never an error)."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        derived = _derive(password, bytes.fromhex(salt), int(n), int(r), int(p))
        return hmac.compare_digest(derived, bytes.fromhex(key))
    except ValueError:
        return False
