"""Referral codes: short enough to read out or type, too many to guess.

Ten characters of Crockford's base32 (no I, L, O or U, so nothing reads as another
letter or a word) carry 50 random bits from `secrets`: guessing one live code among a
million at the API's rate limit would take centuries. Shown as two groups of five,
"7KQ2M-XD4PA"; typed in any case, with or without the dash, O read as 0, I and L as 1.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10
BATCH_LENGTH = 8
TYPOS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code(length: int = CODE_LENGTH) -> str:
    """A fresh random code, e.g. "7KQ2MXD4PA" (stored without the dash)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalise_code(text: str | None, length: int = CODE_LENGTH) -> str | None:
    """The stored form of a typed code, or None when it cannot be one:
    `normalise_code(" 7kq2m-xd4pa ")` -> "7KQ2MXD4PA"."""
    cleaned = "".join((text or "").upper().split()).replace("-", "").translate(TYPOS)
    if len(cleaned) != length or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def display_code(code: str) -> str:
    """`display_code("7KQ2MXD4PA")` -> "7KQ2M-XD4PA"."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"
