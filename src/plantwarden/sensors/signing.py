"""Ed25519 keys and signatures (the ``cryptography`` package), as base64 text.

A sensor's private key is its 32-byte seed; the central keeps the 32-byte public key.
Signatures cover exact bytes: a batch's canonical JSON (:func:`plantwarden.sensors.batch.canonical`).
"""

from __future__ import annotations

import base64
import binascii

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from plantwarden.errors import UsageError


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def new_private_key() -> str:
    """A fresh private key (its seed, base64)."""
    seed = Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return _b64(seed)


def public_key(private: str) -> str:
    """The public key (base64) of a private key."""
    key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(private))
    return _b64(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))


def check_public_key(text: str) -> str:
    """A public key as given on the command line (base64 of 32 bytes), or a usage error."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
        Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError) as exc:
        raise UsageError(
            f"invalid public key {text[:16]!r}...: expected base64 of a 32-byte Ed25519 key"
        ) from exc
    return _b64(raw)


def sign(private: str, data: bytes) -> str:
    return _b64(Ed25519PrivateKey.from_private_bytes(base64.b64decode(private)).sign(data))


def verify(public: str, data: bytes, signature: str) -> bool:
    """Whether ``signature`` (base64) is the key's signature of ``data``."""
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public))
        key.verify(base64.b64decode(signature, validate=True), data)
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True
