"""Rate limits on searches and writes: a token bucket per client, in process memory.

Two limits, set as "N/unit" (`SIGNPOST_RATE_LIMIT_SEARCH`, `SIGNPOST_RATE_LIMIT_WRITE`;
empty or `0` turns one off):

- **search**: `GET /services` and `/service_at_locations` with any search or filter
  parameter, `/organizations` and `/taxonomy_terms` with `search`, `/suggest`, the search
  page (`/` with a search, for a browser) and the account pages' organisation search.
  Plain paging and syncing (`page`, `per_page`, `minimal`, `full`, `modified_after`),
  `GET /services/{id}` and the other single objects, the dumps and the taxonomy browser
  are not limited: they are cheap indexed reads, they are what mirrors use, and the dumps
  are the way to take everything.
- **write**: every POST, PUT, PATCH and DELETE, pages' forms included.

A request with a valid API token counts against the token's account; any other request
against its IP address (behind nginx set `SIGNPOST_PROXY_COUNT`, or every client is
127.0.0.1). All of one account's tokens share one allowance: an account can mint tokens
at will (`POST /tokens`), so a per-token allowance would be unlimited. CORS preflights
(OPTIONS) are never counted.

Why a token bucket: N requests may come at once, then one more every period/N seconds.
Unlike a fixed window it has no double burst at the window's edge, its Retry-After is
exactly when the next request will pass (not "when the minute is up"), and it keeps two
numbers per client, where a sliding log keeps N timestamps.

The buckets live in each process's memory: gunicorn's workers each count on their own,
so with W workers a client may get up to W times the limit (and a restart forgets all).
That is enough to stop one client hogging the search; for a hard limit across workers
and servers use nginx's `limit_req` (see deploy/nginx.conf). Sign-in failures and
problem reports are rarer and must hold across processes: app/auth/ratelimit.py counts
those in the database.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from apispec import BasePlugin
from flask import Flask, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue

from app.auth.current import optional_api_account
from app.auth.ratelimit import TooManyRequests
from app.errors import Unauthorized, error_response
from app.http import prefers_html
from schemas.page import ErrorSchema, ServiceListArgs

UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
SETTINGS = {"search": "SIGNPOST_RATE_LIMIT_SEARCH", "write": "SIGNPOST_RATE_LIMIT_WRITE"}
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# Parameters that page through or sync a list rather than search it.
NOT_SEARCH = {"page", "per_page", "minimal", "full", "modified_after"}
FILTERS = frozenset(ServiceListArgs().fields) - NOT_SEARCH
# endpoint: the query parameters that make a GET a search (None: every GET is one).
SEARCH_ENDPOINTS: dict[str, frozenset[str] | None] = {
    "services.Services": FILTERS,
    "service_at_locations.ServiceAtLocations": FILTERS,
    "organizations.Organizations": frozenset({"search"}),
    "taxonomy_terms.TaxonomyTerms": frozenset({"search"}),
    "suggest.Suggest": None,
    "root.Root": FILTERS,  # the search page's form uses the API's parameter names
    "web_account.claim_search": frozenset({"q"}),
}
RESPONSE = "RATE_LIMITED"


@dataclass(frozen=True)
class Rate:
    """At most `limit` requests at once, refilled evenly over `period` seconds."""

    limit: int
    period: float

    @property
    def interval(self) -> float:
        return self.period / self.limit


def parse_rate(text: str | None, setting: str = "rate") -> Rate | None:
    """A rate from "120/minute" ("10/second", "1000/hour", "5000/day"); None for off."""
    value = (text or "").strip().lower()
    if value in ("", "0", "off"):
        return None
    match = re.fullmatch(r"(\d+)\s*/\s*(second|minute|hour|day)s?", value)
    if match is None:
        raise ValueError(f"{setting} must look like 120/minute (empty: no limit), not {text!r}")
    limit = int(match[1])
    return Rate(limit, UNITS[match[2]]) if limit else None


class RateLimiter:
    """One token bucket per key: a full bucket holds `rate.limit` requests, each request
    takes one, and they flow back at one per `rate.interval` seconds."""

    def __init__(self, rate: Rate, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key: (requests left, as of)
        self._lock = threading.Lock()  # gunicorn's gthread workers serve several at once
        self._swept = clock()

    def __len__(self) -> int:
        """How many clients' buckets are held (those seen within the last period or two)."""
        return len(self._buckets)

    def take(self, key: str) -> float:
        """Spend one request of the key's allowance: 0 when it may go ahead, otherwise
        the seconds until it would (a refused request spends nothing)."""
        now = self.clock()
        with self._lock:
            self._sweep(now)
            left, since = self._buckets.get(key, (self.rate.limit, now))
            left = min(self.rate.limit, left + (now - since) / self.rate.interval)
            if left < 1:
                self._buckets[key] = (left, now)
                return (1 - left) * self.rate.interval
            self._buckets[key] = (left - 1, now)
            return 0.0

    def _sweep(self, now: float) -> None:
        """Once a period, forget the buckets untouched for a period: they are full again,
        the same as no bucket, so memory holds only the clients seen recently."""
        if now - self._swept < self.rate.period:
            return
        self._swept = now
        idle = [key for key, (_, since) in self._buckets.items() if now - since >= self.rate.period]
        for key in idle:
            del self._buckets[key]


