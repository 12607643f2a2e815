"""London boroughs: the names sources write, matched to London's 33 local authorities.

Sources write "LB Camden", "Royal Borough of Kensington & Chelsea", "Tower Hamlets
Council" or "Richmond"; service areas are stored under the ONS names (with their GSS codes)
so areas from different sources can be compared and mapped. The names are held here
rather than read from a data file, so importers work wherever the package is installed.
Typos are matched with rapidfuzz at a conservative cutoff: "Barnes" (a place in Richmond)
must not become "Barnet".
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

PAN_LONDON = "pan-London"
NATIONAL = "national"
ONLINE = "online"

# ONS names and GSS codes of the 33 London local authorities.
BOROUGH_GSS_CODES: dict[str, str] = {
    "City of London": "E09000001",
    "Barking and Dagenham": "E09000002",
    "Barnet": "E09000003",
    "Bexley": "E09000004",
    "Brent": "E09000005",
    "Bromley": "E09000006",
    "Camden": "E09000007",
    "Croydon": "E09000008",
    "Ealing": "E09000009",
    "Enfield": "E09000010",
    "Greenwich": "E09000011",
    "Hackney": "E09000012",
    "Hammersmith and Fulham": "E09000013",
    "Haringey": "E09000014",
    "Harrow": "E09000015",
    "Havering": "E09000016",
    "Hillingdon": "E09000017",
    "Hounslow": "E09000018",
    "Islington": "E09000019",
    "Kensington and Chelsea": "E09000020",
    "Kingston upon Thames": "E09000021",
    "Lambeth": "E09000022",
    "Lewisham": "E09000023",
    "Merton": "E09000024",
    "Newham": "E09000025",
    "Redbridge": "E09000026",
    "Richmond upon Thames": "E09000027",
    "Southwark": "E09000028",
    "Sutton": "E09000029",
    "Tower Hamlets": "E09000030",
    "Waltham Forest": "E09000031",
    "Wandsworth": "E09000032",
    "Westminster": "E09000033",
}

# Other ways sources name a borough, as cleaned by _key().
_ALIASES = {
    "city": "City of London",
    "the city": "City of London",
    "city of london": "City of London",
    "city of london corporation": "City of London",
    "richmond": "Richmond upon Thames",
    "kingston": "Kingston upon Thames",
    "rbkc": "Kensington and Chelsea",
    "lbhf": "Hammersmith and Fulham",
    "h and f": "Hammersmith and Fulham",
}

_SPECIAL_AREAS = {
    "pan london": PAN_LONDON,
    "london wide": PAN_LONDON,
    "londonwide": PAN_LONDON,
    "all london": PAN_LONDON,
    "all of london": PAN_LONDON,
    "all london boroughs": PAN_LONDON,
    "across london": PAN_LONDON,
    "greater london": PAN_LONDON,
    "london": PAN_LONDON,
    "national": NATIONAL,
    "nationwide": NATIONAL,
    "nationally": NATIONAL,
    "uk wide": NATIONAL,
    "uk": NATIONAL,
    "united kingdom": NATIONAL,
    "across the uk": NATIONAL,
    "england": NATIONAL,
    "online": ONLINE,
    "telephone": ONLINE,
    "phone": ONLINE,
    "remote": ONLINE,
    "virtual": ONLINE,
}

_PREFIX_RE = re.compile(
    r"^(?:the\s+)?(?:(?:royal|london)\s+borough\s+of|borough\s+of|lb\s+of|lb|rb|"
    r"city\s+of(?=\s+westminster))\s+"
)
_SUFFIX_RE = re.compile(r"\s+(?:london\s+borough\s+)?(?:city\s+)?(?:borough\s+)?(?:council|lb)$")
_AND = r"\s*(?:&|\band\b|\+)\s*"
_COMPOUND_RE = re.compile(
    rf"\b(?:kensington{_AND}chelsea|hammersmith{_AND}fulham|barking{_AND}dagenham|h{_AND}f)\b",
    re.IGNORECASE,
)
_SPLIT_RE = re.compile(r"\s*(?:[;,/|\n\r&+]|\band\b)\s*", re.IGNORECASE)
_FUZZY_CUTOFF = 85
# Longer text is kept as one piece: no list of areas is that long, and the separator
# pattern slows down with the square of the length.
MAX_LENGTH = 1_000


def _key(text: str) -> str:
    """Lower case, "&" as "and", punctuation as spaces, prefixes and suffixes removed."""
    key = text.lower().replace("&", " and ")
    key = " ".join(re.sub(r"[^a-z0-9]+", " ", key).split())
    key = _SUFFIX_RE.sub("", _PREFIX_RE.sub("", key))
    return key.replace(" upon thames", "")


_KEYS: dict[str, str] = {_key(name): name for name in BOROUGH_GSS_CODES} | _ALIASES


def match_borough(text: str | None) -> str | None:
    """Return the ONS name of the London borough `text` names ("LB Camden" -> "Camden").

    Exact names and known aliases first, then a conservative fuzzy match for typos
    ("Islignton"); None for anything else, including places inside boroughs.
    """
    if not isinstance(text, str):
        return None
    key = _key(text)
    if key not in _KEYS:
        key = key.removesuffix(" london")  # "Camden, London", but not "City of London"
    if key in _KEYS:
        return _KEYS[key]
    if len(key) < 4:
        return None
    best = process.extractOne(key, _KEYS.keys(), scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
    return _KEYS[best[0]] if best else None


def borough_gss_code(name: str | None) -> str | None:
    """Return the GSS code ("E09000007") of a borough, however its name is written."""
    borough = match_borough(name)
    return BOROUGH_GSS_CODES[borough] if borough else None


def _special_area(text: str) -> str | None:
    """The special area a piece names: "pan-London", "national", "online" or None."""
    key = " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())
    return _SPECIAL_AREAS.get(key)


def _protect_compound(match: re.Match[str]) -> str:
    """Hide the "and" inside "Kensington and Chelsea" from the splitter."""
    return re.sub(_AND, "\x00", match.group(0), flags=re.IGNORECASE)


def split_areas(text: str | None) -> list[str]:
    """Split "Camden, Islington and Hackney" into borough names and special areas.

    Each piece becomes a borough's ONS name, "pan-London", "national" or "online"; a
    piece that is none of these is kept as written (cleaned of spaces) so it is not lost.
    Duplicates are dropped, first mention kept. "Kensington and Chelsea" is one borough.
    """
    if not isinstance(text, str):
        return []
    if len(text) > MAX_LENGTH:
        return [" ".join(text.split())] if text.strip() else []
    protected = _COMPOUND_RE.sub(_protect_compound, text)
    areas: list[str] = []
    for piece in _SPLIT_RE.split(protected):
        piece = " ".join(piece.replace("\x00", " and ").split())
        if not piece:
            continue
        area = _special_area(piece) or match_borough(piece) or piece
        if area not in areas:
            areas.append(area)
    return areas
