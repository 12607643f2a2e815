"""UK telephone numbers: one national spelling per number, with the extension kept apart.

Sources write the same number as "+44 (0)20 7946 0018", "020-7946-0018" or "02079460018";
the directory shows, compares and de-duplicates numbers in the national format with
Ofcom's usual grouping, and HSDS keeps an extension as a separate number field.
"""

from __future__ import annotations

import re

# A leading label some cells carry ("Tel: ", "Freephone ").
_LABEL_RE = re.compile(
    r"^\s*(?:tel(?:ephone)?|phone|ph|t|free\s*phone|mobile|mob|m|helpline|landline|office|main)"
    r"\b\.?\s*(?:no\.?|number)?\s*[:\-]?\s*",
    re.IGNORECASE,
)
# A trailing extension: "ext 123", "ext. 12", "extn. 45", "extension 2001", "x123".
_EXT_RE = re.compile(
    r"[\s,;(]*(?:extension|extn|ext|x)\s*[.:#]?\s*([0-9]{1,6})\s*\)?\s*$", re.IGNORECASE
)
_ALLOWED_RE = re.compile(r"\+?[0-9\s().\-/]+")
_NON_DIGIT_RE = re.compile(r"[^0-9]")
_SPLIT_RE = re.compile(r"\s*(?:[/;,\n\r]|\s+or\s+)\s*", re.IGNORECASE)
# Longer text is not read: no number (with its label and extension) or cell of numbers is
# that long, and the extension and separator patterns slow down with the square of it.
MAX_NUMBER = 100
MAX_CELL = 1_000

# The few 01 areas with six-digit area codes and five-digit local numbers.
_SIX_DIGIT_AREAS = frozenset(
    {
        "013873",
        "015242",
        "015394",
        "015395",
        "015396",
        "016973",
        "016974",
        "016977",
        "017683",
        "017684",
        "017687",
        "019467",
    }
)


def _group(number: str, *sizes: int) -> str:
    """Split `number` into space-separated groups of the given sizes."""
    parts, start = [], 0
    for size in sizes:
        parts.append(number[start : start + size])
        start += size
    return " ".join(parts)


def _format_national(national: str) -> str | None:
    """Group a national number ("0" + digits) the usual UK way, or None if it is not one."""
    if national == "08001111":  # Childline's short freephone number
        return "0800 1111"
    if len(national) == 6 and national.startswith("116"):  # 116 123 (Samaritans) and kin
        return _group(national, 3, 3)
    if len(national) == 10 and national.startswith("0800"):  # older 0800 XXXXXX numbers
        return _group(national, 4, 6)
    if len(national) != 11 or not national.startswith("0"):
        return None
    if national[1] in "25":  # 020 7946 0018, 029 2018 0000, 056 ...
        return _group(national, 3, 4, 4)
    if national[1] == "1":
        if national[2] == "1" or national[3] == "1":  # 0113, 0161: big-city codes
            return _group(national, 4, 3, 4)
        if national[:6] in _SIX_DIGIT_AREAS:
            return _group(national, 6, 5)
        return _group(national, 5, 6)  # 01632 960123
    if national[1] == "7":  # mobiles
        return _group(national, 5, 6)
    if national[1] in "389":  # 0300, 0345, 0800, 0808, 0845, 09...
        return _group(national, 4, 3, 4)
    return None  # 04 and 06 are not in use


def _national_digits(main: str) -> str | None:
    """Digits of the number in national form ("0..."), or None if it is not a UK number."""
    if not _ALLOWED_RE.fullmatch(main):
        return None
    digits = _NON_DIGIT_RE.sub("", main)
    if main.startswith("+"):
        rest = digits[2:] if digits.startswith("44") else None
    elif digits.startswith("00"):
        rest = digits[4:] if digits.startswith("0044") else None
    elif digits.startswith("44") and len(digits) == 12:  # "44 20 7946 0018", plus sign lost
        rest = digits[2:]
    else:
        return digits
    if not rest:
        return None
    # "+44 (0)20 ..." keeps the trunk zero; "+44 20 ..." needs it back.
    return rest if rest.startswith("0") else "0" + rest


def normalise_phone(text: str | None) -> tuple[str, int | None] | None:
    """Return (national number as "020 7946 0018", extension or None), or None.

    Accepts +44, 0044, "(0)", spaces, dots, dashes and brackets, a leading "Tel:"-style
    label and a trailing extension ("ext 123", "x123"). Non-UK numbers, letters and
    numbers of the wrong length give None rather than a guess.
    """
    if not isinstance(text, str) or len(text) > MAX_NUMBER:
        return None
    main = _LABEL_RE.sub("", text, count=1)
    extension = None
    ext_match = _EXT_RE.search(main)
    if ext_match:
        extension = int(ext_match.group(1))
        main = main[: ext_match.start()]
    main = main.strip()
    national = _national_digits(main)
    if national is None:
        return None
    formatted = _format_national(national)
    return (formatted, extension) if formatted else None


def split_phones(text: str | None) -> list[str]:
    """Split a cell holding several numbers ("020 7946 0018 / 07700 900123") into pieces.

    Pieces are returned as written, for normalise_phone; a piece that is not a number is
    kept so the import can report it. A separator inside one number ("020 / 7946 0018",
    "020 7946 0018, ext 12") does not split it.
    """
    if not isinstance(text, str):
        return []
    if len(text) > MAX_CELL:
        return [text]  # not a cell of numbers; normalise_phone says so
    pieces = [piece for piece in _SPLIT_RE.split(text.strip()) if piece]
    result: list[str] = []
    index = 0
    while index < len(pieces):
        piece = pieces[index]
        index += 1
        if normalise_phone(piece) is None:
            if result and normalise_phone(f"{result[-1]} {piece}") is not None:
                result[-1] = f"{result[-1]} {piece}"
                continue
            if index < len(pieces) and normalise_phone(f"{piece} {pieces[index]}") is not None:
                piece = f"{piece} {pieces[index]}"
                index += 1
        result.append(piece)
    return result
