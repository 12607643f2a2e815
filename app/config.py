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
    "SIGNPOST_PUBLIC_URL": ("", "Base URL the API is reached at, for links in responses"),
    "SIGNPOST_PROFILE_URL": (
        "https://openreferraluk.org/",
        "HSDS profile URL announced at GET /",
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
