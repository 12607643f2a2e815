"""Export benchmark: N generated services, then every dump format, each in its own process.

    .venv/bin/python bench/export.py --services 100000          # a new SQLite file
    .venv/bin/python bench/export.py --services 10000 --database postgresql+psycopg://...

The services (organisation, location + address, service_at_location, schedule, cost
option, phone, public contact, 2 taxonomy attributes; 80% with a record from an open
source, 5% from a closed one) are bulk-inserted straight into a freshly migrated database
(a PostgreSQL database must be empty, and is ANALYZEd after the load). Each format is then
exported by a child process that reports its own time, CPU time and peak RSS (ru_maxrss),
so one format's memory never counts against another's; a "baseline" child that only
opens the app shows the fixed cost. The load average is printed: the times are wall
clock, and a busy machine stretches them.
Targets (issue 7): each format <= 60 s and peak RSS <= 500 MB, whatever N.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, insert, select
from vocabulary import ACTIVITIES, BOROUGHS

from app import create_app, migrate
from app.db import get_db
from app.models import (
    Address,
    Attribute,
    Contact,
    CostOption,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    Source,
    SourceRecord,
    Taxonomy,
    TaxonomyTerm,
    stable_id,
)

DAYS = ["MO", "TU", "WE", "TH", "FR", "SA"]
CHUNK = 5_000
NOW = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


def generate(url: str, count: int, seed: int = 7) -> None:
    """Bulk-insert `count` realistic services into a freshly migrated, empty database."""
    app = create_app({"DATABASE_URL": url})
    engine = app.extensions["signpost_db"].engine
    migrate.upgrade(engine)
    with engine.begin() as connection:
        if connection.scalar(select(func.count()).select_from(Service)):
            sys.exit(f"{url.split('@')[-1]} already holds services; give an empty database.")
        connection.execute(
            insert(Taxonomy), [{"id": stable_id("tx"), "name": "Bench", "description": "Bench"}]
        )
        terms = [stable_id("term", name) for name in ACTIVITIES + BOROUGHS]
        connection.execute(
            insert(TaxonomyTerm),
            [
                {
                    "id": term,
                    "name": name,
                    "description": name,
                    "taxonomy": "Bench",
                    "taxonomy_id": stable_id("tx"),
                }
                for term, name in zip(terms, ACTIVITIES + BOROUGHS, strict=True)
            ],
        )
        sources = [("open-a", True), ("open-b", True), ("closed", False)]
        connection.execute(
            insert(Source),
            [
                {
                    "id": stable_id("src", n),
                    "name": n,
                    "title": n.title(),
                    "licence": "CC-BY-4.0" if ok else "not for redistribution",
                    "attribution": f"Contains {n} data" if ok else None,
                    "redistributable": ok,
                }
                for n, ok in sources
            ],
        )
    rng = random.Random(seed)
    for start in range(0, count, CHUNK):
        tables: dict[type, list[dict]] = {}
        for n in range(start, min(start + CHUNK, count)):
            for model, row in service_rows(n, rng, terms):
                tables.setdefault(model, []).append(row)
        with engine.begin() as connection:
            for model, rows in tables.items():  # dicts keep insertion order: parents first
                connection.execute(insert(model), rows)
    if engine.dialect.name == "postgresql":  # as autovacuum would soon after a bulk load
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
    engine.dispose()


def service_rows(n: int, rng: random.Random, terms: list[str]):
    sid, oid, lid, sal = (stable_id(kind, str(n)) for kind in ("s", "o", "l", "sal"))
    activity, borough = rng.choice(ACTIVITIES), rng.choice(BOROUGHS)
    if n % 2 == 0:
        yield (
            Organization,
            {
                "id": oid,
                "name": f"{borough} Community Group {n}",
                "description": f"A community group in {borough}.",
            },
        )
    org = oid if n % 2 == 0 else stable_id("o", str(n - 1))
    yield (
        Location,
        {
            "id": lid,
            "location_type": "physical",
            "name": f"{borough} Hall {n}",
            "latitude": 51.45 + rng.random() * 0.15,
            "longitude": -0.25 + rng.random() * 0.3,
            "borough": borough,
            "geocode_precision": "postcode",
        },
    )
    yield (
        Address,
        {
            "id": stable_id("a", str(n)),
            "location_id": lid,
            "address_1": f"{n % 200} High Street",
            "city": "London",
            "state_province": borough,
            "postal_code": f"N{1 + n % 20} {n % 9}AB",
            "country": "GB",
            "address_type": "physical",
        },
    )
    yield (
        Service,
        {
            "id": sid,
            "organization_id": org,
            "name": f"{activity} {n}",
            "description": f"A friendly {activity.lower()} in {borough}. " * 3,
            "url": f"https://group{n}.example.org/",
            "email": f"info{n}@example.org",
            "status": "active",
            "fees_description": "£2 per session",
            "eligibility_description": "Adults",
            "minimum_age": 18,
            "last_modified": NOW,
        },
    )
    yield ServiceAtLocation, {"id": sal, "service_id": sid, "location_id": lid}
    yield (
        Schedule,
        {
            "id": stable_id("sch", str(n)),
            "service_at_location_id": sal,
            "freq": "WEEKLY",
            "byday": rng.choice(DAYS),
            "opens_at": "10:00",
            "closes_at": "12:00",
            "description": "Weekly, 10am to noon",
        },
    )
    yield (
        CostOption,
        {
            "id": stable_id("c", str(n)),
            "service_id": sid,
            "option": "Per session",
            "amount": 2.0,
            "currency": "GBP",
        },
    )
    yield (
        Phone,
        {"id": stable_id("p", str(n)), "service_id": sid, "number": f"020 7946 {n % 10000:04d}"},
    )
    yield (
        Contact,
        {
            "id": stable_id("ct", str(n)),
            "service_id": sid,
            "name": "Coordinator",
            "email": f"coordinator{n}@example.org",
            "is_public": True,
        },
    )
    for k, term in enumerate(rng.sample(terms, 2)):
        yield (
            Attribute,
            {
                "id": stable_id("at", str(n), str(k)),
                "link_id": sid,
                "link_entity": "service",
                "taxonomy_term_id": term,
            },
        )
    source = (
        "open-a" if n % 20 < 10 else "open-b" if n % 20 < 16 else "closed" if n % 20 == 16 else None
    )
    if source:
        yield (
            SourceRecord,
            {
                "id": stable_id("sr", str(n)),
                "source_id": stable_id("src", source),
                "key": f"K{n}",
                "raw": {"Service name": f"{activity} {n}", "Telephone": "020 7946 0000"},
                "record": {"name": f"{activity} {n}"},
                "content_hash": "0" * 64,
                "status": "active",
                "service_id": sid,
                "organization_id": org,
                "first_seen_at": NOW,
                "last_seen_at": NOW,
                "updated_at": NOW,
            },
        )


def child(url: str, format_name: str, out: Path) -> None:
    """Export one format (or nothing, for "baseline") and print what it cost as JSON."""
    from app.export import FORMATS, ExportSettings, export_dump
    from app.export.snapshot import snapshot_session

    app = create_app({"DATABASE_URL": url})
    started = time.perf_counter()
    records, size = 0, 0
    with app.app_context():
        session = snapshot_session(get_db())
        session.scalar(select(func.count()).select_from(Service))
        if format_name != "baseline":
            path = out / FORMATS[format_name].filename
            entry = export_dump(session, format_name, path, ExportSettings.from_config(app.config))
            records, size = entry["records"], entry["size"]
        session.close()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_mb, cpu = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "format": format_name,
                "seconds": seconds,
                "cpu_seconds": cpu,
                "records": records,
                "size": size,
                "peak_rss_mb": peak_mb,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--database", help="SQLAlchemy URL of an empty database (default: SQLite)")
    parser.add_argument("--formats", default="datapackage,json,ndjson,geojson,csv")
    parser.add_argument(
        "--child", nargs=3, metavar=("URL", "FORMAT", "OUT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], Path(args.child[2]))
        return
    workdir = Path(tempfile.mkdtemp(prefix="signpost-export-bench-"))
    url = args.database or f"sqlite:///{workdir / 'bench.db'}"
    started = time.perf_counter()
    generate(url, args.services)
    print(
        f"generated {args.services:,} services in {time.perf_counter() - started:.1f} s "
        f"({url.split('://')[0]}; dumps in {workdir})"
    )
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(
        f"{'format':<12} {'seconds':>8} {'CPU s':>6} {'records':>9} {'size MB':>8} "
        f"{'peak RSS MB':>12}"
    )
    for format_name in ["baseline", *args.formats.split(",")]:
        command = [sys.executable, __file__, "--child", url, format_name, str(workdir)]
        result = json.loads(
            subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
        )
        print(
            f"{format_name:<12} {result['seconds']:>8.1f} {result['cpu_seconds']:>6.1f} "
            f"{result['records']:>9,} {result['size'] / 1e6:>8.1f} {result['peak_rss_mb']:>12.0f}"
        )


if __name__ == "__main__":
    main()
