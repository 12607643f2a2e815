"""PostgreSQL backend: full-text search over `service_search.tsv` (GIN index)."""

from __future__ import annotations

from sqlalchemy import Select, column, false, func, literal_column, select, table, text
from sqlalchemy.orm import Session

from .documents import replace_documents

service_search = table("service_search", column("service_id"), column("tsv"))


def ts_query(words: list[str]) -> str:
    """Every word must match, each as a prefix: `gard:* & walk:*`."""
    return " & ".join(f"{w}:*" for w in words)


def match_services(words: list[str]) -> Select:
    if not words:
        return select(service_search.c.service_id, literal_column("0.0").label("rank")).where(
            false()
        )
    query = func.to_tsquery("english", ts_query(words))
    rank = (-func.ts_rank(service_search.c.tsv, query)).label("rank")
    return select(service_search.c.service_id, rank).where(service_search.c.tsv.op("@@")(query))


def index_services(session: Session, service_ids: list[str]) -> None:
    delete = text("DELETE FROM service_search WHERE service_id = ANY(:ids)")
    replace_documents(session, service_ids, delete)
