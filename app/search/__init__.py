"""One search interface, two backends chosen by the engine's dialect.

`sqlite.py` uses FTS5 (and, for places, an R*Tree); `postgis.py` uses PostgreSQL
full-text search (and PostGIS geography). Both expose the same functions, and one
contract test suite runs against both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from types import ModuleType

from sqlalchemy import Select
from sqlalchemy.orm import Session

from . import postgis, sqlite

WORD = re.compile(r"[^\W_]+", re.UNICODE)


def backend(session: Session) -> ModuleType:
    name = session.get_bind().dialect.name
    if name == "sqlite":
        return sqlite
    if name == "postgresql":
        return postgis
    raise RuntimeError(f"Signpost supports SQLite and PostgreSQL, not {name}.")


def words(text: str) -> list[str]:
    """The searchable words of user text: letters and digits only, so no operator,
    quote or wildcard a user types can reach the query language."""
    return [w.lower() for w in WORD.findall(text)][:12]


def match_services(session: Session, text: str) -> Select:
    """Select (service_id, rank) for services matching `text`; lower rank is better."""
    return backend(session).match_services(words(text))


def index_services(session: Session, service_ids: Iterable[str]) -> None:
    """Refresh the text index rows of these services (call after writing them)."""
    backend(session).index_services(session, list(service_ids))
