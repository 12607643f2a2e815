"""The two tables beside the text index, kept by `index_services` on both engines:

- `service_search_word`: every word of every indexed document, unstemmed, for typo
  correction ("gardning" -> "gardening"). Words are only ever added: a word that no
  service uses any more can still be a correction, which then simply finds nothing.
- `service_search_suggestion`: service and taxonomy term names under each word-suffix
  of the name ("garden volunteering"), for indexed prefix lookups as a user types.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, bindparam, column, delete, select, table, text
from sqlalchemy.orm import Session

from app.chunks import chunks
from app.records.bulk_insert import insert_rows
from app.search.words import suggestion_keys, vocabulary_words
from app.taxonomy.needs import everyday_words

word_table = table("service_search_word", column("word"))
suggestion_table = table(
    "service_search_suggestion", column("key"), column("kind"), column("ref_id")
)
BATCH = 5000

Bind = Session | Connection


def insert_ignoring_duplicates(bind: Bind, target: Any, rows: list[dict[str, str]]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING, in batches (executemany)."""
    connection = bind.connection() if isinstance(bind, Session) else bind
    for chunk in chunks(rows, BATCH):
        insert_rows(connection, target, chunk, ignore_duplicates=True)


def add_words(bind: Bind, texts: Iterable[str]) -> None:
    words: set[str] = set()
    for part in texts:
        words |= vocabulary_words(part)
    add_vocabulary(bind, words)


def add_vocabulary(bind: Bind, words: Iterable[str]) -> None:
    """Add these words (from vocabulary_words) to the typo-correction vocabulary."""
    insert_ignoring_duplicates(bind, word_table, [{"word": w} for w in sorted(words)])


def suggestion_rows(kind: str, ref_id: str, name: str) -> list[dict[str, str]]:
    return [{"key": key, "kind": kind, "ref_id": ref_id} for key in suggestion_keys(name)]


def replace_service_suggestions(
    bind: Bind,
    service_ids: list[str],
    names: dict[str, str],
    terms: Iterable[tuple[str, str]],
) -> None:
    """Replace the suggestions of these services; add those of the terms they use."""
    # By ref_id alone (a service's id is never a term's): with `kind` too, PostgreSQL may
    # start from the primary key's `kind` prefix, every service's rows, while a big
    # import fills the table faster than statistics follow. One ref_id at a time
    # (executemany): with an IN list and no statistics it scanned the table per chunk.
    if service_ids:
        connection = bind.connection() if isinstance(bind, Session) else bind
        statement = delete(suggestion_table).where(suggestion_table.c.ref_id == bindparam("ref"))
        connection.execute(statement, [{"ref": service_id} for service_id in service_ids])
    rows: list[dict[str, str]] = []
    for service_id, name in names.items():
        rows += suggestion_rows("service", service_id, name)
    insert_ignoring_duplicates(bind, suggestion_table, rows)
    add_term_suggestions(bind, terms)


def add_term_suggestions(bind: Bind, terms: Iterable[tuple[str, str]]) -> None:
    """Add the suggestions of these taxonomy terms (id, name) where they are missing; a
    need's term is also suggested under its everyday words ("money worries" -> Debt)."""
    rows: list[dict[str, str]] = []
    everyday = everyday_words()
    for term_id, name in set(terms):
        for words in (name, *everyday.get(term_id, ())):
            rows += suggestion_rows("taxonomy_term", term_id, words)
    insert_ignoring_duplicates(bind, suggestion_table, rows)


def rebuild_auxiliary(bind: Bind) -> None:
    """Fill both tables from the text index and the taxonomy links already there."""
    documents = bind.execute(text("SELECT service_id, name, body FROM service_search")).all()
    add_words(bind, (f"{name} {body}" for _, name, body in documents))
    terms = bind.execute(
        text(
            "SELECT DISTINCT t.id, t.name FROM attribute a "
            "JOIN taxonomy_term t ON t.id = a.taxonomy_term_id WHERE a.link_entity = 'service'"
        )
    ).all()
    names = {service_id: name for service_id, name, _ in documents}
    ids = list(names)
    # one call even with no services, so the terms' suggestions are still written
    for number, chunk in enumerate(chunks(ids, BATCH) if ids else [[]]):
        replace_service_suggestions(
            bind,
            chunk,
            {i: names[i] for i in chunk},
            [(t, n) for t, n in terms] if number == 0 else [],
        )


def known_words(bind: Bind) -> list[str]:
    """The whole vocabulary, sorted (for engines that correct typos in Python)."""
    return list(bind.execute(select(word_table.c.word).order_by(word_table.c.word)).scalars())
