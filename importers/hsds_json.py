"""Read HSDS 3.0 services from a JSON file or an HSDS 3.0 API.

A file may hold one service, a JSON array of services, one page of an API
(``{"contents": [...], "total_pages": ...}``) or NDJSON (one service per line).
NDJSON is streamed line by line; a JSON document (object or array) is parsed whole
by the standard library, so publish very large exports as NDJSON.

An API is read from its base URL: ``/services?page=N&per_page=...&full=true`` page by
page, following ``total_pages``; when a page lists summaries (no
``service_at_locations`` key) each service is fetched from ``/services/{id}``.
The paging here is shared with the ORUK reader (``iter_items``).
"""

from __future__ import annotations

import copy
import json
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from importers.record import Record, RecordError, SourceFormatError

Fetch = Callable[[str], bytes]

DEFAULT_TIMEOUT = 30  # seconds, per request
DEFAULT_MAX_BYTES = 50_000_000  # per response
DEFAULT_PER_PAGE = 100
MAX_PAGES = 10_000  # a server that ignores `page` must not loop for ever


def read_hsds(
    source: str | Path, fetch: Fetch | None = None, *, per_page: int = DEFAULT_PER_PAGE
) -> Iterator[Record | RecordError]:
    """Yield one Record per HSDS 3.0 service in a JSON file or an HSDS 3.0 API."""
    for entry in iter_items(source, fetch, per_page=per_page):
        if isinstance(entry, RecordError):
            yield entry
            continue
        position, item = entry
        error = check_item(position, item)
        if error:
            yield error
            continue
        yield Record(key=str(item["id"]), position=position, raw=copy.deepcopy(item), service=item)


def check_item(position: str, item: Any) -> RecordError | None:
    """Return why `item` cannot be a service (not an object, no id, no name), or None."""
    if not isinstance(item, dict):
        return RecordError(position, f"expected a JSON object, found {type(item).__name__}")
    key = item.get("id")
    if key in (None, "") or isinstance(key, dict | list | bool):
        return RecordError(position, "service has no id", field="id")
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        return RecordError(position, "service has no name", key=str(key), field="name")
    return None


def iter_items(
    source: str | Path, fetch: Fetch | None = None, *, per_page: int = DEFAULT_PER_PAGE
) -> Iterator[tuple[str, Any] | RecordError]:
    """Yield (position, item) for each service in a JSON file or an API base URL.

    Items are not checked. A detail page that cannot be fetched yields a RecordError.
    """
    if isinstance(source, str) and source.startswith(("http://", "https://")):
        yield from iter_api_items(source, fetch or fetch_url, per_page=per_page)
    else:
        yield from iter_file_items(Path(source))


def iter_file_items(path: Path) -> Iterator[tuple[str, Any] | RecordError]:
    """Yield (position, item) from a JSON document or an NDJSON file."""
    try:
        handle = path.open(encoding="utf-8-sig")
    except OSError as exc:
        raise SourceFormatError(f"Cannot open {path}: {exc.strerror or exc}.") from exc
    with handle:
        try:
            first_line = _next_content_line(handle)
            if first_line is None:
                raise SourceFormatError(f"{path} is empty.")
            first = _try_json(first_line)
            if first is not _NOT_JSON and _next_content_line(handle) is not None:
                handle.seek(0)  # two or more JSON values, one per line: NDJSON
                yield from _iter_ndjson(handle, path)
                return
            if first is _NOT_JSON:
                handle.seek(0)
                first = _load_document(handle, path)
        except UnicodeDecodeError as exc:
            raise SourceFormatError(f"{path} is not UTF-8 text ({exc.reason}).") from exc
    for number, item in enumerate(_items_of(first, str(path)), start=1):
        yield f"item {number}", item


