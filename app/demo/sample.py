"""The small hand-written set of real-looking London services shipped for demos and tests."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app import search
from app.records.publish import publish_services
from app.taxonomy import ensure_builtin_taxonomy, link_builtin_equivalents

SAMPLE_SERVICES = Path(__file__).parent / "data" / "sample_services.json"


def load_services(session: Session, services: list[dict[str, Any]]) -> int:
    """Publish HSDS service dicts that already carry their IDs, and index them."""
    ensure_builtin_taxonomy(session)
    ids = publish_services(session, services, modified=dt.datetime.now(dt.UTC))
    link_builtin_equivalents(session, ids)
    search.index_services(session, ids)
    session.expire_all()
    return len(services)


def load_sample(session: Session) -> int:
    return load_services(session, json.loads(SAMPLE_SERVICES.read_text()))
