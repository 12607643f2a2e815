"""The error for a request over a rate limit (the limits themselves are counted by
Flask-Limiter: app/ratelimit.py)."""

from __future__ import annotations

from app.errors import SignpostError


class TooManyRequests(SignpostError):
    code = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, {"retry_after": retry_after})
        self.retry_after = retry_after
