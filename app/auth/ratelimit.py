"""The problem-report limit, kept in the database so it holds across processes and servers.

(Searches, writes and sign-in failures are limited by Flask-Limiter: app/ratelimit.py.)
Each counted attempt is a `rate_event` row (action, key, time). A limit is "at most
`limit` events of this action for any of these keys within `window`"; over it, the
caller gets a 429 whose Retry-After says when the oldest counted event expires.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.errors import SignpostError
from app.models import new_id
from app.models.accounts import RateEvent


@dataclass(frozen=True)
class Limit:
    action: str
    limit: int
    window: dt.timedelta


REPORT = Limit("report", 10, dt.timedelta(hours=1))


class TooManyRequests(SignpostError):
    code = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, {"retry_after": retry_after})
        self.retry_after = retry_after


def check_limit(session: Session, rule: Limit, keys: list[str], now: dt.datetime) -> None:
    """Raise TooManyRequests when any key has used up its allowance in the window."""
    since = now - rule.window
    for key in keys:
        count, oldest = session.execute(
            select(func.count(), func.min(RateEvent.at)).where(
                RateEvent.action == rule.action, RateEvent.key == key, RateEvent.at > since
            )
        ).one()
        if count >= rule.limit:
            retry_after = max(1, math.ceil((oldest + rule.window - now).total_seconds()))
            minutes = math.ceil(retry_after / 60)
            raise TooManyRequests(
                f"Too many attempts; try again in {minutes} minute{'s' * (minutes != 1)}.",
                retry_after,
            )


def record_event(session: Session, rule: Limit, keys: list[str], now: dt.datetime) -> None:
    """Count one attempt against each key (and forget this action's expired events)."""
    session.execute(
        delete(RateEvent).where(RateEvent.action == rule.action, RateEvent.at < now - rule.window)
    )
    session.add_all(RateEvent(id=new_id(), action=rule.action, key=key, at=now) for key in keys)
    session.flush()
