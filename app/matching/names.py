"""Names as the matcher compares them: one spelling per name, and the words that matter.

Sources write one organisation as "St. Mary's Community Assoc. Ltd", "Saint Marys Community
Association" and "ST MARYS COMMUNITY ASSOCIATION (Registered Charity)". Rules, applied in
this order and documented once:

- lower case, accents folded to ASCII, apostrophes joined ("mary's" -> "marys"),
  "&" and "+" read as "and", every other punctuation mark a space;
- common abbreviations expanded ("assoc" -> "association", "ctr"/"center" -> "centre",
  "comm" -> "community", "cab" -> "citizens advice"), "saint"/"st." -> "st";
- legal-form and filler words dropped ("ltd", "limited", "cic", "cio", "charity", "trust",
  "the", "registered"): they are written or left out at random and never tell two
  organisations apart.

On top of the normalised name two word sets carry the evidence:

- borough names ("Age UK Camden" names Camden): two names that each name a borough, but
  not the same one, belong to different branches of a charity;
- distinctive words: what is left after generic organisation, activity and place words
  ("Friends of Highbury Fields" -> {"highbury"}). Two names that each have a distinctive
  word the other lacks ("Friends of Highbury Fields" / "Friends of Clissold Park") name
  different groups however alike the rest reads.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from app.records.normalise.boroughs import BOROUGH_GSS_CODES

_APOSTROPHE_RE = re.compile(r"['\u2019\u2018`]")
_NON_WORD_RE = re.compile(r"[^a-z0-9]+")

ABBREVIATIONS: dict[str, str] = {
    "assoc": "association",
    "assn": "association",
    "asscn": "association",
    "comm": "community",
    "cmty": "community",
    "ctr": "centre",
    "cntr": "centre",
    "cent": "centre",
    "center": "centre",
    "grp": "group",
    "soc": "society",
    "svc": "service",
    "svcs": "services",
    "info": "information",
    "nhood": "neighbourhood",
    "neighborhood": "neighbourhood",
    "neighbors": "neighbours",
    "organization": "organisation",
    "org": "organisation",
    "yth": "youth",
    "program": "programme",
    "prog": "programme",
    "saint": "st",
    "mt": "mount",
    "rd": "road",
    "gdns": "gardens",
    "sq": "square",
    "cab": "citizens advice",
}

# Legal forms and fillers: present or absent at random, so never evidence either way.
NOISE_WORDS = frozenset(
    "the ltd limited cic cio plc inc llp charity charitable registered incorporated trust "
    "bureau".split()
)

# Words that describe what kind of body or activity something is, or where, but not which.
GENERIC_WORDS = frozenset(
    """
    a an of and in at for on by with to from our your
    community communities centre center association group groups club clubs society project
    projects network foundation hub church hall friends services service support local
    residents neighbours neighbourhood good council borough uk london north south east west
    upper lower new old town park parks fields field common green gardens garden hill road
    street square village st house space place people family families young youth older
    adults adult children women mens men womens elderly senior seniors carers carer care
    centres partnership alliance forum initiative organisation volunteer volunteers
    information advice health wellbeing activity activities session sessions drop weekly
    programme scheme action team circle collective cafe
    """.split()
)

# Borough names and the parts sources use alone ("Hammersmith", "Richmond").
_BOROUGH_ALIASES = {
    "barking": "Barking and Dagenham",
    "dagenham": "Barking and Dagenham",
    "hammersmith": "Hammersmith and Fulham",
    "fulham": "Hammersmith and Fulham",
    "kensington": "Kensington and Chelsea",
    "chelsea": "Kensington and Chelsea",
    "richmond": "Richmond upon Thames",
    "kingston": "Kingston upon Thames",
}


def _fold(text: str) -> str:
    """ASCII lower case with apostrophes joined and all other punctuation as spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    text = _APOSTROPHE_RE.sub("", text).replace("&", " and ").replace("+", " and ")
    return _NON_WORD_RE.sub(" ", text)


def _borough_phrases() -> dict[tuple[str, ...], str]:
    """Token sequences naming a borough, longest first, mapped to the ONS name."""
    phrases = {tuple(_fold(name).split()): name for name in BOROUGH_GSS_CODES}
    phrases |= {(alias,): name for alias, name in _BOROUGH_ALIASES.items()}
    return dict(sorted(phrases.items(), key=lambda item: -len(item[0])))


_BOROUGH_PHRASES = _borough_phrases()
_BOROUGH_WORDS = frozenset(word for phrase in _BOROUGH_PHRASES for word in phrase)
_PHRASES_BY_FIRST: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _phrase, _borough in _BOROUGH_PHRASES.items():  # longest first, as sorted above
    _PHRASES_BY_FIRST.setdefault(_phrase[0], []).append((_phrase, _borough))
_TYPO_PRONE = sorted(w for w in GENERIC_WORDS | NOISE_WORDS | _BOROUGH_WORDS if len(w) >= 5)


@lru_cache(maxsize=200_000)
def normalise_name(text: str | None) -> str:
    """Return the comparable form of a name: "St. Mary's Comm. Assoc Ltd" -> "st marys
    community association". Empty string for no name."""
    if not text:
        return ""
    words = []
    for word in _fold(text).split():
        word = ABBREVIATIONS.get(word, word)
        if word not in NOISE_WORDS:
            words.append(word)
    return " ".join(words)


