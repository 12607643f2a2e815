"""Matcher evaluation: per-phenomenon quality on tuning and held-out seeds, and a real
clean directory that must not merge with itself.

    .venv/bin/python bench/evaluate.py                       # in memory, both seed sets
    .venv/bin/python bench/evaluate.py --db                  # through the database
    .venv/bin/python bench/evaluate.py --seeds 1,2,3 --explain 10   # tuning only

Records come from bench/eval_data.py: every record is tagged with the phenomena that
make it hard (abbreviations, patient-facing names, missing postcodes, in-source
duplicates, one service at two venues...) and with the must-not-merge case it belongs
to. Tune on the tuning seeds (1-3); report the held-out seeds (101-105), which are
never looked at while tuning (``--explain`` refuses them).

Figures: pairwise precision, recall and F1 and B-cubed precision and recall over all
records of a seed set (pairs summed over its seeds); per phenomenon, recall over the
true pairs with a record carrying it and precision over the predicted pairs with one;
per must-not-merge case, the precision of the predicted pairs among its records and how
many pairs of different services in one case were merged.

In memory, each service dict goes through the importer's own preparation
(importers.pipeline.prepare.prepare_service) and then app.matching; with ``--db`` each seed is
imported source by source into a fresh SQLite database with ``run_import`` and matched
with ``run_dedupe`` (what ``signpost import`` and ``signpost dedupe`` run), and the
clusters are read back from source_record.service_id.

The real-directory check imports app/data/reference/hsds_1_1_datapackage (Open Referral's
HSDS 1.1 sample package, CC BY-SA 4.0) as one source and counts the merges: it is one clean
directory, so every merge is wrong.
"""

from __future__ import annotations

import argparse
import copy
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dedupe import quality  # noqa: E402
from eval_data import HELD_OUT_SEEDS, NEGATIVES, PHENOMENA, TUNING_SEEDS, EvalRecord  # noqa: E402
from eval_data import generate as generate_eval  # noqa: E402

from app.matching import MatchConfig, MatchRecord, explain, match_records  # noqa: E402
from app.reference import HSDS_1_1_DATAPACKAGE  # noqa: E402
from importers.pipeline.prepare import Rejected, prepare_service  # noqa: E402

HSDS_EXAMPLE = HSDS_1_1_DATAPACKAGE
Pair = tuple[str, str]


def _pairs_of(groups: Iterable[Iterable[str]]) -> set[Pair]:
    out: set[Pair] = set()
    for members in groups:
        ordered = sorted(members)
        out.update((a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :])
    return out


def _clusters(membership: Mapping[str, str]) -> list[list[str]]:
    by_cluster: dict[str, list[str]] = defaultdict(list)
    for record_id, cluster in membership.items():
        by_cluster[cluster].append(record_id)
    return list(by_cluster.values())


def _prepared(record: EvalRecord) -> dict:
    service = copy.deepcopy(record.service)
    try:
        return prepare_service(service).service
    except Rejected:
        return service


def match_in_memory(records: list[EvalRecord], workers: int = 1):
    """Cluster membership (record ID -> cluster) and the index, without a database."""
    items = [
        MatchRecord.from_service(r.source, r.key, _prepared(r), keep_service=False) for r in records
    ]
    result, index = match_records(items, MatchConfig(workers=workers))
    return dict(result.services.membership), index


def match_in_database(records: list[EvalRecord], workers: int = 1) -> dict[str, str]:
    """Import each source with run_import, run_dedupe, read the clusters back."""
    from dedupe_db import _import  # noqa: PLC0415  (needs the app only in this mode)
    from sqlalchemy import select  # noqa: PLC0415

    from app import create_app, migrate  # noqa: PLC0415
    from app.db import get_db  # noqa: PLC0415
    from app.dedupe import run_dedupe  # noqa: PLC0415
    from app.models import Source, SourceRecord  # noqa: PLC0415

    app = create_app({"DATABASE_URL": f"sqlite:///{tempfile.mkdtemp()}/eval.db"})
    with app.app_context():
        migrate.upgrade(get_db().engine)
        session = get_db().sessionmaker()
        _import(session, records)  # type: ignore[arg-type]
        run_dedupe(session, config=MatchConfig(workers=workers))
        session.commit()
        rows = session.execute(
            select(Source.name, SourceRecord.key, SourceRecord.service_id)
            .join(Source, Source.id == SourceRecord.source_id)
            .where(SourceRecord.status == "active")
        )
        membership = {f"{name}/{key}": str(service_id) for name, key, service_id in rows}
        session.close()
    return membership


