"""Results an app server keeps between requests until the search generation changes.

A place search lists, after what is within reach, every service whose service area
covers the point: the borough's, and all pan-London, national and online ones. That set
depends on the point only through the borough, so the same few thousand rows were read,
filtered and counted again for every postcode in it; kept here, a place search reads
only what is near. Each engine has its own store (a test's fresh database, a replica);
a store holds at most `LIMIT_IDS` ids, dropping the least recently used results first.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, Select
from sqlalchemy.orm import Session

from app import generation

LIMIT_IDS = 2_000_000  # ids or rows, a pointer each (values are shared): ~16 MB


class KeptIds:
    """Lists of results (ids, or rows of a few values), by a key such as a select's SQL
    and parameters, for one generation. Values are shared between the lists kept (the
    same service id is in many), so a kept id costs a pointer, not a string."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.generation: int | None = None
        self.entries: OrderedDict[Any, tuple[float, list]] = OrderedDict()
        self.size = 0
        self.shared: dict[Any, Any] = {}

    def share(self, values: list) -> list:
        """`values` with each one replaced by an equal one already kept, if any."""
        with self.lock:
            return [self.shared.setdefault(v, v) for v in values]

    def get(self, key: Any, now_generation: int) -> list | None:
        with self.lock:
            if now_generation != self.generation:
                self.entries.clear()
                self.shared.clear()
                self.size = 0
                self.generation = now_generation
                return None
            found = self.entries.get(key)
            if found is None or time.monotonic() - found[0] > generation.MAX_AGE:
                return None
            self.entries.move_to_end(key)
            return found[1]

    def put(self, key: Any, ids: list, at_generation: int) -> None:
        with self.lock:
            if at_generation != self.generation:
                return
            old = self.entries.pop(key, None)
            self.size -= len(old[1]) if old else 0
            self.entries[key] = (time.monotonic(), ids)
            self.size += len(ids)
            while self.size > LIMIT_IDS and self.entries:
                _, (_, dropped) = self.entries.popitem(last=False)
                self.size -= len(dropped)
            if not self.entries:
                self.shared.clear()


_stores: weakref.WeakKeyDictionary[Engine, KeptIds] = weakref.WeakKeyDictionary()
_stores_lock = threading.Lock()


def _store(engine: Engine) -> KeptIds:
    with _stores_lock:
        store = _stores.get(engine)
        if store is None:
            store = _stores[engine] = KeptIds()
        return store


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _key(query: Select) -> tuple:
    """The query's shape and parameter values: SQLAlchemy's own statement cache key (which
    it builds for every execution anyway), far cheaper than compiling the SQL text."""
    cache_key = query._generate_cache_key()
    return cache_key.key, tuple(_hashable(p.effective_value) for p in cache_key.bindparams)


def kept(session: Session, key: Any, read: Callable[[], list]) -> list:
    """What `read()` returns, kept under `key` until the data changes. (Not kept while
    this session has writes of its own not yet committed: others must not see them.)"""
    if session.info.get(generation.PENDING):
        return read()
    bind = session.get_bind()
    store = _store(bind if isinstance(bind, Engine) else bind.engine)
    now = generation.current(session)
    found = store.get(key, now)
    if found is None:
        found = store.share(read())
        store.put(key, found, now)
    return found


def kept_ids(session: Session, query: Select) -> list[str]:
    """The first column of every row of `query`, in order, kept until the data changes."""
    return kept(session, _key(query), lambda: [row[0] for row in session.execute(query)])


def kept_rows(session: Session, query: Select) -> list[tuple]:
    """Every row of `query` as a tuple, in order, kept until the data changes."""
    return kept(session, _key(query), lambda: [tuple(row) for row in session.execute(query)])


def query_key(query: Select) -> tuple:
    """The key `kept_ids` and `kept_rows` keep a query's results under."""
    return _key(query)
