"""Import benchmark: N generated CarePlace rows into a fresh database through the pipeline.

    .venv/bin/python bench/import.py --rows 100000            # SQLite file in a temp dir
    .venv/bin/python bench/import.py --rows 100000 --database postgresql+psycopg://...

Prints rows, wall and CPU seconds, records/s per wall and per CPU second for the first
import and for a re-import (all unchanged), the machine's load average, and peak RSS.
The file is read as `signpost import` reads it (importers.pipeline.formats.read_source): a file
this size is read, prepared and, where no database is needed, finished (IDs, content
hash, JSON: importers/pipeline/finish.py) by a worker process while this one writes, so CPU is this
process's plus the worker's, and peak RSS is given for each; `--in-process` reads it in
this process instead. Records per CPU second is the figure to compare on a shared machine
(on SQLite nearly all of an import's work is these processes'); the importing process's
own share is what bounds the wall time when a second core runs the worker. `--boroughs`
loads the London borough polygons first, so every import also assigns each location's
borough. The temporary folder (file and SQLite database) is removed at the end.
Deduplication is left out (`run_import(dedupe=False)`, as `signpost import --no-dedupe`):
bench/dedupe_db.py measures it. Targets (issue 3): >= 2,000 records/s on SQLite, peak RSS < 1 GB.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import os
import random
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

# This checkout's code, not whichever one the virtualenv has installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vocabulary import ACTIVITIES, BOROUGHS  # noqa: E402

from app import create_app, migrate  # noqa: E402
from app.db import get_db  # noqa: E402
from app.geo.areas import load_areas  # noqa: E402
from app.reference import LONDON_BOROUGHS  # noqa: E402
from importers.pipeline.finish import Finishing  # noqa: E402
from importers.pipeline.formats import read_source  # noqa: E402
from importers.pipeline.run import SourceSpec, active_hashes, run_import  # noqa: E402
from importers.readers.careplace import read_careplace  # noqa: E402

HEADER = [
    "Provider ID", "Provider name", "Service ID", "Service name", "Description", "Categories",
    "Area covered", "Address line 1", "Town", "Postcode", "Telephone", "Email", "Website",
    "Cost", "Opening times", "Age range", "Last updated", "Latitude", "Longitude",
]  # fmt: skip
TIMES = ["Mondays 10:00-12:00", "Every Tuesday from 2pm", "Mon-Fri 9am-5pm", "Saturdays 10am-1pm"]
COSTS = ["Free", "£2 per session", "Donations welcome", "£3.50"]
AGES = ["18+", "Over 50s", "11-19", "All ages"]


def write_rows(path: Path, rows: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n in range(rows):
            activity = rng.choice(ACTIVITIES)
            borough = rng.choice(BOROUGHS)
            lat, lon = 51.45 + rng.random() * 0.15, -0.25 + rng.random() * 0.3
            writer.writerow([
                f"P{n // 4}", f"{borough} Community Group {n // 4}", f"S{n}",
                f"{activity} {n}", f"A friendly {activity.lower()} in {borough}.",
                f"{activity};Older people", borough, f"{n % 200} High Street", "London",
                f"N{1 + n % 20} {n % 9}AB", f"020 7946 {n % 1000:04d}", f"info{n}@example.org",
                f"https://group{n}.example.org/", rng.choice(COSTS), rng.choice(TIMES),
                rng.choice(AGES), "2025-06-01", f"{lat:.5f}", f"{lon:.5f}",
            ])  # fmt: skip


def cpu_seconds() -> tuple[float, float]:
    """User and system CPU of this process, and of its finished child processes."""
    times = os.times()
    return times.user + times.system, times.children_user + times.children_system


class WorkerMemory(threading.Thread):
    """The largest peak RSS of this process's child processes while it runs, from
    /proc/PID/status (VmHWM): getrusage's figure for children also counts the parent's
    pages a child held between fork and exec, i.e. this process's own size."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kb = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.2):
            for child in multiprocessing.active_children():
                try:
                    status = Path(f"/proc/{child.pid}/status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        self.peak_kb = max(self.peak_kb, int(line.split()[1]))


def timed_import(url: str, path: Path, in_process: bool) -> tuple[float, float, float, object]:
    """Wall, CPU and the worker's share of the CPU seconds of one import (commit
    included), and its report."""
    app = create_app({"DATABASE_URL": url})
    with app.app_context():
        session = get_db().sessionmaker()
        started, (own, children) = time.perf_counter(), cpu_seconds()
        with session.begin():
            if in_process:
                rows = read_careplace(path)
            else:
                finishing = Finishing("bench", False, active_hashes(session, "bench"))
                rows = read_source("careplace", str(path), finishing=finishing)
            report = run_import(session, SourceSpec("bench", "careplace"), rows, dedupe=False)
        own_now, children_now = cpu_seconds()
        worker = children_now - children
        return time.perf_counter() - started, own_now - own + worker, worker, report


def load_boroughs(url: str) -> None:
    app = create_app({"DATABASE_URL": url})
    with app.app_context():
        session = get_db().sessionmaker()
        with session.begin():
            loaded = load_areas(session, LONDON_BOROUGHS)
    print(f"loaded {len(loaded.loaded)} borough polygons")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database", help="SQLAlchemy URL (default: a new SQLite file)")
    parser.add_argument(
        "--boroughs", action="store_true", help="load the London borough polygons first"
    )
    parser.add_argument(
        "--in-process", action="store_true", help="read the file in this process (no worker)"
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="signpost-bench-"))
    url = args.database or f"sqlite:///{workdir / 'bench.db'}"
    csv_path = workdir / "careplace.csv"
    write_rows(csv_path, args.rows)
    app = create_app({"DATABASE_URL": url})
    migrate.upgrade(app.extensions["signpost_db"].engine)
    if args.boroughs:
        load_boroughs(url)
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    worker_memory = WorkerMemory()
    worker_memory.start()
    for label in ("first import", "re-import (unchanged)"):
        seconds, cpu, worker, report = timed_import(url, csv_path, args.in_process)
        print(
            f"{label}: {args.rows} rows in {seconds:.1f} s = {args.rows / seconds:,.0f} "
            f"records/s; CPU {cpu:.1f} s = {args.rows / cpu:,.0f} records/CPU-s (this "
            f"process {cpu - worker:.1f} s = {args.rows / (cpu - worker):,.0f} records/CPU-s, "
            f"worker {worker:.1f} s)  [{report.summary()}]"  # type: ignore[attr-defined]
        )
    worker_memory.stopped.set()
    print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak RSS: {peak_mb:,.0f} MB, worker {worker_memory.peak_kb / 1024:,.0f} MB  "
        f"(database: {url.split('://')[0]})"
    )
    shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
