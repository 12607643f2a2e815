"""What the text index holds for each service: the words a link worker might type."""

from __future__ import annotations

from sqlalchemy import TextClause, select, text
from sqlalchemy.orm import Session

from app.chunks import chunks
from app.models import Attribute, Organization, Service, TaxonomyTerm
from app.search.auxiliary import add_term_suggestions, add_vocabulary, replace_service_suggestions
from app.search.place_index import refresh_place_index
from app.search.words import strip_accents, vocabulary_words
from app.taxonomy import term_keywords
from app.taxonomy.needs import tag_needs

CHUNK = 500


def linked_terms(session: Session, service_ids: list[str]) -> dict[str, list[tuple[str, str]]]:
    """Service id -> (term id, term name) of each taxonomy term it is tagged with."""
    terms: dict[str, list[tuple[str, str]]] = {}
    for link_id, term_id, name in session.execute(
        select(Attribute.link_id, TaxonomyTerm.id, TaxonomyTerm.name)
        .join(TaxonomyTerm, TaxonomyTerm.id == Attribute.taxonomy_term_id)
        .where(Attribute.link_entity == "service", Attribute.link_id.in_(service_ids))
    ):
        terms.setdefault(link_id, []).append((term_id, name))
    return terms


def service_rows(session: Session, service_ids: list[str]) -> list[tuple]:
    """(id, name, alternate name, description, eligibility, organisation name) of each
    existing service."""
    if not service_ids:
        return []
    return list(
        session.execute(
            select(
                Service.id,
                Service.name,
                Service.alternate_name,
                Service.description,
                Service.eligibility_description,
                Organization.name,
            )
            .outerjoin(Organization, Organization.id == Service.organization_id)
            .where(Service.id.in_(service_ids))
        ).all()
    )


def service_texts(rows: list[tuple]) -> dict[str, str]:
    """Service id -> its own words (name, alternate name, description, eligibility), the
    text the needs' rules read (app/taxonomy/needs.py)."""
    return {
        sid: " ".join(p for p in (name, alternate, description, eligibility) if p)
        for sid, name, alternate, description, eligibility, _org in rows
    }


def service_documents(
    rows: list[tuple], terms: dict[str, list[tuple[str, str]]]
) -> list[dict[str, str]]:
    """One row per existing service: its name, and a body of description, alternate
    name, organisation name, the names of its taxonomy terms and, for built-in terms,
    their keywords (so "exercise" finds a service tagged "Be active")."""
    keywords = term_keywords()
    documents = []
    for sid, name, alternate, description, _eligibility, org in rows:
        term_words: list[str] = []
        for term_id, term_name in terms.get(sid, []):
            term_words += keywords.get(term_id, (term_name,))
        parts = (alternate, description, org, *term_words)
        body = " ".join(p for p in parts if p)
        documents.append(
            {"service_id": sid, "name": strip_accents(name or ""), "body": strip_accents(body)}
        )
    return documents


INSERT_DOCUMENT = text(
    "INSERT INTO service_search (service_id, name, body) VALUES (:service_id, :name, :body)"
)


def replace_documents(
    session: Session,
    service_ids: list[str],
    delete: TextClause,
    insert: TextClause = INSERT_DOCUMENT,
) -> None:
    """Delete these services' index rows (`delete` takes :ids) and insert fresh ones, with
    their venue index rows, then bring the vocabulary and the suggestions up to date.
    Each service is first linked to the needs it serves (app/taxonomy/needs.py), so every
    writer that indexes a service also keeps its needs true.

    The vocabulary and the taxonomy terms' suggestions are written once, after the last
    chunk: an import's chunks share most of their words and all of their terms."""
    words: set[str] = set()
    used_terms: set[tuple[str, str]] = set()
    for chunk in chunks(service_ids, CHUNK):
        session.execute(delete, {"ids": chunk})
        refresh_place_index(session, chunk)
        rows = service_rows(session, chunk)
        tag_needs(session, service_texts(rows))  # before the terms are read: they are indexed
        terms = linked_terms(session, chunk)
        documents = service_documents(rows, terms)
        if documents:
            session.execute(insert, documents)
        for document in documents:
            words |= vocabulary_words(f"{document['name']} {document['body']}")
        replace_service_suggestions(
            session, chunk, {d["service_id"]: d["name"] for d in documents}, ()
        )
        used_terms.update(pair for pairs in terms.values() for pair in pairs)
    add_vocabulary(session, words)
    add_term_suggestions(session, used_terms)
