"""PostgreSQL's planner statistics for the tables a large import is writing.

PostgreSQL plans every query from what ANALYZE last found in each table, and autovacuum
cannot look at rows an import has not committed yet. Through a first import of 100,000
records into an empty directory the planner takes the tables for empty, or guesses that
a list of 100 ids matches half a table: the publisher's look-ups by id (organizations
already written, 45 ms a batch and growing) and the search index refresh's joins of
service_at_location, location, schedule and service_area (16 ms a chunk at 30,000) then
scan whole tables, each batch: quadratic. ANALYZE inside the import's own transaction
counts its uncommitted rows, so an import refreshes the statistics once it has written
MIN_RECORDS and again whenever it has doubled since (the planner scales what it learnt
by the tables' current size in between). SQLite's planner picks the same indexes without
statistics, so it is left alone.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

# What publishing and the steps after it read (search/place index, boroughs, dedupe).
TABLES = (
    "attribute", "source_record", "service", "location", "service_at_location", "schedule",
    "service_area", "cost_option", "address", "phone", "organization",
    "organization_identifier", "taxonomy_term",
)  # fmt: skip
MIN_RECORDS = 5_000  # fewer written, and stale estimates cost less than ANALYZE


def refresh_statistics(session: Session, written: int, analyzed: int = 0) -> int:
    """ANALYZE what an import has written, on PostgreSQL, once that is `MIN_RECORDS` or
    more and twice what the statistics last saw (`analyzed`); returns what they now see."""
    if written < max(MIN_RECORDS, 2 * analyzed) or session.get_bind().dialect.name != "postgresql":
        return analyzed
    for table in TABLES:
        session.execute(text(f"ANALYZE {table}"))
    return written
