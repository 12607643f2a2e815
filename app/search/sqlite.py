"""SQLite backend: FTS5 (porter stemming, prefix matching) over `service_search`."""

from __future__ import annotations

from sqlalchemy import Select, bindparam, column, false, literal_column, select, table, text
from sqlalchemy.orm import Session

from .documents import replace_documents

service_search = table("service_search", column("service_id"))


def fts_query(words: list[str]) -> str:
    """Every word must match, each as a prefix: `"gard"* "walk"*`."""
    return " ".join(f'"{w}"*' for w in words)


def match_services(words: list[str]) -> Select:
    if not words:
        return select(service_search.c.service_id, literal_column("0.0").label("rank")).where(
            false()
        )
    # bm25 weights per column (service_id, name, body): a name hit counts ten body hits.
    rank = literal_column("bm25(service_search, 0.0, 10.0, 1.0)").label("rank")
    match = text("service_search MATCH :fts").bindparams(bindparam("fts", fts_query(words)))
    return select(service_search.c.service_id, rank).where(match)


def index_services(session: Session, service_ids: list[str]) -> None:
    delete = text("DELETE FROM service_search WHERE service_id IN :ids").bindparams(
        bindparam("ids", expanding=True)
    )
    replace_documents(session, service_ids, delete)