def iter_api_items(
    base_url: str, fetch: Fetch, *, per_page: int = DEFAULT_PER_PAGE
) -> Iterator[tuple[str, Any] | RecordError]:
    """Page through ``{base_url}/services`` following ``total_pages``.

    Summaries (items without ``service_at_locations``) are replaced by ``/services/{id}``.
    A page that cannot be fetched or parsed raises SourceFormatError: the feed is incomplete.
    """
    base = api_base(base_url)
    number, previous_ids = 0, None
    for page in range(1, MAX_PAGES + 1):
        query = urllib.parse.urlencode({"page": page, "per_page": per_page, "full": "true"})
        url = f"{base}/services?{query}"
        document = _fetch_json(fetch, url)
        if isinstance(document, list):  # some feeds return a bare array, unpaged
            items, total_pages = document, 1
        elif isinstance(document, dict) and _contents(document) is not None:
            items, total_pages = _contents(document), _total_pages(document)
        else:
            raise SourceFormatError(f"{url} did not return a page of services.")
        ids = [item.get("id") for item in items if isinstance(item, dict)]
        if ids and ids == previous_ids:
            raise SourceFormatError(f"{url} repeats the previous page: `page` is ignored.")
        previous_ids = ids
        for item in items:
            number += 1
            position = f"item {number}"
            if isinstance(item, dict) and "service_at_locations" not in item and item.get("id"):
                yield _fetch_detail(fetch, base, position, item)
            else:
                yield position, item
        if not items or (total_pages is not None and page >= total_pages):
            return
        if total_pages is None and len(items) < per_page:
            return
    raise SourceFormatError(f"{base} returned more than {MAX_PAGES} pages; stopped.")


def api_base(url: str) -> str:
    """The API root for a base URL given with or without a trailing ``/services``."""
    base = url.split("?", 1)[0].rstrip("/")
    return base.removesuffix("/services")


def fetch_url(
    url: str, timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES
) -> bytes:
    """GET `url` and return its body; raise OSError on network errors, ValueError if too big."""
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"{url} is not an http(s) URL")
    request = urllib.request.Request(
        url, headers={"Accept": "application/json", "User-Agent": "signpost-importer"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (checked)
        body = response.read(max_bytes + 1)
    if len(body) > max_bytes:
        raise ValueError(f"response larger than {max_bytes:,} bytes")
    return body


# -- internals ---------------------------------------------------------------------------

_NOT_JSON = object()


def _next_content_line(handle: Any) -> str | None:
    for line in handle:
        if line.strip():
            return line
    return None


def _try_json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return _NOT_JSON


def _load_document(handle: Any, path: Path) -> Any:
    try:
        return json.load(handle)
    except json.JSONDecodeError as exc:
        raise SourceFormatError(
            f"{path} is not valid JSON (truncated or malformed): {exc.msg} "
            f"at line {exc.lineno} column {exc.colno}."
        ) from exc


def _iter_ndjson(handle: Any, path: Path) -> Iterator[tuple[str, Any] | RecordError]:
    number = 0
    for line_number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        number += 1
        try:
            yield f"item {number}", json.loads(line)
        except json.JSONDecodeError as exc:  # a broken line spoils only its own item
            reason = f"line {line_number} of {path.name} is not valid JSON: {exc.msg}"
            yield RecordError(f"item {number}", reason)


def _items_of(document: Any, where: str) -> list[Any]:
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        contents = _contents(document)
        return contents if contents is not None else [document]
    raise SourceFormatError(f"{where} holds a JSON {type(document).__name__}, not services.")


def _contents(page: dict[str, Any]) -> list[Any] | None:
    """The items of an HSDS 3.0 page (``contents``) or an ORUK v1 page (``content``)."""
    for key in ("contents", "content"):
        if isinstance(page.get(key), list):
            return page[key]
    return None


def _total_pages(page: dict[str, Any]) -> int | None:
    for key in ("total_pages", "totalPages"):
        value = page.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def _fetch_json(fetch: Fetch, url: str) -> Any:
    try:
        body = fetch(url)
    except (OSError, ValueError) as exc:
        raise SourceFormatError(f"Cannot fetch {url}: {exc}.") from exc
    try:
        return json.loads(body)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        raise SourceFormatError(f"{url} did not return JSON: {exc}.") from exc


def _fetch_detail(
    fetch: Fetch, base: str, position: str, summary: dict[str, Any]
) -> tuple[str, Any] | RecordError:
    key = str(summary["id"])
    url = f"{base}/services/{urllib.parse.quote(key, safe='')}"
    try:
        return position, json.loads(fetch(url))
    except (OSError, ValueError) as exc:
        return RecordError(position, f"cannot fetch {url}: {exc}", key=key)
