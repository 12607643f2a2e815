"""Rate limits on searches, writes and sign-in failures, counted by Flask-Limiter.

Two configurable limits, set as "N/unit" (`SIGNPOST_RATE_LIMIT_SEARCH`,
`SIGNPOST_RATE_LIMIT_WRITE`; empty, `0` or `off` turns one off):

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

Problem reports (`POST /services/{id}/reports` and the service page's form) are always
limited to 10 an hour from one address; only accepted reports count.

Sign-in failures (the sign-in page and `POST /tokens`, wrong email or password) are
always limited: 5 per 15 minutes for one account from one address, and 30 per 15
minutes from one address whatever the account. Keyed on the pair, not the account
alone, so that someone guessing elsewhere cannot lock the owner out (their right
password from their own address still works); a success clears the pair's count.

Counting uses a moving window (at most N requests in any period; Retry-After is when
the oldest counted one leaves the window) in the storage `SIGNPOST_RATE_LIMIT_STORAGE_URL`
names: `memory://` (the default) counts in each process, so gunicorn's W workers allow
up to W times a limit and a restart forgets; `redis://host:6379/0` shares the counts
between every worker and server (deploy/README.md). Should Redis become unreachable,
each process counts in memory until it is back, rather than answering errors.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from typing import Any
from urllib.parse import urlsplit

from apispec import BasePlugin
from flask import Flask, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_limiter import ApplicationLimit, Limiter, RateLimitExceeded, RequestLimit
from limits import RateLimitItem, parse_many
from limits.errors import ConfigurationError

from app.auth.accounts import normalise_email
from app.auth.current import optional_api_account
from app.auth.ratelimit import TooManyRequests
from app.errors import Unauthorized, error_response
from app.negotiation import prefers_html
from schemas.page import ErrorSchema, ServiceListArgs

SETTINGS = {"search": "SIGNPOST_RATE_LIMIT_SEARCH", "write": "SIGNPOST_RATE_LIMIT_WRITE"}
STORAGE_SETTING = "SIGNPOST_RATE_LIMIT_STORAGE_URL"
STORAGE_SCHEMES = ("memory", "redis", "rediss", "redis+sentinel", "redis+cluster")
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
    # A referral's code is its only key: every look-up counts, so codes cannot be walked.
    "referrals.ReferralByCode": None,
    "referral_pages.my_referrals": frozenset({"code"}),
}
SIGN_IN_ENDPOINTS = frozenset({"web_account.sign_in", "accounts.Tokens"})
REPORT_ENDPOINTS = frozenset({"workflow.ServiceReports", "service_page.report"})
REPORTS_PER_ADDRESS = "10 per hour"
SIGN_IN_PER_ACCOUNT = "5 per 15 minutes"  # one account from one address
SIGN_IN_PER_ADDRESS = "30 per 15 minutes"  # one address, any accounts
SIGN_IN_SCOPES = ("sign-in", "sign-in-address")
RATE_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")
RESPONSE = "RATE_LIMITED"


def parse_rate(text: str | None, setting: str = "rate") -> RateLimitItem | None:
    """A rate from "120/minute" ("10/second", "1000/hour", "5000/day", "20 per 5 minutes",
    as the limits library reads them); None for off."""
    value = (text or "").strip().lower()
    if value in ("", "0", "off"):
        return None
    try:
        rates = parse_many(value)
    except ValueError:
        rates = []
    if len(rates) != 1:
        raise ValueError(f"{setting} must look like 120/minute (empty: no limit), not {text!r}")
    return rates[0] if rates[0].amount else None


def storage_url(text: str | None) -> str:
    """The limits' storage: memory:// (the default) or a Redis URL; anything else stops
    the app starting, with a message that does not repeat a password in the URL."""
    value = (text or "").strip() or "memory://"
    parts = urlsplit(value)
    problem = None
    if "://" not in value or parts.scheme not in STORAGE_SCHEMES:
        problem = f"scheme {parts.scheme or 'missing'!r} is not one of {', '.join(STORAGE_SCHEMES)}"
    elif parts.scheme != "memory":
        try:
            parts.port  # noqa: B018 - raises ValueError for a port that is not a number
        except ValueError:
            problem = "its port is not a number"
        if not parts.hostname and not problem:
            problem = "it names no host"
    if problem:
        raise ValueError(
            f"{STORAGE_SETTING} must be memory:// or a Redis URL such as "
            f"redis://127.0.0.1:6379/0, but {problem}"
        )
    return value


def init_rate_limits(app: Flask) -> None:
    """Read the limits and the storage (a bad value stops the app starting) and count
    every request through one Flask-Limiter per app."""
    storage = storage_url(app.config.get(STORAGE_SETTING))
    limits = [
        ApplicationLimit(str(rate), key_function=client_key, scope=kind, exempt_when=_not(kind))
        for kind, setting in SETTINGS.items()
        if (rate := parse_rate(app.config.get(setting), setting)) is not None
    ]
    limits += sign_in_limits()
    limits.append(report_limit())
    limiter = Limiter(
        client_key,
        application_limits=limits,
        storage_uri=storage,
        strategy="moving-window",
        headers_enabled=False,  # ours below: Retry-After only on a 429
        in_memory_fallback_enabled=not storage.startswith("memory"),
        key_prefix=app.config.get("RATELIMIT_KEY_PREFIX") or "signpost",  # tests: their own
    )
    try:
        limiter.init_app(app)
    except ConfigurationError as exc:
        raise ValueError(f"{STORAGE_SETTING}: {exc}") from exc
    # Its INFO line on each refusal names the client's key: an address is personal data.
    limiter.logger.setLevel(logging.WARNING)
    app.extensions["signpost_limiter"] = limiter
    app.after_request(after_request)
    app.register_error_handler(RateLimitExceeded, too_many_requests)


def sign_in_limits() -> list[ApplicationLimit]:
    """Failed sign-ins only (a 401) count, on the sign-in page and POST /tokens."""

    def failed(response: Response) -> bool:
        return response.status_code == 401

    keys = {"sign-in": account_address_key, "sign-in-address": address_key}
    rates = {"sign-in": SIGN_IN_PER_ACCOUNT, "sign-in-address": SIGN_IN_PER_ADDRESS}
    return [
        ApplicationLimit(
            rates[scope],
            key_function=keys[scope],
            scope=scope,
            exempt_when=not_sign_in,
            deduct_when=failed,
        )
        for scope in SIGN_IN_SCOPES
    ]


def report_limit() -> ApplicationLimit:
    """Accepted problem reports (202 from the API, 303 from the page) per address."""

    def accepted(response: Response) -> bool:
        return response.status_code in (202, 303)

    def not_report() -> bool:
        return request.method != "POST" or request.endpoint not in REPORT_ENDPOINTS

    return ApplicationLimit(
        REPORTS_PER_ADDRESS,
        key_function=address_key,
        scope="report",
        exempt_when=not_report,
        deduct_when=accepted,
    )


def _not(kind: str):
    def exempt() -> bool:
        return request_kind() != kind

    return exempt


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


def not_sign_in() -> bool:
    return request.method != "POST" or request.endpoint not in SIGN_IN_ENDPOINTS


def client_key() -> str:
    """The account of a valid API token, else the client's address."""
    if request.headers.get("Authorization"):
        try:
            account = optional_api_account()
        except Unauthorized:
            account = None  # the view answers 401 if it needs the token
        if account is not None:
            return f"account:{account.id}"
    return address_key()


