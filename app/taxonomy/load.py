"""Writing the built-in taxonomy into the database, idempotently, with stable IDs."""

from __future__ import annotations

from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import generation
from app.models import Taxonomy, TaxonomyTerm, stable_id
from app.taxonomy.builtin import (
    TAXONOMY_DESCRIPTION,
    TAXONOMY_NAME,
    TAXONOMY_VERSION,
    BuiltinTerm,
    all_terms,
)


def builtin_taxonomy_id() -> str:
    return stable_id("taxonomy", "signpost-builtin")


def builtin_term_id(code: str) -> str:
    """The ID of a built-in term from its code ("need:loneliness"): a uuid5, stable forever."""
    return stable_id("taxonomy_term", "signpost-builtin", code)


@cache
def term_keywords() -> dict[str, tuple[str, ...]]:
    """Built-in term ID -> its name and keywords (for the text index and mapping)."""
    return {builtin_term_id(t.code): (t.name, *t.keywords) for t in all_terms()}


def ensure_builtin_taxonomy(session: Session) -> int:
    """Create or update the built-in taxonomy and its terms; returns how many rows changed.

    Safe to call on every start: a second call changes nothing. Terms a later release
    drops are left in place (attributes may still point at them).
    """
    changed = 0
    taxonomy_id = builtin_taxonomy_id()
    taxonomy = session.get(Taxonomy, taxonomy_id)
    wanted = {
        "name": TAXONOMY_NAME,
        "description": TAXONOMY_DESCRIPTION,
        "version": TAXONOMY_VERSION,
    }
    if taxonomy is None:
        session.add(Taxonomy(id=taxonomy_id, **wanted))
        session.flush()
        changed += 1
    elif _update(taxonomy, wanted):
        changed += 1
    existing = {
        term.id: term
        for term in session.scalars(
            select(TaxonomyTerm).where(TaxonomyTerm.taxonomy_id == taxonomy_id)
        )
    }
    for builtin in all_terms():  # parents first, so each parent row exists before its children
        values = _term_values(builtin, taxonomy_id)
        current = existing.get(values["id"])
        if current is None:
            session.add(TaxonomyTerm(**values))
            session.flush()
            changed += 1
        elif _update(current, values):
            changed += 1
    session.flush()
    if changed:
        generation.change_after_commit(session)  # searches keep terms found by name
    return changed


def _term_values(builtin: BuiltinTerm, taxonomy_id: str) -> dict[str, str | None]:
    return {
        "id": builtin_term_id(builtin.code),
        "code": builtin.code,
        "name": builtin.name,
        "description": builtin.description,
        "parent_id": builtin_term_id(builtin.parent) if builtin.parent else None,
        "taxonomy": TAXONOMY_NAME,
        "taxonomy_id": taxonomy_id,
        "language": "en",
    }


def _update(row: object, values: dict) -> bool:
    """Set the values that differ; True if any did."""
    different = {key: value for key, value in values.items() if getattr(row, key) != value}
    for key, value in different.items():
        setattr(row, key, value)
    return bool(different)
