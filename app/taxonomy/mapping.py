"""Mapping a source's category text onto built-in terms.

Sources label services "Befriending & social contact", "Money advice" or "Exercise";
`map_category` returns the built-in terms that text means, by keywords first (whole
words, plurals and -ing forms folded: "Walks" is "walk") and rapidfuzz for typos
("Befreinding"). Branch headings ("Needs", "Activity types") are never returned.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Attribute, Taxonomy, TaxonomyTerm, stable_id
from app.taxonomy.builtin import all_terms
from app.taxonomy.load import builtin_taxonomy_id, builtin_term_id, ensure_builtin_taxonomy

FUZZY_CUTOFF = 88  # rapidfuzz ratio for one mistyped word ("befreinding" ~ "befriending")
FUZZY_MIN_LENGTH = 5  # shorter words are matched exactly only ("art" is not "arts" typo'd)
_WORD = re.compile(r"[a-z0-9]+")


def tokens(text: str) -> list[str]:
    """Lower-case ASCII words, "&" read as "and", "men's" as "mens"."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    folded = folded.replace("&", " and ").replace("'", "")
    return _WORD.findall(folded)


def stem(word: str) -> str:
    """A crude English stem, enough to fold plurals and -ing forms."""
    for suffix in ("ing", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


@cache
def _keyword_index() -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """(term id, stemmed keyword words, raw keyword words) for every keyword of every leaf."""
    index = []
    for builtin in all_terms():
        if builtin.parent is None:
            continue  # a branch heading is too broad to be what a category means
        for keyword in (builtin.name, *builtin.keywords):
            words = tuple(tokens(keyword))
            index.append((builtin_term_id(builtin.code), tuple(map(stem, words)), words))
    return index


@cache
def _known_stems() -> frozenset[str]:
    """Every word of every keyword, stemmed."""
    return frozenset(word for _, stems, _ in _keyword_index() for word in stems)


def _contains(haystack: list[str], needle: tuple[str, ...]) -> bool:
    size = len(needle)
    return any(tuple(haystack[i : i + size]) == needle for i in range(len(haystack) - size + 1))


def score_terms(text: str) -> dict[str, float]:
    """Built-in term ID -> how strongly `text` names it (0 when it does not)."""
    words = tokens(text)
    stems = [stem(word) for word in words]
    scores: dict[str, float] = {}
    for term_id, keyword_stems, keyword_words in _keyword_index():
        if _contains(stems, keyword_stems):
            score = 10.0 * len(keyword_stems)
        elif len(keyword_words) == 1 and len(keyword_words[0]) >= FUZZY_MIN_LENGTH:
            # A word that is itself a keyword is no typo of another: "carers" is not
            # "careers", "walks" not "talks".
            best = max(
                (
                    fuzz.ratio(word, keyword_words[0])
                    for word, word_stem in zip(words, stems, strict=True)
                    if len(word) >= 4 and word_stem not in _known_stems()
                ),
                default=0.0,
            )
            score = best / 20 if best >= FUZZY_CUTOFF else 0.0
        else:
            score = 0.0
        if score > scores.get(term_id, 0.0):
            scores[term_id] = score
    return {term_id: score for term_id, score in scores.items() if score > 0}


def map_category(session: Session, text: str | None) -> list[str]:
    """IDs of the built-in terms a source category means, best first (may be empty).

    The built-in taxonomy is created first if the database does not have it yet, so the
    IDs returned can be linked to straight away.
    """
    if not text or not text.strip():
        return []
    ensure_builtin_terms(session)
    return category_terms(text)


def ensure_builtin_terms(session: Session) -> None:
    """Create the built-in taxonomy if the database does not have it yet."""
    if session.get(Taxonomy, builtin_taxonomy_id()) is None:
        ensure_builtin_taxonomy(session)


def category_terms(text: str | None) -> list[str]:
    """`map_category` without the database: the IDs it returns, which a caller must make
    sure exist (an import's worker process maps categories; the import ensures the terms)."""
    if not text or not text.strip():
        return []
    order = _term_order()
    scores = score_terms(text)
    return sorted(scores, key=lambda term_id: (-scores[term_id], order[term_id]))


@cache
def _term_order() -> dict[str, int]:
    return {builtin_term_id(t.code): i for i, t in enumerate(all_terms())}


def link_builtin_equivalents(session: Session, service_ids: list[str]) -> int:
    """Tag these services with the built-in term of the same name as each term they carry
    ("Walking groups" of a source's own taxonomy -> the built-in "Walking groups"), so the
    built-in filters find them. Idempotent; returns how many links were added."""
    builtin_by_name = {
        t.name.lower(): builtin_term_id(t.code) for t in all_terms() if t.parent is not None
    }
    ensure_builtin_terms(session)
    rows = session.execute(
        select(Attribute.link_id, Attribute.taxonomy_term_id, TaxonomyTerm.name)
        .join(TaxonomyTerm, TaxonomyTerm.id == Attribute.taxonomy_term_id)
        .where(Attribute.link_entity == "service", Attribute.link_id.in_(service_ids))
    ).all()
    present = {(link_id, term_id) for link_id, term_id, _ in rows}
    wanted = set()
    for link_id, _term_id, name in rows:
        term_id = builtin_by_name.get(name.lower())
        if term_id and (link_id, term_id) not in present:
            wanted.add((link_id, term_id))
    for link_id, term_id in sorted(wanted):
        session.add(
            Attribute(
                id=stable_id("attribute", "signpost-builtin", link_id, term_id),
                link_id=link_id,
                link_entity="service",
                taxonomy_term_id=term_id,
            )
        )
    session.flush()
    return len(wanted)
