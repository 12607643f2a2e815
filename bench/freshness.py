"""How long `signpost freshness run` takes to queue its reminders over a large directory.

    nice .venv/bin/python bench/freshness.py [--services 100000] [--database URL]

Generates the data in a fresh database (default: a SQLite file in a temporary folder;
`--database` a PostgreSQL URL whose schema it DROPs): SERVICES listings, five per
organisation, every one last changed in 2020 and never confirmed; one organisation in
four has an editor account, the rest a public email. Then times one review run (the
query, the review states, the queued messages, committed), the same work as the
command, and prints the figure. The issue's budget: 100,000 listings in under 60 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness import fresh_engine  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app.models import Organization, Service  # noqa: E402
from app.models.accounts import Account, AccountOrganization  # noqa: E402
from app.models.mail import MailMessage  # noqa: E402
from app.services.freshness import chunks, run_review  # noqa: E402

LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def generate(session: Session, services: int) -> None:
    organizations = max(services // 5, 1)
    org_rows, account_rows, link_rows = [], [], []
    for n in range(organizations):
        org_id = f"00000000-0000-4000-8000-{n:012d}"
        has_editor = n % 4 == 0
        email = None if has_editor else f"hello@org{n}.example.org"
        org_rows.append({"id": org_id, "name": f"Organisation {n}", "email": email})
        if has_editor:
            account_id = f"00000000-0000-4000-9000-{n:012d}"
            account_rows.append({"id": account_id, "email": f"editor{n}@org{n}.example.org",
                                 "role": "editor", "trusted": False, "email_verified": True,
                                 "active": True, "created_at": LONG_AGO})  # fmt: skip
            link_rows.append({"account_id": account_id, "organization_id": org_id,
                              "created_at": LONG_AGO})  # fmt: skip
    service_rows = [
        {"id": f"00000000-0000-4000-a000-{n:012d}", "name": f"Service {n}", "status": "active",
         "organization_id": org_rows[n % organizations]["id"], "last_modified": LONG_AGO}
        for n in range(services)
    ]  # fmt: skip
    for model, rows in ((Organization, org_rows), (Account, account_rows),
                        (AccountOrganization, link_rows), (Service, service_rows)):  # fmt: skip
        for chunk in chunks(rows):
            session.execute(insert(model), chunk)
    session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--database", help="a PostgreSQL URL (its schema is dropped)")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="signpost-bench-")
    url = args.database or f"sqlite:///{folder}/bench.db"
    engine = fresh_engine(url)
    with Session(engine) as session:
        started = time.perf_counter()
        generate(session, args.services)
        took = time.perf_counter() - started
        print(f"Generated {args.services:,} stale listings in {took:.1f} s ({engine.dialect.name})")
        started = time.perf_counter()
        with session.begin():
            report = run_review(session, dt.datetime.now(dt.UTC), 12, "https://signpost.example")
        seconds = time.perf_counter() - started
        queued = session.scalar(select(func.count()).select_from(MailMessage))
    print(report.summary())
    print(f"freshness run: {queued:,} messages queued for {args.services:,} listings "
          f"in {seconds:.1f} s (budget 60 s)")  # fmt: skip
    engine.dispose()


if __name__ == "__main__":
    main()