class Tally:
    """Pair counts summed over the seeds of one set."""

    def __init__(self) -> None:
        self.truth: dict[str, str] = {}
        self.predicted: dict[str, str] = {}
        self.counts: Counter[str] = Counter()

    def add(self, seed: int, records: list[EvalRecord], membership: Mapping[str, str]) -> None:
        prefix = f"{seed}:"
        by_id = {r.record_id: r for r in records}
        missing = [rid for rid in by_id if rid not in membership]
        assert not missing, f"{len(missing)} records not matched, e.g. {missing[:3]}"
        for rid, record in by_id.items():
            self.truth[prefix + rid] = f"{prefix}{record.entity}"
            self.predicted[prefix + rid] = f"{prefix}{membership[rid]}"
        true_pairs = _pairs_of(_clusters({rid: r.entity for rid, r in by_id.items()}))
        predicted_pairs = _pairs_of(_clusters({rid: membership[rid] for rid in by_id}))
        for tag in PHENOMENA + NEGATIVES:
            tagged = {rid for rid, r in by_id.items() if tag in r.tags}
            t = {q for q in true_pairs if q[0] in tagged or q[1] in tagged}
            p = {q for q in predicted_pairs if q[0] in tagged or q[1] in tagged}
            self.counts[f"{tag}:true"] += len(t)
            self.counts[f"{tag}:predicted"] += len(p)
            self.counts[f"{tag}:both"] += len(t & p)
        groups: dict[str, list[str]] = defaultdict(list)
        for rid, record in by_id.items():
            if record.group:
                groups[record.group].append(rid)
        for members in groups.values():
            for a, b in _pairs_of([members]):
                tag = by_id[a].group.split(":")[0]  # type: ignore[union-attr]
                if by_id[a].entity != by_id[b].entity:
                    self.counts[f"{tag}:negatives"] += 1
                    if membership[a] == membership[b]:
                        self.counts[f"{tag}:wrong"] += 1

    def report(self, title: str) -> dict[str, float]:
        overall = quality(self.predicted, self.truth)
        print(f"\n== {title}: {len(self.truth)} records ==")
        print("overall   " + "  ".join(f"{k} {v:.4f}" for k, v in overall.items()))
        print(f"{'phenomenon':<24} {'true':>5} {'pred':>5} {'recall':>7} {'precision':>9}")
        c = self.counts
        for tag in PHENOMENA + NEGATIVES:
            true, pred, both = c[f"{tag}:true"], c[f"{tag}:predicted"], c[f"{tag}:both"]
            recall = both / true if true else float("nan")
            precision = both / pred if pred else 1.0
            extra = ""
            if tag in NEGATIVES:
                extra = f"  merged {c[f'{tag}:wrong']} of {c[f'{tag}:negatives']} must-not pairs"
            print(f"{tag:<24} {true:>5} {pred:>5} {recall:>7.4f} {precision:>9.4f}{extra}")
        return overall


def _explain(records: list[EvalRecord], membership: Mapping[str, str], index, count: int) -> None:
    by_id = {r.record_id: r for r in records}
    true_pairs = _pairs_of(_clusters({rid: r.entity for rid, r in by_id.items()}))
    predicted = _pairs_of(_clusters({rid: membership[rid] for rid in by_id}))
    for title, pairs in (("WRONG", predicted - true_pairs), ("MISSED", true_pairs - predicted)):
        print(f"\n{title} {len(pairs)}")
        for a, b in sorted(pairs)[:count]:
            score = explain(a, b, index)
            tags = sorted(by_id[a].tags | by_id[b].tags)
            print(f"  {score.score:6.2f} {tags} {dict(score.contributions)}")
            for rid in (a, b):
                r = index.get(rid)
                print(
                    f"      {rid}: [{r.organization}] [{r.name}] {sorted(r.phones)} "
                    f"{sorted(r.postcodes)} {sorted(r.location_names)} {len(r.points)}pt"
                )


def hsds_example_records() -> list[tuple[str, dict]]:
    """(key, prepared service) of every service in the HSDS 1.1 sample package."""
    from importers.readers.datapackage import read_datapackage  # noqa: PLC0415
    from importers.readers.record import Record  # noqa: PLC0415

    out = []
    for item in read_datapackage(HSDS_EXAMPLE):
        if isinstance(item, Record):
            try:
                out.append((item.key, prepare_service(item.service).service))
            except Rejected:
                pass
    return out


def clean_source_merges(database: bool) -> list[list[str]]:
    """Clusters of more than one record when the HSDS sample is matched with itself."""
    if not database:
        items = [
            MatchRecord.from_service("hsds_example", key, service)
            for key, service in hsds_example_records()
        ]
        result, _ = match_records(items, MatchConfig(workers=1))
        membership = dict(result.services.membership)
    else:
        records = [
            EvalRecord("hsds_example", key, key, "", service)
            for key, service in hsds_example_records()
        ]
        membership = match_in_database(records)
    return [sorted(members) for members in _clusters(membership) if len(members) > 1]


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", help="comma-separated seeds (default: both sets)")
    parser.add_argument("--records", type=int, default=1100, help="records per seed")
    parser.add_argument("--db", action="store_true", help="through run_import + run_dedupe")
    parser.add_argument("--explain", type=int, default=0, help="show N errors (tuning seeds)")
    return parser.parse_args()


def main() -> None:
    args = _arguments()
    sets = {"tuning seeds": TUNING_SEEDS, "held-out seeds": HELD_OUT_SEEDS}
    if args.seeds:
        seeds = tuple(int(s) for s in args.seeds.split(","))
        sets = {f"seeds {args.seeds}": seeds}
    if args.explain and any(s in HELD_OUT_SEEDS for seeds in sets.values() for s in seeds):
        sys.exit("--explain is for tuning seeds only: held-out errors are never looked at")
    mode = "database (run_import + run_dedupe, SQLite)" if args.db else "in memory"
    print(f"matching {mode}, {args.records} records per seed")
    for title, seeds in sets.items():
        tally, started = Tally(), time.perf_counter()
        for seed in seeds:
            records = generate_eval(seed, args.records)
            if args.db:
                membership = match_in_database(records)
            else:
                membership, index = match_in_memory(records)
                if args.explain:
                    _explain(records, membership, index, args.explain)
            tally.add(seed, records, membership)
        tally.report(f"{title} {','.join(map(str, seeds))}")
        print(f"({time.perf_counter() - started:.1f} s)")
    merges = clean_source_merges(args.db)
    total = len(hsds_example_records())
    print(f"\nHSDS 1.1 sample ({total} services, one clean source): {len(merges)} merges")
    for members in merges:
        print(f"  {members}")


if __name__ == "__main__":
    main()
