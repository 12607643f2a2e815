"""Words of user text and of indexed documents, folded the same way on both engines."""

from __future__ import annotations

import re
import unicodedata

WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_QUERY_WORDS = 12

# Words too common to search for. PostgreSQL's english configuration drops these from a
# query and SQLite's FTS5 would not, so both backends leave them out: the same text then
# means the same search everywhere. (Snowball's English list, as PostgreSQL ships it.)
STOPWORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before
    being below between both but by can did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only
    or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under
    until up very was we were what when where which while who whom why will with you your
    yours yourself yourselves s t don
    """.split()
)


def strip_accents(text: str) -> str:
    """ "Café" -> "Cafe": indexed text is stored so, as PostgreSQL's english configuration
    would otherwise keep "café" and "cafe" apart (SQLite's tokenizer folds them itself)."""
    if text.isascii():  # nothing to decompose (most text, and an import indexes it all)
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def fold(text: str) -> str:
    """Lower case, accents removed ("Café" -> "cafe"), as both engines' tokenizers do."""
    return strip_accents(text).lower()


def fold_key(text: str) -> str:
    """`fold`, with apostrophes dropped too ("Men's" -> "mens"), for typed-ahead keys."""
    return fold(text).replace("'", "").replace("\u2019", "")


def query_words(text: str) -> list[str]:
    """The searchable words of user text: letters and digits only (no operator, quote or
    wildcard reaches a query language), stopwords left out."""
    words = [w for w in WORD.findall(fold(text)) if w not in STOPWORDS]
    return words[:MAX_QUERY_WORDS]


def vocabulary_words(text: str) -> set[str]:
    """The words of an indexed document kept for typo correction: alphabetic, 3+ letters."""
    return {w for w in WORD.findall(fold(text)) if len(w) >= 3 and w.isalpha() and w.isascii()}


def suggestion_keys(name: str) -> set[str]:
    """Keys under which a name is suggested: the folded name from each word on, so "gar"
    completes "Brixton Community Garden" as well as "Gardening and green activity"."""
    words = WORD.findall(fold_key(name))
    return {
        " ".join(words[i:])[:200]
        for i, word in enumerate(words)
        if word not in STOPWORDS and word.isascii()
    }


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string above every string starting with `prefix` (for a range scan)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)