class RateLimited(TooManyRequests):
    """Over the search or write limit (a page for browsers, the JSON error for others)."""


def init_rate_limits(app: Flask) -> None:
    """Read the two limits (a bad value stops the app starting) and check each request.

    `RATE_LIMIT_CLOCK` in the config replaces the clock (tests move time on)."""
    clock = app.config.get("RATE_LIMIT_CLOCK") or time.monotonic
    limiters = {}
    for kind, setting in SETTINGS.items():
        rate = parse_rate(app.config.get(setting), setting)
        if rate is not None:
            limiters[kind] = RateLimiter(rate, clock)
    app.extensions["signpost_rate_limits"] = limiters
    if limiters:
        app.before_request(check_rate_limit)
    app.register_error_handler(RateLimited, too_many_requests)


def check_rate_limit() -> None:
    kind = request_kind()
    limiter = current_app.extensions["signpost_rate_limits"].get(kind)
    if limiter is None:
        return
    key = client_key()
    wait = limiter.take(key)
    if wait:
        seconds = max(1, math.ceil(round(wait, 3)))  # 1.0000000000000009 s is 1 s
        who = "this API token" if key.startswith("account:") else "this address"
        what = "searches" if kind == "search" else "changes"
        raise RateLimited(
            f"Too many {what} from {who}; try again in {seconds} second{'s' * (seconds != 1)}.",
            seconds,
        )


def request_kind() -> str | None:
    """Which limit applies to this request: "write", "search", or None."""
    endpoint = request.endpoint
    if request.method in WRITE_METHODS:
        return "write"
    if request.method not in ("GET", "HEAD") or endpoint not in SEARCH_ENDPOINTS:
        return None
    if endpoint == "root.Root" and not prefers_html():
        return None  # API clients get the HSDS root there, not a search
    params = SEARCH_ENDPOINTS[endpoint]
    if params is None or any(request.args.get(name) for name in params):
        return "search"
    return None


def client_key() -> str:
    """The account of a valid API token, else the client's address."""
    if request.headers.get("Authorization"):
        try:
            account = optional_api_account()
        except Unauthorized:
            account = None  # the view answers 401 if it needs the token
        if account is not None:
            return f"account:{account.id}"
    return f"ip:{request.remote_addr or 'unknown'}"


def too_many_requests(exc: RateLimited) -> ResponseReturnValue:
    if prefers_html():
        html = render_template("too_many_requests.html", error=exc)
        response = Response(html, status=exc.code, mimetype="text/html")
    else:
        response, _status = error_response(exc.code, exc.message, exc.errors)
    response.headers["Retry-After"] = str(exc.retry_after)
    return response, exc.code


def documented_kind(endpoint: str, method: str) -> str | None:
    """The limit an API operation may answer 429 for (the search page is not in the API)."""
    if method in WRITE_METHODS:
        return "write"
    if method == "GET" and endpoint in SEARCH_ENDPOINTS and endpoint != "root.Root":
        return "search"
    return None


class RateLimitDocs(BasePlugin):
    """apispec plugin: a 429 response, with Retry-After, on every limited operation."""

    def init_spec(self, spec: Any) -> None:
        super().init_spec(spec)
        description = "Too many requests from this client; try again after Retry-After seconds"
        spec.components.response(
            RESPONSE,
            {
                "description": description,
                "content": {"application/json": {"schema": ErrorSchema}},
                "headers": {
                    "Retry-After": {
                        "description": "Seconds until the next request will be accepted",
                        "schema": {"type": "integer"},
                    }
                },
            },
            lazy=True,
        )

    def operation_helper(self, path: Any = None, operations: Any = None, **kwargs: Any) -> None:
        rule = kwargs.get("rule")
        if rule is None or not operations:
            return
        for method, operation in operations.items():
            responses = operation.get("responses", {})
            if documented_kind(rule.endpoint, method.upper()) and "429" not in map(str, responses):
                default = responses.pop("default", None)  # keep `default` last
                responses["429"] = RESPONSE
                if default is not None:
                    responses["default"] = default
                operation["responses"] = responses
