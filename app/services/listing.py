"""What a list endpoint lists, read either as one HSDS page or as a stream of every row.

A `Listing` is built once from the request's filters (so a bad filter is a 422 before
anything is sent) and then read one of two ways: `page()` for the paged JSON envelope,
`stream()` for `format=ndjson` (HSDS: "stream all the results without pagination").
Sharing the one builder is what keeps every filter honoured by both.

A stream holds at most one chunk of objects: the ordered ids come through a server-side
cursor (`yield_per`: PostgreSQL's named cursor; SQLite's cursor steps row by row), each
chunk of ids is loaded with the page's eager options, handed on and expunged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from app.search.kept import kept_ids
from app.search.nearby import PlaceHits
from app.services.paging import Page, paginate

STREAM_CHUNK = 500

Load = Callable[[list[str]], list[Any]]


@dataclass
class Listing:
    """An ordered select of ids (or a place search's hits) and how to load a chunk of them.

    `kept`: the ids are a text search's, costly to match: a page reads the whole list once
    and keeps it (app/search/kept.py) rather than counting by matching again.
    `measure`: for place hits, gives a window of hits its distances.
    """

    session: Session
    load: Load
    ids: Select | None = None
    hits: PlaceHits | None = None
    measure: Callable[[list], list] | None = None
    kept: bool = False

    def page(self, page: int, per_page: int) -> Page:
        if self.hits is not None:
            return self._page_of_hits(page, per_page)
        assert self.ids is not None
        if self.kept:
            every = kept_ids(self.session, self.ids)
            window = every[(page - 1) * per_page : page * per_page]
            return Page(items=self.load(window), total=len(every), page=page, per_page=per_page)
        return paginate(self.session, self.ids, page, per_page, self.load)

    def stream(self, chunk: int | None = None) -> Iterator[list[Any]]:
        """Every listed object, in list order, a chunk (a list) at a time."""
        chunk = chunk or STREAM_CHUNK
        if self.hits is not None:
            for number in range(1, len(self.hits) // chunk + 2):
                items = self._page_of_hits(number, chunk).items
                if items:
                    yield items
                self.session.expunge_all()
            return
        assert self.ids is not None
        result = self.session.execute(self.ids.execution_options(yield_per=chunk))
        try:
            for ids in result.scalars().partitions():
                yield self.load(list(ids))
                self.session.expunge_all()
        finally:
            result.close()  # the server-side cursor, also when the client goes away

    def _page_of_hits(self, page: int, per_page: int) -> Page:
        """One page of place-search hits, each object given its `distance` and `area_wide`."""
        assert self.hits is not None and self.measure is not None
        window = self.measure(self.hits.window((page - 1) * per_page, page * per_page))
        items = self.load([hit.id for hit in window])
        by_id = {hit.id: hit for hit in window}
        for item in items:
            hit = by_id[item.id]
            item.distance = round(hit.distance, 1) if hit.distance is not None else None
            item.area_wide = hit.area_wide
        return Page(items=items, total=len(self.hits), page=page, per_page=per_page)
