"""How long `/uptake` takes to count a large number of referrals, and `signpost referrals
prune` to fold the old ones into counts.

    nice .venv/bin/python bench/referrals.py [--referrals 100000] [--services 2000] [--database URL]

Generates the data in a fresh database (default: a SQLite file in a temporary folder;
`--database` a PostgreSQL URL whose schema it DROPs): SERVICES listings, each at a venue in
one of 33 boroughs, and REFERRALS referrals spread evenly over the last two years, with
mixed needs, statuses and reasons. Then times the uptake table (counting and suppression,
as `/uptake` and `/uptake.csv` do), one prune with the default 12 months, and the uptake
table again over tallies and the remaining rows; checks the two tables are equal.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness import fresh_engine  # noqa: E402
from sqlalchemy import insert  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app.chunks import chunks  # noqa: E402
from app.models import Location, Service, ServiceAtLocation  # noqa: E402
from app.models.referrals import DECLINE_REASONS, REFERRAL_STATUSES, Referral  # noqa: E402
from app.referrals.codes import new_code  # noqa: E402
from app.referrals.retention import prune_referrals  # noqa: E402
from app.referrals.uptake import uptake_rows  # noqa: E402

NOW = dt.datetime(2026, 12, 7, tzinfo=dt.UTC)
NEEDS = ["need:loneliness", "activity:active", "need:debt", "need:carers"]


def generate(session: Session, referrals: int, services: int) -> None:
    rng = random.Random(2026)
    service_rows, location_rows, sal_rows = [], [], []
    for n in range(services):
        service_id, location_id = (
            f"00000000-0000-4000-a000-{n:012d}",
            f"00000000-0000-4000-b000-{n:012d}",
        )
        service_rows.append({"id": service_id, "name": f"Service {n}", "status": "active",
                             "last_modified": NOW})  # fmt: skip
        location_rows.append(
            {"id": location_id, "name": f"Venue {n}", "borough": f"Borough {n % 33}"}
        )
        sal_rows.append({"id": f"00000000-0000-4000-c000-{n:012d}", "service_id": service_id,
                         "location_id": location_id})  # fmt: skip
    referral_rows = []
    for _ in range(referrals):
        created = NOW - dt.timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
        status = rng.choice(REFERRAL_STATUSES)
        contacted = (
            None
            if status in ("new", "withdrawn")
            else created + dt.timedelta(days=rng.randrange(10))
        )
        referral_rows.append({
            "code": new_code(), "batch": new_code(8), "position": 0,
            "service_id": service_rows[rng.randrange(services)]["id"],
            "needs": rng.sample(NEEDS, rng.randrange(3)), "status": status,
            "reason": rng.choice(DECLINE_REASONS) if status == "declined" else None,
            "created_at": created, "contacted_at": contacted,
        })  # fmt: skip
    for model, rows in ((Service, service_rows), (Location, location_rows),
                        (ServiceAtLocation, sal_rows), (Referral, referral_rows)):  # fmt: skip
        for chunk in chunks(rows, 1000):
            session.execute(insert(model), chunk)
    session.commit()


def timed(label: str, work):
    started = time.perf_counter()
    result = work()
    print(f"{label}: {time.perf_counter() - started:.1f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=100_000)
    parser.add_argument("--services", type=int, default=2_000)
    parser.add_argument("--database", help="a PostgreSQL URL (its schema is dropped)")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="signpost-bench-")
    url = args.database or f"sqlite:///{folder}/bench.db"
    engine = fresh_engine(url)
    with Session(engine) as session:
        label = f"generate {args.referrals:,} referrals to {args.services:,} services"
        timed(f"{label} ({engine.dialect.name})",
              lambda: generate(session, args.referrals, args.services))  # fmt: skip
        before = timed("uptake table", lambda: uptake_rows(session))
        print(f"  {len(before):,} rows published")
        session.commit()
        pruned = timed("prune (12 months)", lambda: prune_referrals(session, NOW, 12))
        session.commit()
        print(f"  {pruned:,} referrals folded into counts")
        after = timed("uptake table after the prune", lambda: uptake_rows(session))
        same = [(r.service_id, r.need, r.values) for r in before] == [
            (r.service_id, r.need, r.values) for r in after
        ]
        print(f"  the same table before and after: {same}")
    engine.dispose()


if __name__ == "__main__":
    main()
