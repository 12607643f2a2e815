"""JSON already serialised, stored as it is.

An import's worker process serialises each source record's payload and service while the
importing process writes (importers/pipeline/finish.py); marking the text `JSONText` tells the
engine's JSON serializer (`dump_json`, set on every engine by app.db) to store it as it
is rather than encode it again as a JSON string. Everything else is `json.dumps`'d as
SQLAlchemy would.
"""

from __future__ import annotations

import json
from typing import Any


class JSONText(str):
    """The JSON text of a value, to be stored as that value."""

    __slots__ = ()


def dump_json(value: Any) -> str:
    if isinstance(value, JSONText):
        return str.__str__(value)
    return json.dumps(value)
