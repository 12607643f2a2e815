"""De-duplication benchmark: quality, time and memory of app.matching on labelled data.

    .venv/bin/python bench/dedupe.py --records 10000
    .venv/bin/python bench/dedupe.py --records 100000 --workers 2

Generates labelled records (bench/dedupe_data.py, fixed seed), matches them from scratch
and reports pairwise precision/recall/F1 and B-cubed precision/recall for services and
organisations, the run time (wall and CPU seconds: on a shared machine wall time depends
on what else runs) and peak memory (ru_maxrss of this process and of the largest
worker); then changes 1% of the records, runs the incremental match and reports its
time and quality (`--compare`: and that of a run from scratch on the changed data).
`--explain N` prints N wrong merges and N missed pairs with their score contributions,
for tuning.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dedupe_data import Dataset, LabelledRecord, change, generate  # noqa: E402

from app.matching import (  # noqa: E402
    Clustering,
    MatchConfig,
    MatchRecord,
    MatchResult,
    RecordIndex,
    explain,
    match_incremental,
    match_records,
)


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def quality(predicted: Mapping[str, str], truth: Mapping[str, str]) -> dict[str, float]:
    """Pairwise precision/recall/F1 and B-cubed precision/recall of a clustering."""
    both = Counter((predicted[r], truth[r]) for r in truth)
    pred_sizes, true_sizes = Counter(predicted[r] for r in truth), Counter(truth.values())
    together = sum(_pairs(n) for n in both.values())
    pred_pairs, true_pairs = (
        sum(map(_pairs, pred_sizes.values())),
        sum(map(_pairs, true_sizes.values())),
    )
    precision = together / pred_pairs if pred_pairs else 1.0
    recall = together / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    b_precision = sum(both[(predicted[r], truth[r])] / pred_sizes[predicted[r]] for r in truth)
    b_recall = sum(both[(predicted[r], truth[r])] / true_sizes[truth[r]] for r in truth)
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "bcubed_precision": b_precision / len(truth),
        "bcubed_recall": b_recall / len(truth),
    }


def _show(label: str, figures: Mapping[str, float]) -> None:
    text = "  ".join(f"{name} {value:.4f}" for name, value in figures.items())
    print(f"{label:<28} {text}")


def _peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def _match_records(records: Iterable[LabelledRecord]) -> list[MatchRecord]:
    return [
        MatchRecord.from_service(r.source, r.key, r.service, keep_service=False) for r in records
    ]


def _explain_errors(
    clusters: Clustering, truth: Mapping[str, str], index: RecordIndex, count: int
) -> None:
    """Print `count` wrong merges and `count` missed pairs with their contributions."""
    rng = random.Random(1)
    wrong = []
    for members in clusters.clusters.values():
        ordered = sorted(members)
        wrong += [
            (a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :] if truth[a] != truth[b]
        ]
    by_entity: dict[str, list[str]] = {}
    for record_id, entity in truth.items():
        by_entity.setdefault(entity, []).append(record_id)
    missed = [
        (a, b)
        for members in by_entity.values()
        for i, a in enumerate(sorted(members))
        for b in sorted(members)[i + 1 :]
        if clusters.membership[a] != clusters.membership[b]
    ]
    for title, pairs in (("WRONG MERGES", wrong), ("MISSED PAIRS", missed)):
        print(f"\n{title} ({len(pairs)}), sample:")
        for a, b in rng.sample(pairs, min(count, len(pairs))):
            score = explain(a, b, index)
            print(f"  {score.score:6.2f} {score.decision}  {dict(score.contributions)}")
            for record_id in (a, b):
                r = index.get(record_id)
                print(
                    f"        {record_id}: [{r.organization}] [{r.name}] {sorted(r.phones)} "
                    f"{sorted(r.postcodes)} {[tuple(round(x, 4) for x in p) for p in r.points]}"
                )


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--change", type=float, default=0.01)
    parser.add_argument("--explain", type=int, default=0)
    parser.add_argument(
        "--compare", action="store_true", help="also match the changed data from scratch"
    )
    return parser.parse_args()


def _report(label: str, result: MatchResult, dataset: Dataset) -> None:
    """Quality of both levels against the dataset's current truth."""
    truth = {r.record_id: r.entity for r in dataset.records}
    orgs = {r.record_id: r.org for r in dataset.records}
    _show(f"services{label}", quality(result.services.membership, truth))
    _show(f"organisations{label}", quality(result.organizations.membership, orgs))


def _cpu_seconds() -> float:
    """CPU time of this process and its finished workers: wall time on a shared machine
    depends on what else runs; CPU time does not."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def _from_scratch(dataset: Dataset, workers: int) -> tuple[MatchResult, RecordIndex]:
    """Time MatchRecord.from_service plus the whole match, as a deployment would run it."""
    started, cpu = time.perf_counter(), _cpu_seconds()
    records = _match_records(dataset.records)
    prepared = time.perf_counter()
    result, index = match_records(records, MatchConfig(workers=workers))
    finished = time.perf_counter()
    print(
        f"from scratch: {finished - started:.1f} s wall, {_cpu_seconds() - cpu:.1f} s CPU "
        f"(MatchRecord.from_service {prepared - started:.1f} s, "
        f"matching {finished - prepared:.1f} s)"
    )
    print(f"phases: {result.timings}")
    return result, index


def main() -> None:
    args = _arguments()
    started = time.perf_counter()
    dataset = generate(args.records, args.seed)
    print(
        f"generated {len(dataset.records)} records of {len(dataset.entities)} services "
        f"in {time.perf_counter() - started:.1f} s"
    )
    result, index = _from_scratch(dataset, args.workers)
    _report("", result, dataset)
    print(
        f"clusters: {len(result.services.clusters)} services, "
        f"{len(result.organizations.clusters)} organisations; {len(result.review)} for review"
    )
    if args.explain:
        truth = {r.record_id: r.entity for r in dataset.records}
        _explain_errors(result.services, truth, index, args.explain)

    changed, removed = change(dataset, args.change)
    started, cpu = time.perf_counter(), _cpu_seconds()
    updated = match_incremental(result, _match_records(changed), index, removed)
    print(
        f"incremental after changing {len(changed)} and removing {len(removed)} records: "
        f"{time.perf_counter() - started:.2f} s wall, {_cpu_seconds() - cpu:.2f} s CPU"
    )
    _report(" after change", updated, dataset)
    if args.compare:
        again, _ = match_records(_match_records(dataset.records), MatchConfig(workers=args.workers))
        _report(", from scratch", again, dataset)
    own, children = _peak_mb()
    print(f"peak RSS: {own:.0f} MB (this process), {children:.0f} MB (largest worker)")


if __name__ == "__main__":
    main()
