"""Deduplication in the database: `signpost dedupe` on N labelled source records.

    .venv/bin/python bench/dedupe_db.py --records 10000
    .venv/bin/python bench/dedupe_db.py --records 100000 --database postgresql+psycopg://...

Generates bench/dedupe_data.py's labelled London records (four overlapping sources),
imports each source through the pipeline without deduplication, then times:

1. `run_dedupe` from scratch (the first run): matching, publishing the merged services,
   retiring merged-away IDs, the search index; scored against the truth;
2. re-importing the sources after 1% of records changed (edits, removals, additions),
   then the incremental `run_dedupe`, scored again.

Prints seconds, CPU seconds, peak RSS and pairwise / B-cubed quality of what the
database publishes (source_record.service_id), which should match bench/dedupe.py's.
"""

from __future__ import annotations

import argparse
import copy
import resource
import tempfile
import time
from collections import defaultdict

from dedupe import quality
from dedupe_data import LabelledRecord, change, generate
from sqlalchemy import select

from app import create_app, migrate
from app.db import get_db
from app.dedupe import run_dedupe
from app.matching import MatchConfig
from app.models import Source, SourceRecord
from importers.pipeline.run import SourceSpec, run_import
from importers.readers.record import Record


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10000)
    parser.add_argument("--change", type=float, default=0.01, help="share changed (0.01)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", help="SQLAlchemy URL (default: SQLite in a temp dir)")
    return parser.parse_args()


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime + children.ru_utime + children.ru_stime


def _import(session, records: list[LabelledRecord]) -> float:
    """Each source's full export through the pipeline, deduplication left for later."""
    by_source: dict[str, list[LabelledRecord]] = defaultdict(list)
    for record in records:
        by_source[record.source].append(record)
    started = time.perf_counter()
    for source, items in sorted(by_source.items()):
        spec = SourceSpec(name=source, format="hsds", priority=10 if source == "careplace" else 50)
        rows = (
            Record(key=r.key, position=f"record {n}", raw={}, service=copy.deepcopy(r.service))
            for n, r in enumerate(items, start=1)
        )
        run_import(session, spec, rows, dedupe=False)
        session.commit()
    return time.perf_counter() - started


def _score(session, records: list[LabelledRecord]) -> str:
    rows = session.execute(
        select(Source.name, SourceRecord.key, SourceRecord.service_id)
        .join(Source, Source.id == SourceRecord.source_id)
        .where(SourceRecord.status == "active")
    )
    predicted = {f"{name}/{key}": service_id for name, key, service_id in rows}
    truth = {r.record_id: r.entity for r in records}
    figures = quality(predicted, truth)
    return " ".join(f"{name} {value:.4f}" for name, value in figures.items())


def _dedupe(session, workers: int, label: str) -> None:
    started, cpu = time.perf_counter(), _cpu()
    report = run_dedupe(session, config=MatchConfig(workers=workers))
    session.commit()
    print(f"{label}: {report.summary()}")
    print(f"  {time.perf_counter() - started:.1f} s wall, {_cpu() - cpu:.1f} s CPU")


def main() -> None:
    args = _arguments()
    url = args.database or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    app = create_app({"DATABASE_URL": url})
    with app.app_context():
        migrate.upgrade(get_db().engine)
        dataset = generate(args.records)
        print(f"{len(dataset.records)} labelled records of {len(dataset.entities)} services")
        session = get_db().sessionmaker()
        print(f"imported (no dedupe) in {_import(session, dataset.records):.1f} s")
        _dedupe(session, args.workers, "first run")
        print(f"  quality: {_score(session, dataset.records)}")

        change(dataset, args.change)
        seconds = _import(session, dataset.records)
        print(f"re-imported after a {args.change:.0%} change in {seconds:.1f} s")
        _dedupe(session, args.workers, "incremental run")
        print(f"  quality: {_score(session, dataset.records)}")
        session.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MB")


if __name__ == "__main__":
    main()
