"""Search benchmark: a link worker's queries through HTTP against N generated services.

    .venv/bin/python bench/search.py --services 10000                   # SQLite file
    .venv/bin/python bench/search.py --services 100000 \\
        --database postgresql+psycopg://postgres@127.0.0.1:5432/signpost_bench

Builds a fresh database (the SQLite file, or the PostgreSQL database's public schema, is
wiped), loads the 33 London boroughs, generates the services (bench/search_data.py) and
indexes them, then serves the real app with gunicorn on 127.0.0.1 and replays a fixed,
seeded mix of queries one at a time, printing p50/p95/p99 latency and queries/s per kind,
with `GET /` as the floor. Targets at 100,000 services (issue 5): p95 <= 50 ms on PostGIS
and <= 100 ms on SQLite for postcode + 2 km + need (`pc_2km_need`).

Kinds (pages of 20): `pc_2km` postcode + proximity 2000; `_need` + taxonomy_term (a need
code); `_text` + search; `_filters` + age=72, free, open_on a weekday; `link_worker` all
of those but text; `outward_2km_need` an outward code; `sal_pc_2km_need` the same on
/service_at_locations; `text_typo` a mistyped search word, no place; `suggest` 2-5 typed
letters. Requests go one at a time (latency, not throughput under concurrency); q/s is
1 / mean latency. `--reuse` replays against a database built before, e.g. while tuning.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from search_data import ACTIVITIES, NEEDS, generate  # noqa: E402
from sqlalchemy import select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app import migrate, search  # noqa: E402
from app.db import make_engine  # noqa: E402
from app.geo import LONDON_BOROUGHS, load_areas  # noqa: E402
from app.models import Postcode, Service  # noqa: E402
from app.taxonomy import ensure_builtin_taxonomy  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
WORDS = ["walking", "garden", "knit", "singing", "lunch", "tai chi", "dementia", "art"]
TYPOS = ["gardning", "wlaking", "singng", "dementa", "knittting"]


def build(url: str, count: int) -> list[str]:
    """A fresh database with `count` services; returns the generated postcodes."""
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)
    with Session(engine) as session, session.begin():
        ensure_builtin_taxonomy(session)
        load_areas(session, LONDON_BOROUGHS)
        started = time.perf_counter()
        postcodes = generate(session, count, LONDON_BOROUGHS)
        print(f"generated {count} services in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        search.index_services(session, list(session.scalars(select(Service.id))))
        print(f"indexed them in {time.perf_counter() - started:.1f} s")
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    else:
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    engine.dispose()
    return postcodes


def existing_postcodes(url: str) -> list[str]:
    engine = make_engine(url)
    with Session(engine) as session:
        postcodes = list(session.scalars(select(Postcode.postcode).order_by(Postcode.postcode)))
    engine.dispose()
    return postcodes


def queries(postcodes: list[str], per_kind: int, seed: int) -> dict[str, list[str]]:
    """The fixed mix: kind -> request paths."""
    rng = random.Random(seed)
    day = ["monday", "tuesday", "wednesday", "thursday", "friday"]
    kinds: dict[str, list[str]] = {name: [] for name in KINDS}
    for _ in range(per_kind):
        place = {"postcode": rng.choice(postcodes), "proximity": 2000, "per_page": 20}
        need = rng.choice(NEEDS)
        kinds["floor"].append("/")
        kinds["pc_2km"].append("/services?" + urlencode(place))
        kinds["pc_2km_need"].append("/services?" + urlencode(place | {"taxonomy_term": need}))
        kinds["pc_2km_text"].append("/services?" + urlencode(place | {"search": rng.choice(WORDS)}))
        kinds["pc_2km_filters"].append(
            "/services?"
            + urlencode(place | {"age": 72, "free": "true", "open_on": rng.choice(day)})
        )
        kinds["link_worker"].append(
            "/services?"
            + urlencode(
                place
                | {"taxonomy_term": need, "age": 72, "free": "true", "open_on": rng.choice(day)}
            )  # fmt: skip
        )
        outward = place | {"postcode": place["postcode"].split()[0], "taxonomy_term": need}
        kinds["outward_2km_need"].append("/services?" + urlencode(outward))
        kinds["sal_pc_2km_need"].append(
            "/service_at_locations?" + urlencode(place | {"taxonomy_term": need})
        )
        kinds["text_typo"].append(
            "/services?" + urlencode({"search": rng.choice(TYPOS), "per_page": 20})
        )
        activity = rng.choice(ACTIVITIES)[0].lower()
        kinds["suggest"].append("/suggest?" + urlencode({"q": activity[: rng.randint(2, 5)]}))
    return kinds


KINDS = ["floor", "pc_2km", "pc_2km_need", "pc_2km_text", "pc_2km_filters", "link_worker",
         "outward_2km_need", "sal_pc_2km_need", "text_typo", "suggest"]  # fmt: skip


def serve(url: str, port: int, workers: int, timeout: int = 30) -> subprocess.Popen:
    """gunicorn with `workers` sync workers (`timeout`: seconds a request may take)."""
    # One address sends every request: measure the search, not the per-client rate limit.
    env = os.environ | {"DATABASE_URL": url, "SIGNPOST_RATE_LIMIT_SEARCH": ""}
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-w", str(workers), "--timeout",
               str(timeout), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
               "app:create_app()"]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    for _ in range(100):
        try:
            get(port, "/")
            return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("the server did not start")


def get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def replay(port: int, kinds: dict[str, list[str]]) -> None:
    print(f"{'kind':<18}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'q/s':>8}")
    for kind, paths in kinds.items():
        for path in paths[:5]:  # warm caches and connections
            get(port, path)
        timings = []
        for path in paths:
            started = time.perf_counter()
            status, _ = get(port, path)
            timings.append((time.perf_counter() - started) * 1000)
            if status != 200:
                raise SystemExit(f"{path} answered {status}")
        cuts = statistics.quantiles(timings, n=100, method="inclusive")
        rate = len(timings) / (sum(timings) / 1000)
        print(
            f"{kind:<18}{len(timings):>5}{cuts[49]:>9.1f}{cuts[94]:>9.1f}{cuts[98]:>9.1f}{rate:>8.0f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--database", help="SQLAlchemy URL (default: a SQLite temp file)")
    parser.add_argument("--requests", type=int, default=200, help="requests per kind")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--reuse", action="store_true", help="query the --database as it is (built before)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        url = args.database or f"sqlite:///{Path(scratch) / 'bench.db'}"
        print(f"{args.services} services, {make_engine(url).dialect.name}")
        postcodes = existing_postcodes(url) if args.reuse else build(url, args.services)
        server = serve(url, args.port, args.workers)
        try:
            replay(args.port, queries(postcodes, args.requests, args.seed))
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
