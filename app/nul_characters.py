"""Text with a NUL character is refused (422 naming the field) before any view sees it.

PostgreSQL cannot store or even compare text containing NUL (0x00), so such a search
or edit failed there with a 500 while SQLite accepted it; no directory text needs it.
Refusing it at the door makes both engines answer alike, for every query parameter,
form field and JSON member, on the API and the pages.
"""

from __future__ import annotations

from typing import Any

from flask import request

from app.errors import Unprocessable

NUL = "\x00"
PROBLEM = "Must not contain NUL (0x00) characters."
WHERE = {"query": "query parameter", "form": "form field", "json": "json field"}


def refuse_nul_characters() -> None:
    """before_request: 422 for the first query parameter, form field or JSON member
    whose name or text contains NUL."""
    found = [("query", name) for name in _names_with_nul(request.args)]
    if request.method not in ("GET", "HEAD") and not found:
        if request.is_json:
            found = [
                ("json", name) for name in _json_members_with_nul(request.get_json(silent=True))
            ]
        elif request.form:
            found = [("form", name) for name in _names_with_nul(request.form)]
    if found:
        location, name = found[0]
        raise Unprocessable(
            f"Invalid {WHERE[location]} '{name}': {PROBLEM}", {location: {name: [PROBLEM]}}
        )


def _names_with_nul(values: Any) -> list[str]:
    return [
        name.replace(NUL, "\\0")
        for name, value in values.items(multi=True)
        if NUL in name or NUL in value
    ]


def _json_members_with_nul(data: Any) -> list[str]:
    """Top-level member names whose name or value (at any depth) contains NUL."""
    if isinstance(data, dict):
        return [
            str(name).replace(NUL, "\\0")
            for name, value in data.items()
            if NUL in str(name) or _has_nul(value)
        ]
    return ["_schema"] if _has_nul(data) else []


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(NUL in str(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False
