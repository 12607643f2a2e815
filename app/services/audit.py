"""The change history: every change, by a person or an importer, as HSDS metadata rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from app.models import MetadataEntry, new_id


def change_rows(
    resource_type: str,
    resource_id: str,
    action: str,
    updated_by: str,
    changes: dict[str, tuple[Any, Any]] | None = None,
    when: dt.datetime | None = None,
) -> list[dict[str, Any]]:
    """The metadata rows for one change: one per changed field, or one for a create/delete."""
    when = when or dt.datetime.now(dt.UTC)
    items = changes.items() if changes else [("", (None, None))]
    return [
        {
            "id": new_id(),
            "resource_id": resource_id,
            "resource_type": resource_type,
            "last_action_date": when,
            "last_action_type": action,
            "field_name": field_name,
            "previous_value": _text(previous),
            "replacement_value": _text(replacement),
            "updated_by": updated_by,
        }
        for field_name, (previous, replacement) in items
    ]


def record_change(
    session: Session,
    resource_type: str,
    resource_id: str,
    action: str,
    updated_by: str,
    changes: dict[str, tuple[Any, Any]] | None = None,
    when: dt.datetime | None = None,
) -> None:
    """Write one metadata row per changed field (or one row for a create/delete)."""
    rows = change_rows(resource_type, resource_id, action, updated_by, changes, when)
    session.add_all(MetadataEntry(**row) for row in rows)


def _text(value: Any) -> str:
    return "" if value is None else str(value)
