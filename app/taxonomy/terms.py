"""Finding taxonomy terms for the search filters: by code or name, and with descendants."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.models import Taxonomy, TaxonomyTerm
from app.services.text import escape_like

MAX_DEPTH = 10  # taxonomies are shallow; this only guards against a parent cycle


def descendant_ids(session: Session, term_ids: Iterable[str]) -> set[str]:
    """The terms and every term below them (children, grandchildren, ...)."""
    found = set(term_ids)
    frontier = set(found)
    for _ in range(MAX_DEPTH):
        if not frontier:
            break
        children = set(
            session.scalars(select(TaxonomyTerm.id).where(TaxonomyTerm.parent_id.in_(frontier)))
        )
        frontier = children - found
        found |= frontier
    return found


def find_term_ids(session: Session, text: str, vocabulary: str | None = None) -> set[str]:
    """Terms whose code or name is `text`, case-insensitively, with their descendants.

    A code matches in full ("need:loneliness") or by its last part ("loneliness"). The
    result also holds terms of other taxonomies with the same name as a term found, so
    "walking groups" finds services an importer tagged with its own "Walking groups" term
    as well as those tagged with the built-in one. `vocabulary` (a taxonomy name)
    restricts the terms matched to that taxonomy.
    """
    wanted = " ".join(text.split()).lower()
    if not wanted:
        return set()
    query = select(TaxonomyTerm.id).where(
        or_(
            func.lower(TaxonomyTerm.name) == wanted,
            func.lower(TaxonomyTerm.code) == wanted,
            func.lower(TaxonomyTerm.code).like("%:" + escape_like(wanted), escape="\\"),
        )
    )
    if vocabulary:
        query = query.where(TaxonomyTerm.taxonomy_id.in_(taxonomy_ids_named(vocabulary)))
    matched = descendant_ids(session, session.scalars(query))
    if not matched or vocabulary:
        return matched
    names = set(
        session.scalars(select(func.lower(TaxonomyTerm.name)).where(TaxonomyTerm.id.in_(matched)))
    )
    same_name = session.scalars(
        select(TaxonomyTerm.id).where(func.lower(TaxonomyTerm.name).in_(names))
    )
    return matched | set(same_name)


def taxonomy_ids_named(name: str):
    """A select of the IDs of taxonomies called `name` (case-insensitive)."""
    return select(Taxonomy.id).where(func.lower(Taxonomy.name) == " ".join(name.split()).lower())