@lru_cache(maxsize=200_000)
def name_boroughs(name: str) -> frozenset[str]:
    """Boroughs a normalised name mentions ("age uk camden" -> {"Camden"})."""
    tokens = name.split()
    found: set[str] = set()
    index = 0
    while index < len(tokens):
        step = 1
        for phrase, borough in _PHRASES_BY_FIRST.get(tokens[index], ()):
            if tuple(tokens[index : index + len(phrase)]) == phrase:
                found.add(borough)
                step = len(phrase)
                break
        index += step
    return frozenset(found)


@lru_cache(maxsize=200_000)
def _is_generic(word: str) -> bool:
    """Generic words, borough names and numbers, also when mistyped by one edit
    ("suppport", "cnetre"). Only words of six letters or more: "acton" is a place, not
    a slip for "action"."""
    if word in GENERIC_WORDS or word in _BOROUGH_WORDS or word.isdigit():
        return True
    if len(word) < 6:
        return False
    found = process.extractOne(word, _TYPO_PRONE, scorer=OSA.distance, score_cutoff=1)
    return found is not None


@lru_cache(maxsize=200_000)
def distinctive_words(name: str) -> frozenset[str]:
    """Words of a normalised name that say *which* group it is, not what kind."""
    return frozenset(word for word in name.split() if not _is_generic(word))


def has_counterpart(word: str, others: frozenset[str]) -> bool:
    """True if `others` holds `word` or a typo of it (one edit in a short word)."""
    if word in others:
        return True
    cutoff = 80 if len(word) >= 6 else 75
    return any(fuzz.ratio(word, other) >= cutoff for other in others)


@lru_cache(maxsize=500_000)
def words_conflict(first: frozenset[str], second: frozenset[str]) -> bool:
    """True when each side has a distinctive word with no counterpart on the other side.

    One-sided extras are not a conflict: "Bright Futures" and "Bright Futures Youth
    Project" are one organisation written at two lengths.
    """
    if not first or not second:
        return False
    first_extra = any(not has_counterpart(word, second) for word in first)
    return first_extra and any(not has_counterpart(word, first) for word in second)


@lru_cache(maxsize=500_000)
def one_sided_extra(first: frozenset[str], second: frozenset[str]) -> bool:
    """True when exactly one side has a distinctive word the other lacks: "Brentford
    Women's Group" / "Ghanaian Women's Group Brentford" read alike but are two groups."""
    first_extra = any(not has_counterpart(word, second) for word in first)
    second_extra = any(not has_counterpart(word, first) for word in second)
    return first_extra != second_extra and bool(first) and bool(second)


def boroughs_conflict(first: frozenset[str], second: frozenset[str]) -> bool:
    """True when both names name boroughs and share none ("Age UK Camden"/"... Islington")."""
    return bool(first) and bool(second) and not (first & second)


# Words that say what form an activity takes, not what it is: "Bereavement group" and
# "Bereavement support" are one activity; "Walking group" and "Walking football" are not.
KIND_WORDS = frozenset(
    "group groups club clubs class classes session sessions course courses support service "
    "services drop in for the and of at with a".split()
)


def activity_core(activity: str) -> str:
    """The activity without its form words ("bereavement support group" -> "bereavement")."""
    return " ".join(word for word in activity.split() if word not in KIND_WORDS)


def activity_name(service_name: str, organization: str) -> str:
    """The service name without the organisation's words or the place: what it *is*.

    "age uk camden walking group at highbury fields" run by "age uk camden" -> "walking
    group"; a name that is nothing but the organisation's name is kept whole.
    """
    what = service_name.split(" at ")[0] or service_name
    org_words = set(organization.split())
    rest = [word for word in what.split() if word not in org_words]
    while rest and rest[0] in ("at", "by", "with", "in", "for", "of", "and"):
        rest.pop(0)
    return " ".join(rest) or service_name


@lru_cache(maxsize=500_000)
def shares_stem(first: frozenset[str], second: frozenset[str]) -> bool:
    """True when a word of one and a word of the other start alike for four letters or
    more and at least two thirds of the shorter: "knit and natter" / "knitting group",
    "hearing loss support" / "hearing aid clinic". Patient-facing and formal names of
    one activity keep its key word, in some form."""
    for x in first - second:  # words both share say nothing about the ones that differ
        for y in second - first:
            shorter = min(len(x), len(y))
            if shorter < 4:
                continue
            common = 0
            while common < shorter and x[common] == y[common]:
                common += 1
            if common >= 4 and common * 3 >= shorter * 2:
                return True
    return False


# Words that say who a session is for or how it runs: "Individual counselling" and
# "Group counselling", "Youth club" and "Junior youth club" are two services of one
# provider, not one service written at two lengths.
QUALIFIER_WORDS = frozenset(
    """
    junior juniors teen teens teenage teenagers individual couples couple conversation
    beginners beginner advanced intermediate improvers toddler toddlers baby babies dads
    mums online private
    """.split()
)


# Words of the names people use for "the one here": "The cafe", "Drop-in", "Our group".
PLACEHOLDER_WORDS = frozenset(
    "the our a cafe drop in group club session sessions meeting hub shed space".split()
)


@lru_cache(maxsize=200_000)
def is_generic_name(name: str) -> bool:
    """True for a placeholder name ("the cafe", "drop in", "our group"): it says only
    that there is something here, not what, so it is no evidence either way. (Words that
    say what kind of activity, "carers", "womens", "wellbeing", are not placeholders.)"""
    words = name.split()
    return bool(words) and all(w in PLACEHOLDER_WORDS for w in words)
