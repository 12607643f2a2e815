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
from typing import Any

from sqlalchemy import Engine, Select
from sqlalchemy.orm import Session

from . import generation

LIMIT_IDS = 250_000


class KeptIds:
    """First-column values of selects, by their SQL and parameters, for one generation."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.generation: int | None = None
        self.entries: OrderedDict[Any, tuple[float, list[str]]] = OrderedDict()
        self.size = 0

    def get(self, key: Any, now_generation: int) -> list[str] | None:
        with self.lock:
            if now_generation != self.generation:
                self.entries.clear()
                self.size = 0
                self.generation = now_generation
                return None
            found = self.entries.get(key)
            if found is None or time.monotonic() - found[0] > generation.MAX_AGE:
                return None
            self.entries.move_to_end(key)
            return found[1]

    def put(self, key: Any, ids: list[str], at_generation: int) -> None:
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


def kept_ids(session: Session, query: Select) -> list[str]:
    """The first column of every row of `query`, in order, kept until the data changes."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    store = _store(engine)
    key = _key(query)
    if session.info.get(generation.PENDING):  # this session's own writes, not committed
        return [row[0] for row in session.execute(query)]
    now = generation.current(session)
    ids = store.get(key, now)
    if ids is None:
        ids = [row[0] for row in session.execute(query)]
        store.put(key, ids, now)
    return ids
