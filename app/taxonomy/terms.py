"""Finding taxonomy terms for the search filters: by code or name, and with descendants."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from app.models import Taxonomy, TaxonomyTerm
from app.sql_text import escape_like


def descendant_ids(session: Session, term_ids: Iterable[str]) -> set[str]:
    """The terms and every term below them (children, grandchildren, ...), in one query."""
    ids = list(term_ids)
    if not ids:
        return set()
    tree = select(TaxonomyTerm.id).where(TaxonomyTerm.id.in_(ids)).cte("tree", recursive=True)
    child = aliased(TaxonomyTerm)
    tree = tree.union(select(child.id).join(tree, child.parent_id == tree.c.id))
    return set(ids) | set(session.scalars(select(tree.c.id)))


def find_term_ids(session: Session, text: str, vocabulary: str | None = None) -> set[str]:
    """Terms whose code or name is `text`, case-insensitively, with their descendants.

    A code matches in full ("need:loneliness") or by its last part ("loneliness"). The
    result also holds terms of other taxonomies with the same name as a term found, so
    "walking groups" finds services an importer tagged with its own "Walking groups" term
    as well as those tagged with the built-in one. `vocabulary` (a taxonomy name)
    restricts the terms matched to that taxonomy. One query (a recursive CTE).
    """
    wanted = " ".join(text.split()).lower()
    if not wanted:
        return set()
    anchor = select(TaxonomyTerm.id).where(
        or_(
            func.lower(TaxonomyTerm.name) == wanted,
            func.lower(TaxonomyTerm.code) == wanted,
            func.lower(TaxonomyTerm.code).like("%:" + escape_like(wanted), escape="\\"),
        )
    )
    if vocabulary:
        anchor = anchor.where(TaxonomyTerm.taxonomy_id.in_(taxonomy_ids_named(vocabulary)))
    matched = anchor.cte("matched", recursive=True)
    child = aliased(TaxonomyTerm)
    matched = matched.union(select(child.id).join(matched, child.parent_id == matched.c.id))
    found = select(TaxonomyTerm.id).where(TaxonomyTerm.id.in_(select(matched.c.id)))
    if not vocabulary:
        names = select(func.lower(TaxonomyTerm.name)).where(
            TaxonomyTerm.id.in_(select(matched.c.id))
        )
        found = select(TaxonomyTerm.id).where(
            or_(
                TaxonomyTerm.id.in_(select(matched.c.id)),
                func.lower(TaxonomyTerm.name).in_(names),
            )
        )
    return set(session.scalars(found))


def taxonomy_ids_named(name: str):
    """A select of the IDs of taxonomies called `name` (case-insensitive)."""
    return select(Taxonomy.id).where(func.lower(Taxonomy.name) == " ".join(name.split()).lower())
