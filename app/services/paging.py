"""Counting and slicing a query into one HSDS page."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int

    def envelope(self, contents: list[Any]) -> dict[str, Any]:
        """The HSDS page envelope around already-serialised contents."""
        total_pages = max(1, math.ceil(self.total / self.per_page)) if self.total else 0
        return {
            "total_items": self.total,
            "total_pages": total_pages,
            "page_number": self.page,
            "size": len(contents),
            "first_page": self.page == 1,
            "last_page": self.page >= total_pages,
            "empty": not contents,
            "contents": contents,
        }


def paginate(session: Session, ids: Select, page: int, per_page: int, load) -> Page:
    """Count `ids` (a select of primary keys, already ordered), load one page of objects.

    Counting and slicing ids first, then loading the page's objects with their eager
    options, keeps a 100,000-row table's page as cheap as a 10-row one's.
    """
    total = session.scalar(select(func.count()).select_from(ids.order_by(None).subquery()))
    page_ids = list(session.scalars(ids.limit(per_page).offset((page - 1) * per_page)))
    return Page(items=load(page_ids), total=total or 0, page=page, per_page=per_page)


def in_order(objects: list[T], ids: list[str]) -> list[T]:
    """Objects sorted to match `ids` (an IN query returns them in any order)."""
    by_id = {obj.id: obj for obj in objects}  # type: ignore[attr-defined]
    return [by_id[i] for i in ids if i in by_id]
