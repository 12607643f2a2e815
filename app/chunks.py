"""`chunks`: a list or stream in pieces of at most `size`.

SQL `IN (...)` lists are cut to 500 (SQLite's old limit of bound variables), bulk inserts
and index refreshes to what keeps one statement's memory small; every such loop uses this.

    >>> list(chunks([1, 2, 3, 4, 5], 2))
    [[1, 2], [3, 4], [5]]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

T = TypeVar("T")

IN_LIST = 500
"""The most values one SQL `IN (...)` list binds."""


def chunks(items: Iterable[T], size: int = IN_LIST) -> Iterator[list[T]]:
    """Consecutive pieces of `items`, each at most `size` long, the last one shorter."""
    if size < 1:
        raise ValueError(f"chunk size must be at least 1, not {size}")
    iterator = iter(items)
    while piece := list(islice(iterator, size)):
        yield piece