def address_key() -> str:
    return f"ip:{request.remote_addr or 'unknown'}"


def account_address_key() -> str:
    """The pair (account, address) a sign-in tries. The email is hashed: the key reaches
    the shared storage, where an email address has no business."""
    body = request.get_json(silent=True) if request.is_json else request.form
    email = body.get("email") if hasattr(body, "get") else None
    digest = hashlib.sha256(normalise_email(str(email or "")).encode()).hexdigest()[:32]
    return f"account:{digest}|{address_key()}"


class RateLimited(TooManyRequests):
    """Over a limit (a page for browsers, the JSON error for others)."""


def refusal(limit: RequestLimit) -> RateLimited:
    """The error for a refused request, with the seconds until one would pass."""
    window_reset, _remaining = limit.window
    seconds = max(1, math.ceil(round(window_reset - time.time(), 3)))
    scope = limit.request_args[-1]
    if scope in SIGN_IN_SCOPES:
        minutes = math.ceil(seconds / 60)
        message = f"Too many attempts; try again in {minutes} minute{'s' * (minutes != 1)}."
        return RateLimited(message, seconds)
    if scope == "report":
        minutes = math.ceil(seconds / 60)
        plural = "s" * (minutes != 1)
        message = f"Too many reports from this address; try again in {minutes} minute{plural}."
        return RateLimited(message, seconds)
    who = "this API token" if limit.request_args[-2].startswith("account:") else "this address"
    what = "searches" if scope == "search" else "changes"
    return RateLimited(
        f"Too many {what} from {who}; try again in {seconds} second{'s' * (seconds != 1)}.",
        seconds,
    )


def too_many_requests(exc: RateLimitExceeded) -> ResponseReturnValue:
    """A 429 with Retry-After: the account pages' error page, the search's page for
    other browsers, the one JSON error format for API clients."""
    limiter: Limiter = current_app.extensions["signpost_limiter"]
    breached = limiter.current_limit
    assert breached is not None and breached.breached
    error = refusal(breached)
    if request.blueprint == "web_account":
        html = render_template("account/error.html", error=error)
        response = Response(html, status=error.code, mimetype="text/html")
    elif prefers_html():
        html = render_template("too_many_requests.html", error=error)
        response = Response(html, status=error.code, mimetype="text/html")
    else:
        response, _status = error_response(error.code, error.message, error.errors)
    response.headers["Retry-After"] = str(error.retry_after)
    return response, error.code


def after_request(response: Response) -> Response:
    """Clear a sign-in's failures when it succeeds, and say how much of the tightest
    limit is left (X-RateLimit-*, readable by other sites' scripts too)."""
    limiter: Limiter = current_app.extensions["signpost_limiter"]
    if response.status_code < 400 and not not_sign_in():
        for counted in limiter.current_limits:
            if counted.request_args[-1] == "sign-in":
                limiter.limiter.clear(counted.limit, *counted.request_args)
    current = limiter.current_limit
    if current is None:
        return response
    window_reset, remaining = current.window
    response.headers["X-RateLimit-Limit"] = str(current.limit.amount)
    response.headers["X-RateLimit-Remaining"] = str(max(0, remaining))
    response.headers["X-RateLimit-Reset"] = str(math.ceil(window_reset))
    response.headers["Access-Control-Expose-Headers"] = ", ".join(("Retry-After", *RATE_HEADERS))
    return response


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
