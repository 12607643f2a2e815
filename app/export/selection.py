"""Which services a dump may contain, and reading them in id-ordered batches.

A service goes into a dump only when every source record it was merged from comes from a
redistributable source; a service with no source records (hand-entered, sample) is
Signpost's own. Services of every status are included, so a dump is a complete mirror,
except IDs merged into another service by deduplication: their records, and so their
data and licences, are the other service's now.

Batches use keyset pagination on the id (never OFFSET); the writers load each batch as
plain rows (serialise.py), write it, and let it go, and the session is emptied between
batches, so memory stays flat however many services there are.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.models import MergedAlias, Service, Source, SourceRecord

BATCH_SIZE = 1000


def exportable_service_ids() -> Select:
    """A select of the ids of every service a dump may contain.

    NOT EXISTS, looked up by the indexed source_record.service_id for each candidate,
    costs the same for every batch (NOT IN would rebuild the blocked set each time).
    """
    blocked = (
        select(SourceRecord.id)
        .join(Source, Source.id == SourceRecord.source_id)
        .where(SourceRecord.service_id == Service.id, Source.redistributable.is_(False))
    )
    merged_away = select(MergedAlias.old_id).where(MergedAlias.old_id == Service.id)
    return select(Service.id).where(~blocked.exists(), ~merged_away.exists())


def count_exportable(session: Session) -> int:
    query = select(func.count()).select_from(exportable_service_ids().subquery())
    return session.scalar(query) or 0


def id_batches(session: Session, batch_size: int = BATCH_SIZE) -> Iterator[list[str]]:
    """The ids of the exportable services, `batch_size` at a time, in id order (keyset)."""
    last_id = ""
    while True:
        query = exportable_service_ids().where(Service.id > last_id).order_by(Service.id)
        ids = list(session.scalars(query.limit(batch_size)))
        if not ids:
            return
        yield ids
        last_id = ids[-1]
        session.expunge_all()  # nothing of the batch stays in the identity map
