"""Email addresses: strip what spreadsheets and web pages wrap around them, then check shape.

Sources give "mailto:Info@Example.ORG", "<info@example.org>" or "Jo Bloggs <jo@x.org>";
HSDS wants the bare address. Only the domain is lower-cased: the local part is
case-sensitive in principle, and changing it would not be ours to do.
"""

from __future__ import annotations

import re

_MAILTO_RE = re.compile(r"^mailto:", re.IGNORECASE)
_ANGLE_RE = re.compile(r"<([^<>]*)>")
_LOCAL_RE = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_LABEL_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_TLD_RE = re.compile(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}")
_LEADING = " \t\r\n\"'(["
_TRAILING = " \t\r\n\"')].,;:"


def _trim(text: str) -> str:
    """Remove the quotes, brackets and sentence punctuation text puts around an address."""
    return text.lstrip(_LEADING).rstrip(_TRAILING)


def normalise_email(text: str | None) -> str | None:
    """Return the address as "Jo.Bloggs@example.org" (domain lower-cased), or None.

    Removes "mailto:" (and any "?subject=..."), angle brackets with a display name before
    them, quotes and trailing punctuation. The check is deliberately simple: one "@", a
    dot-atom local part and an ASCII domain with at least two labels.
    """
    if not isinstance(text, str):
        return None
    address = text.strip()
    bracketed = _ANGLE_RE.search(address)
    if bracketed:
        address = bracketed.group(1)
    address = _MAILTO_RE.sub("", _trim(address)).split("?", 1)[0]
    address = _trim(address)
    local, at, domain = address.rpartition("@")
    if not at or len(address) > 254 or len(local) > 64:
        return None
    domain = domain.lower()
    labels = domain.split(".")
    if (
        not _LOCAL_RE.fullmatch(local)
        or len(labels) < 2
        or not all(_LABEL_RE.fullmatch(label) for label in labels)
        or not _TLD_RE.fullmatch(labels[-1])
    ):
        return None
    return f"{local}@{domain}"
