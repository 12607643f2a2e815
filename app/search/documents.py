"""What the text index holds for each service: the words a link worker might type."""

from __future__ import annotations

from sqlalchemy import TextClause, select, text
from sqlalchemy.orm import Session

from app.models import Attribute, Organization, Service, TaxonomyTerm


def service_documents(session: Session, service_ids: list[str]) -> list[dict[str, str]]:
    """One row per existing service: its name, and a body of description, alternate
    name, organisation name and the names of its taxonomy terms."""
    if not service_ids:
        return []
    rows = session.execute(
        select(
            Service.id,
            Service.name,
            Service.alternate_name,
            Service.description,
            Organization.name,
        )
        .outerjoin(Organization, Organization.id == Service.organization_id)
        .where(Service.id.in_(service_ids))
    ).all()
    terms: dict[str, list[str]] = {}
    for link_id, name in session.execute(
        select(Attribute.link_id, TaxonomyTerm.name)
        .join(TaxonomyTerm, TaxonomyTerm.id == Attribute.taxonomy_term_id)
        .where(Attribute.link_entity == "service", Attribute.link_id.in_(service_ids))
    ):
        terms.setdefault(link_id, []).append(name)
    return [
        {
            "service_id": sid,
            "name": name or "",
            "body": " ".join(
                part for part in (alternate, description, org, *terms.get(sid, [])) if part
            ),
        }
        for sid, name, alternate, description, org in rows
    ]


INSERT_DOCUMENT = text(
    "INSERT INTO service_search (service_id, name, body) VALUES (:service_id, :name, :body)"
)


def replace_documents(session: Session, service_ids: list[str], delete: TextClause) -> None:
    """Delete these services' index rows (`delete` takes :ids) and insert fresh ones."""
    for start in range(0, len(service_ids), 500):
        chunk = service_ids[start : start + 500]
        session.execute(delete, {"ids": chunk})
        documents = service_documents(session, chunk)
        if documents:
            session.execute(INSERT_DOCUMENT, documents)
