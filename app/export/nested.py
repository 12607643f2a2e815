"""The fully nested HSDS 3.0 services, exactly as GET /services/{id} serves them
(schemas.service.ServiceSchema, dumped through serialise.py for speed), as one JSON
array or as NDJSON (one service a line).

Each service also has a `_provenance` member: the source records it was merged from,
as {source, source_title, key, licence} (empty for Signpost's own services). The array
is written incrementally, one service at a time, never held whole in memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy.orm import Session

from app.export.base import ExportSettings, WriteResult
from app.export.provenance import Provenance
from app.export.selection import id_batches
from app.export.serialise import dump, load_services, service_plan


def service_documents(
    session: Session, settings: ExportSettings, provenance: Provenance
) -> Iterator[dict[str, Any]]:
    """Each exportable service as its HSDS JSON object with `_provenance`, in id order."""
    plan = service_plan()
    for ids in id_batches(session, settings.batch_size):
        records = provenance.records_for(session, ids)
        for row in load_services(session, ids):
            document = dump(plan, row)
            document["_provenance"] = records[row["id"]]
            yield document
        settings.progress(len(ids))


def encode(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def write_json(session: Session, path: Path, settings: ExportSettings) -> WriteResult:
    """A JSON array of services, one service a line."""
    provenance = Provenance(settings)
    with path.open("w", encoding="utf-8") as out:
        out.write("[")
        count = _write_lines(out, service_documents(session, settings, provenance), ",\n", "\n")
        out.write("\n]\n")
    return WriteResult(count, provenance.metadata())


def write_ndjson(session: Session, path: Path, settings: ExportSettings) -> WriteResult:
    """Newline-delimited JSON: one service object a line."""
    provenance = Provenance(settings)
    with path.open("w", encoding="utf-8") as out:
        count = _write_lines(out, service_documents(session, settings, provenance), "\n", "")
        if count:
            out.write("\n")
    return WriteResult(count, provenance.metadata())


def _write_lines(
    out: TextIO, documents: Iterator[dict[str, Any]], separator: str, first: str
) -> int:
    count = 0
    for document in documents:
        out.write(separator if count else first)
        out.write(encode(document))
        count += 1
    return count
