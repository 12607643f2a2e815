"""Every setting once: its name, the environment variable it comes from, its default.

`create_app(config)` takes a mapping that overrides these (tests pass one); otherwise
values come from the environment. The README's configuration table is checked against
`SETTINGS` by a test, so the docs cannot drift from the code.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

SETTINGS: dict[str, tuple[str, str]] = {
    # name: (default, what it is for)
    "DATABASE_URL": ("", "SQLAlchemy URL; empty means a SQLite file in the instance folder"),
    "DATABASE_REPLICA_URL": (
        "",
        "SQLAlchemy URL of a read replica for GET/HEAD reads; empty means the primary",
    ),
    "SIGNPOST_PUBLIC_URL": ("", "Base URL the API is reached at, for links in responses"),
    "SIGNPOST_WEBHOOKS_ALLOW_PRIVATE": (
        "false",
        "Let webhooks post to private or loopback addresses, and over plain http (tests)",
    ),
    "SIGNPOST_PROFILE_URL": (
        "https://github.com/OpenReferralUK/uk-profile",
        "HSDS profile URL announced at GET / (the ORUK profile itself)",
    ),
    "SIGNPOST_DATA_LICENCE": (
        "OGL-UK-3.0",
        "Licence of Signpost's own data (services no import contributed to) in dumps",
    ),
    "SIGNPOST_DUMPS_DIR": ("", "Folder of the open data dumps; empty means instance/dumps"),
    "SIGNPOST_TILE_URL": (
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "Map tile URL template for the results map; empty shows markers without tiles",
    ),
    "SIGNPOST_TILE_ATTRIBUTION": (
        "© OpenStreetMap contributors",
        "Credit shown on the map for the tiles",
    ),
    "SECRET_KEY": ("", "Key signing sign-in cookies; empty means one generated into instance/"),
    "SIGNPOST_SECURE_COOKIES": ("true", "Send the sign-in cookie over HTTPS only (false: http)"),
    "SIGNPOST_MODERATION": (
        "untrusted",
        "Whose edits wait for a moderator: untrusted (editors not yet trusted), all, none",
    ),
    "SIGNPOST_AUTO_APPROVE_DOMAIN_CLAIMS": (
        "true",
        "Approve a claim at once when the email domain is the organisation's website host",
    ),
    "SIGNPOST_PROXY_COUNT": (
        "0",
        "Reverse proxies in front of the app (nginx: 1) whose X-Forwarded-For is trusted",
    ),
    "SIGNPOST_RATE_LIMIT_SEARCH": (
        "300/minute",
        "Searches per client (IP address, or API token's account); empty: none",
    ),
    "SIGNPOST_RATE_LIMIT_WRITE": (
        "60/minute",
        "Writes (POST/PUT/PATCH/DELETE) per client; empty: none",
    ),
    "SIGNPOST_RATE_LIMIT_STORAGE_URL": (
        "memory://",
        "Where rate limits count: memory:// (each worker apart) or redis://host:6379/0 (shared)",
    ),
    "SIGNPOST_SMTP_URL": (
        "",
        "Mail server: smtp://user:password@host:587 (STARTTLS) or smtps://...:465; "
        "empty: write .eml files to instance/outbox/",
    ),
    "SIGNPOST_MAIL_FROM": ("", "Sender address of Signpost's mail (required with an SMTP URL)"),
    "SIGNPOST_REVIEW_MONTHS": (
        "12",
        "Months without a confirmation or change before a listing's editors are reminded",
    ),
    "SIGNPOST_REFERRAL_REMIND_DAYS": (
        "5",
        "Working days a referral may wait unacknowledged before its group's editors are reminded",
    ),
    "SIGNPOST_REFERRAL_RETENTION_MONTHS": (
        "12",
        "Months referrals are kept; older ones keep only their counts (signpost referrals prune)",
    ),
    "SIGNPOST_HIDE_MONTHS": (
        "24",
        "Months without a confirmation or change before a listing leaves default search results",
    ),
    "SIGNPOST_CAPACITY_WEEKS": (
        "8",
        'Weeks an editor\'s capacity statement holds before it reads "not known"',
    ),
}

API_SETTINGS: dict[str, Any] = {
    "API_TITLE": "Signpost",
    "API_VERSION": "3.0",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/",
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "info": {
            "description": "Open Referral HSDS 3.0 API of London's community services "
            "(voluntary, community and social enterprise activities for social prescribing).",
            "license": {
                "name": "OGL-UK-3.0",
                "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
            },
        }
    },
}


def load_config(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    """Fill app.config from SETTINGS and the environment, then apply overrides."""
    for name, (default, _doc) in SETTINGS.items():
        app.config[name] = os.environ.get(name, default)
    app.config.update(API_SETTINGS)
    if overrides:
        app.config.update(overrides)
    if not app.config["DATABASE_URL"]:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'signpost.db'}"


def whole_number(config: Mapping[str, Any], name: str) -> int:
    """A setting that must be a positive whole number (its SETTINGS default if unset);
    a clear message, not a traceback, when it is not one."""
    value = config.get(name) or SETTINGS[name][0]
    try:
        number = int(str(value).strip())
    except ValueError:
        number = 0
    if number < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, not {value!r}.")
    return number
