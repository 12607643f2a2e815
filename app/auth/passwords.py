"""Password hashing with scrypt (hashlib, no dependency).

A hash is stored as `scrypt$n$r$p$salt$key` (salt and key base64), so the cost can be
raised later and old hashes still verify; `needs_rehash` says when to upgrade one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SCRYPT_N = 2**15  # CPU/memory cost: about 32 MiB and 50-100 ms per hash
SCRYPT_R = 8
SCRYPT_P = 1
KEY_LENGTH = 32
MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    key = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return "$".join(["scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), _b64(salt), _b64(key)])


def verify_password(password: str, stored: str | None) -> bool:
    """True when `password` matches the stored hash; compared in constant time."""
    if not stored:
        # Spend the same time as a real check, so a missing account cannot be timed.
        _scrypt(password, b"\0" * 16, SCRYPT_N, SCRYPT_R, SCRYPT_P)
        return False
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        candidate = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(candidate, base64.b64decode(key))


def needs_rehash(stored: str) -> bool:
    return not stored.startswith(f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}$")


def password_problem(password: str) -> str | None:
    """Why a new password is not acceptable, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    return None


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode(), salt=salt, n=n, r=r, p=p, maxmem=256 * n * r, dklen=KEY_LENGTH
    )


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")
