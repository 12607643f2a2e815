"""UK postcodes: one spelling per postcode, so records from different sources can be compared.

Sources write the same postcode as "n19gu", "N1  9GU" or "N1 9GU." and geocoding and
de-duplication both key on it, so everything is brought to Royal Mail's form: upper case,
one space before the three-character inward code.
"""

from __future__ import annotations

import re

# Royal Mail's rules for which letters may appear where (the outward code's letters are
# restricted by position, the inward code never uses C, I, K, M, O or V).
_OUTWARD = (
    r"(?:[A-PR-UWYZ][0-9]{1,2}"  # N1, E14
    r"|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}"  # SE1, SW19
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]"  # W1A, E1W
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"  # EC1A, SW1A
)
_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"

_FULL_RE = re.compile(rf"(?:GIR0AA|{_OUTWARD}{_INWARD})")
_OUTWARD_RE = re.compile(rf"(?:GIR|{_OUTWARD})")
_NON_ALNUM_RE = re.compile(r"[\W_]+")
_DISTRICT_RE = re.compile(r"[A-Z]{1,2}[0-9]{1,2}")

# A postcode-shaped run inside free text: letters and digits, spaces allowed before the
# inward code, not glued to neighbouring letters or digits.
_IN_TEXT_RE = re.compile(
    r"(?<![A-Za-z0-9])([A-Za-z]{1,2}[0-9][A-Za-z0-9]?\s*[0-9][A-Za-z]{2}|GIR\s*0AA)(?![A-Za-z0-9])",
    re.IGNORECASE,
)


def _compact(text: str | None) -> str | None:
    """Upper-case letters and digits only: spaces and stray punctuation never carry meaning.

    Letters from other scripts are kept (and so fail validation) rather than dropped.
    """
    if not isinstance(text, str):
        return None
    compact = _NON_ALNUM_RE.sub("", text)
    return compact.upper() if compact.isascii() else None


def normalise_postcode(text: str | None) -> str | None:
    """Return a full UK postcode as "N1 9GU", or None when `text` is not exactly one.

    Spaces, case and punctuation are ignored ("n1-9gu.", "(N19GU)"), but nothing else is
    guessed: a letter O typed for a zero is rejected rather than corrected.
    """
    compact = _compact(text)
    if compact is None or not _FULL_RE.fullmatch(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"


def outward_code(text: str | None) -> str | None:
    """Return the outward code ("SW1A") of a full postcode or of an outward code on its own.

    Areas covered and search boxes often give only the outward part ("E1", "n 1"), which
    is still enough to place a record in a district.
    """
    full = normalise_postcode(text)
    if full is not None:
        return full.split(" ")[0]
    compact = _compact(text)
    if compact is None or not _OUTWARD_RE.fullmatch(compact):
        return None
    return compact


def postcode_district(pc: str | None) -> str | None:
    """Return the postcode district ("EC1", "SW1", "N1") of a postcode or outward code.

    Central London's districts are split into sub-districts by a trailing letter (EC1A,
    EC1M, SW1A, W1T); people and council lists mean the district, so the letter is dropped.
    """
    outward = outward_code(pc)
    if outward is None or outward == "GIR":
        return None
    match = _DISTRICT_RE.match(outward)
    return match.group(0) if match else None


def find_postcode(text: str | None) -> str | None:
    """Return the last valid postcode in a free-text address ("12 High St, London N1 9GU").

    The postcode ends a UK address, so when a line holds several candidates the last one
    wins; shapes that fail validation ("Flat 2B 3AB" style noise) are skipped.
    """
    if not isinstance(text, str):
        return None
    for match in reversed(list(_IN_TEXT_RE.finditer(text))):
        postcode = normalise_postcode(match.group(1))
        if postcode is not None:
            return postcode
    return None
