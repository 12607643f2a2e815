"""PostgreSQL's planner statistics for the tables a large import has just written.

PostgreSQL plans every query from what ANALYZE last found in each table, and autovacuum
cannot look at rows an import has not committed yet. During a first import of 100,000
records into an empty directory the planner still takes the tables for empty (or
guesses), and the search index refresh that follows joins service_at_location, location,
schedule and service_area for every 100 services by hashing the whole of them: quadratic
(at 30,000 records, 16 ms a chunk and growing). ANALYZE inside the import's own
transaction counts its uncommitted rows, so those joins probe indexes again. SQLite's
planner picks the same indexes without statistics, so it is left alone.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

# What the steps after publishing read (search/place index, boroughs, dedupe), biggest first.
TABLES = (
    "attribute", "source_record", "service", "location", "service_at_location", "schedule",
    "service_area", "cost_option", "address", "phone", "organization", "taxonomy_term",
)  # fmt: skip
MIN_RECORDS = 5_000  # fewer written, and stale estimates cost less than ANALYZE


def refresh_statistics(session: Session, written: int) -> None:
    """ANALYZE what an import wrote, on PostgreSQL, when it wrote `MIN_RECORDS` or more."""
    if written < MIN_RECORDS or session.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        session.execute(text(f"ANALYZE {table}"))
