"""The search generation: a number that changes after every committed change to what
searches read, so that an app server may keep a costly result until it changes.

Each change sets a new random number rather than adding one: a count can come back to
a value it had (a database restored from a backup, a test's rolled-back transaction)
while a server still keeps results read under that value the first time.

`index_services` is the one call every write path already makes for the services it
changed (imports, withdrawals, dedupe, the write API, the sample data), so it arranges
for the generation to change when that session commits. The change runs after the
commit, in its own short transaction: a writer never waits on another for it, and a
reader never keeps an uncommitted state under an old number. (A result read between a
commit and its change is the newer state kept under the older number: harmless, the
change follows.) Readers also drop what they keep after `MAX_AGE` seconds, which bounds the
staleness a bump lost to a crash could cause.
"""

from __future__ import annotations

import secrets

from sqlalchemy import Connection, event, text
from sqlalchemy.orm import Session

PENDING = "search_generation_pending"
READ = text("SELECT value FROM service_search_generation WHERE id = 1")
BUMP = text("UPDATE service_search_generation SET value = :value WHERE id = 1")
MAX_AGE = 60.0


SEEN = "search_generation_seen"


def current(session: Session) -> int:
    """The generation this session's database is at: read once per transaction (a
    request's several kept results are then all of one generation)."""
    seen = session.info.get(SEEN)
    if seen is None:
        seen = session.info[SEEN] = session.scalar(READ) or 0
    return seen


@event.listens_for(Session, "after_transaction_end")
def _unsee(session: Session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction, not a savepoint
        session.info.pop(SEEN, None)


def change_after_commit(session: Session) -> None:
    """Have the generation change once this session's transaction commits."""
    session.info[PENDING] = True


@event.listens_for(Session, "after_commit")
def _bump(session: Session) -> None:
    if not session.info.pop(PENDING, False):
        return
    value = {"value": secrets.randbits(62)}
    bind = session.get_bind()
    if isinstance(bind, Connection):  # a session inside someone else's transaction
        bind.execute(BUMP, value)
        return
    with bind.begin() as connection:
        connection.execute(BUMP, value)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(PENDING, None)
