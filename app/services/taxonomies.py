"""Reading taxonomies and taxonomy terms."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from app.errors import NotFound
from app.models import Taxonomy, TaxonomyTerm
from app.services.listing import Listing
from app.services.paging import Page, in_order
from app.sql_text import escape_like


def taxonomy_listing(session: Session, search: str | None) -> Listing:
    """The taxonomies whose name matches `search` (all without one), by name."""
    ids = select(Taxonomy.id).order_by(Taxonomy.name, Taxonomy.id)
    if search:
        ids = ids.where(Taxonomy.name.ilike(f"%{escape_like(search)}%", escape="\\"))

    def load(page_ids: list[str]) -> list[Taxonomy]:
        rows = session.scalars(select(Taxonomy).where(Taxonomy.id.in_(page_ids)))
        return in_order(list(rows), page_ids)

    return Listing(session, load, ids=ids)


def list_taxonomies(session: Session, search: str | None, page: int, per_page: int) -> Page:
    return taxonomy_listing(session, search).page(page, per_page)


def get_taxonomy(session: Session, taxonomy_id: str) -> Taxonomy:
    taxonomy = session.get(Taxonomy, taxonomy_id)
    if taxonomy is None:
        raise NotFound(f"No taxonomy with id '{taxonomy_id}'.")
    return taxonomy


def taxonomy_term_listing(
    session: Session,
    search: str | None,
    taxonomy_id: str | None = None,
    parent_id: str | None = None,
    top_only: bool = False,
) -> Listing:
    """The terms matching the filters, by code then name."""
    ids = select(TaxonomyTerm.id).order_by(TaxonomyTerm.code, TaxonomyTerm.name, TaxonomyTerm.id)
    if search:
        pattern = f"%{escape_like(search)}%"
        ids = ids.where(
            or_(
                TaxonomyTerm.name.ilike(pattern, escape="\\"),
                TaxonomyTerm.code.ilike(pattern, escape="\\"),
            )
        )
    if taxonomy_id:
        ids = ids.where(TaxonomyTerm.taxonomy_id == taxonomy_id)
    if parent_id:
        ids = ids.where(TaxonomyTerm.parent_id == parent_id)
    if top_only:
        ids = ids.where(TaxonomyTerm.parent_id.is_(None))

    def load(page_ids: list[str]) -> list[TaxonomyTerm]:
        query = select(TaxonomyTerm).where(TaxonomyTerm.id.in_(page_ids))
        rows = session.scalars(query.options(selectinload(TaxonomyTerm.taxonomy_detail)))
        return in_order(list(rows), page_ids)

    return Listing(session, load, ids=ids)


def list_taxonomy_terms(
    session: Session,
    search: str | None,
    page: int,
    per_page: int,
    taxonomy_id: str | None = None,
    parent_id: str | None = None,
    top_only: bool = False,
) -> Page:
    listing = taxonomy_term_listing(session, search, taxonomy_id, parent_id, top_only)
    return listing.page(page, per_page)


def get_taxonomy_term(session: Session, term_id: str) -> TaxonomyTerm:
    term = session.get(TaxonomyTerm, term_id)
    if term is None:
        raise NotFound(f"No taxonomy_term with id '{term_id}'.")
    return term
