"""Deduplication in the database: the matching engine (app.matching) run over the stored
source records, its clusters published as merged services.

- state.py: the stored source records as the matcher sees them, and the clusters they
  were last left in (a record's service_id and organization_id *are* its clusters);
- run.py: `run_dedupe`, incremental by default (only new, changed and withdrawn records
  and the clusters they touch), from scratch with `full=True`;
- summaries.py and stored_index.py: what the matcher keeps of every record between runs
  (match_summary, match_key), so an incremental run reads only the records it touches;
- publishing.py: each changed cluster published as one service, every field from the
  record survivorship chose (recorded in merged_service), merged-away IDs retired to
  `inactive` with an alias to where their records went;
- review.py: the queue of possible matches and reviewers' decisions, which no later
  run undoes.

Published IDs are stable: a record first publishes its own service (the importer's
uuid5 of source and key); a cluster keeps the ID of the records it had before (the
larger part when it splits), and a new cluster takes a member's own ID.
"""

from app.dedupe.run import DedupeReport, lock_dedupe, run_dedupe

__all__ = ["DedupeReport", "lock_dedupe", "run_dedupe"]
