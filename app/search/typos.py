"""Correcting mistyped search words against the indexed vocabulary.

When a search finds nothing, each word that is not in the vocabulary (nor the start of a
word in it) is replaced by the nearest vocabulary word (rapidfuzz ratio), and the search
is tried again: "gardning" -> "gardening", "befreinding" -> "befriending".

Candidates are looked up with indexed range scans, the same on both engines: first the
words that start with the same letter and have about the same length (most typos), then,
only if none is close enough, a wider net (pg_trgm similarity on PostgreSQL; the whole
vocabulary on SQLite).
"""

from __future__ import annotations

from rapidfuzz import fuzz, process
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.search.auxiliary import known_words, word_table
from app.search.words import prefix_upper_bound

CUTOFF = 75  # rapidfuzz ratio (0-100) a correction must reach
LENGTH_SLACK = 2  # a candidate may be this many letters shorter or longer


def is_known(session: Session, word: str) -> bool:
    """The word, or a word it starts (the search matches prefixes), is in the vocabulary."""
    query = select(word_table.c.word).where(
        word_table.c.word >= word, word_table.c.word < prefix_upper_bound(word)
    )
    return session.execute(query.limit(1)).first() is not None


def _same_start(session: Session, word: str) -> list[str]:
    first = word[0]
    query = (
        select(word_table.c.word)
        .where(
            word_table.c.word >= first,
            word_table.c.word < prefix_upper_bound(first),
            func.length(word_table.c.word).between(
                len(word) - LENGTH_SLACK, len(word) + LENGTH_SLACK
            ),
        )
        .order_by(word_table.c.word)
    )
    return list(session.scalars(query))


def _wider(session: Session, word: str) -> list[str]:
    if session.get_bind().dialect.name == "postgresql":
        query = (
            select(word_table.c.word)
            .where(word_table.c.word.op("%")(word))
            .order_by(word_table.c.word)
        )
        return list(session.scalars(query))
    return known_words(session)


def nearest_word(session: Session, word: str) -> str | None:
    for candidates in (_same_start, _wider):
        best = process.extractOne(word, candidates(session, word), scorer=fuzz.ratio)
        if best is not None and best[1] >= CUTOFF:
            return best[0]
    return None


def correct_words(session: Session, words: list[str]) -> list[str] | None:
    """The words with each unknown one corrected; None when nothing could be corrected."""
    corrected, changed = [], False
    for word in words:
        if not word.isalpha() or is_known(session, word):
            corrected.append(word)
            continue
        nearest = nearest_word(session, word)
        if nearest is None:
            return None
        corrected.append(nearest)
        changed = True
    return corrected if changed else None
