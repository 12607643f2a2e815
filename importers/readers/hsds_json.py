"""Read HSDS 3.0 services from a JSON file or an HSDS 3.0 API.

A file may hold one service, a JSON array of services, one page of an API
(``{"contents": [...], "total_pages": ...}``) or NDJSON (one service per line), and an
organization document (``organization_full``) in place of a service stands for the
services it nests (`services_of`; what of its own none of them holds is named in a
Note, not imported). Any other HSDS document (a service_at_location, a
taxonomy) or JSON that is not HSDS is refused item by item, saying what it is.
NDJSON is streamed line by line, each line at most MAX_LINE characters; a JSON document
(object or array) is parsed whole by the standard library, so it may be at most
`size_limit` bytes (200 MB): publish larger exports as NDJSON. An item nested more than
MAX_DEPTH levels deep is a RecordError.

An API is read from its base URL: ``/services?page=N&per_page=...&full=true`` page by
page, following ``total_pages``; when a page lists summaries (no
``service_at_locations`` key) each service is fetched from ``/services/{id}``.
The paging here is shared with the ORUK reader (``iter_items``). Each response may be at
most 50 MB and take at most 120 seconds (30 of them silent), and may redirect only to
http(s) URLs; at most MAX_PAGES pages are read, and a page repeating the one before ends
the import (a server ignoring ``page``).
"""

from __future__ import annotations

import copy
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from importers.readers.record import Note, Record, RecordError, SourceFormatError
from importers.readers.tabular import DEFAULT_SIZE_LIMIT

Fetch = Callable[[str], bytes]

DEFAULT_TIMEOUT = 30  # seconds a server may stay silent
DEFAULT_DEADLINE = 120  # seconds for a whole response: a server dripping bytes is cut off
DEFAULT_MAX_BYTES = 50_000_000  # per response
CHUNK_SIZE = 64 * 1024
DEFAULT_PER_PAGE = 100
MAX_PAGES = 10_000  # a server that ignores `page` must not loop for ever
MAX_DEPTH = 32  # objects and lists within one another; an HSDS service needs under 10
MAX_LINE = 10_000_000  # characters in one NDJSON line: one service
FOLDER = "import a tabular data package (folder or zip) with `signpost import datapackage`"
TABLES = (
    "import a data package's CSVs with `signpost import datapackage`, a CarePlace export "
    "with `signpost import careplace`, another spreadsheet with `signpost import csv "
    "--mapping FILE`"
)
# Files people give the JSON readers by mistake, and what reads them.
OTHER_FORMATS = {
    ".csv": TABLES,
    ".tsv": TABLES,
    ".xlsx": "import a spreadsheet with `signpost import csv --mapping FILE`",
    ".zip": FOLDER,
    ".kml": "import an LVSC map with `signpost import lvsc`",
    ".kmz": "import an LVSC map with `signpost import lvsc`",
}


def read_hsds(
    source: str | Path,
    fetch: Fetch | None = None,
    *,
    per_page: int = DEFAULT_PER_PAGE,
    size_limit: int = DEFAULT_SIZE_LIMIT,
) -> Iterator[Record | RecordError | Note]:
    """Yield one Record per HSDS 3.0 service in a JSON file or an HSDS 3.0 API."""
    for found in checked_services(source, fetch, per_page=per_page, size_limit=size_limit):
        if isinstance(found, RecordError | Note):
            yield found
            continue
        position, item = found
        raw = copy.deepcopy(item)
        yield Record(key=str(item["id"]), position=position, raw=raw, service=item)


def checked_services(
    source: str | Path,
    fetch: Fetch | None = None,
    *,
    per_page: int = DEFAULT_PER_PAGE,
    size_limit: int = DEFAULT_SIZE_LIMIT,
) -> Iterator[tuple[str, Any] | RecordError | Note]:
    """Every service item of a file or feed that passes check_item, with its position
    (organisations' nested services included), or the error that stands in its place,
    or a Note on what an organization holds that none of its services does: the part
    the HSDS and ORUK readers share before each makes its Record."""
    for entry in iter_items(source, fetch, per_page=per_page, size_limit=size_limit):
        if isinstance(entry, RecordError):
            yield entry
            continue
        for found in services_of(*entry):
            if isinstance(found, RecordError | Note):
                yield found
                continue
            position, item = found
            error = check_item(position, item)
            yield error if error else (position, item)


def services_of(position: str, item: Any) -> Iterator[tuple[str, Any] | RecordError | Note]:
    """The services an item holds: itself, or those an organization nests (each given its
    organization, and reported at ``item N services[i]``, then a Note naming what of the
    organization's own none of them holds); a document of another HSDS kind, or not
    HSDS at all, is a RecordError that says what it is."""
    if not isinstance(item, dict):
        yield RecordError(position, f"expected a JSON object, found {type(item).__name__}")
        return
    if _deeper_than(item, MAX_DEPTH):  # copying or walking it would exhaust the stack
        yield RecordError(position, f"the item is nested more than {MAX_DEPTH} levels deep")
        return
    kind = document_kind(item)
    if kind == "organization":
        yield from _organization_services(position, item)
    elif kind != "service":
        key = item.get("id") if isinstance(item.get("id"), str) else None
        yield RecordError(position, kind, key=key)
    else:
        yield position, item


# Keys only one kind of HSDS 3.0 object has (beside id, name, description...).
SERVICE_KEYS = frozenset({
    "service_at_locations", "organization", "organization_id", "program", "program_id",
    "status", "eligibility_description", "fees_description", "fees", "application_process",
    "cost_options", "service_areas", "required_documents", "funding", "wait_time",
    "interpretation_services", "minimum_age", "maximum_age", "regular_schedules",
    "service_taxonomys", "eligibilitys", "fundings", "physical_addresses",
})  # fmt: skip
ORGANIZATION_KEYS = frozenset({
    "services", "programs", "organization_identifiers", "legal_status", "tax_status",
    "tax_id", "year_incorporated", "website", "logo", "parent_organization_id",
})  # fmt: skip
TERM_KEYS = frozenset({"term_uri", "taxonomy_id", "taxonomy_detail", "parent_id", "code"})
LOCATION_KEYS = frozenset({"location_type", "latitude", "longitude", "addresses"})


def document_kind(item: dict[str, Any]) -> str:
    """ "service", "organization", or a sentence naming the document an item is instead
    (a service_at_location, a taxonomy, JSON that is not HSDS at all)."""
    keys = item.keys()
    if isinstance(item.get("services"), list) or (
        ORGANIZATION_KEYS & keys and not SERVICE_KEYS & keys
    ):
        return "organization"
    if isinstance(item.get("service"), dict) and ("location" in keys or "location_id" in keys):
        return (
            "this is a service_at_location document, not a service: import the "
            "service it links (GET /services/{id}) or the services list"
        )
    if not SERVICE_KEYS & keys:
        if isinstance(item.get("resources"), list):
            return (
                "this is a data package descriptor (datapackage.json), not a service: "
                "import its folder or zip with `signpost import datapackage PATH`"
            )
        if item.get("type") in ("FeatureCollection", "Feature"):
            return (
                "this is a GeoJSON document, not an HSDS service: HSDS JSON nests "
                "locations in services"
            )
        if TERM_KEYS & keys and "name" in keys:
            return "this is a taxonomy_term document, not a service"
        if {"version", "uri"} <= keys and "name" in keys:
            return "this is a taxonomy document, not a service"
        if LOCATION_KEYS & keys:
            return "this is a location document, not a service: import the services at it"
        if not {"id", "name"} & keys:
            shown = ", ".join(sorted(map(str, keys))[:6]) or "none"
            return f"this is not an HSDS service (a JSON object with keys: {shown})"
    return "service"


def _organization_services(
    position: str, item: dict[str, Any]
) -> Iterator[tuple[str, Any] | RecordError]:
    """An organization document's services, each nesting the organization (without its
    services); an organization listing none is refused, since a service is what Signpost
    publishes."""
    services = item.get("services")
    name = item.get("name") if isinstance(item.get("name"), str) else "(no name)"
    key = item.get("id") if isinstance(item.get("id"), str) else None
    if not isinstance(services, list) or not services:
        reason = (
            f"this is an organization document ({name}) listing no services: Signpost "
            "publishes organizations with their services; import its organization_full "
            "document (GET /organizations/{id}) or its services"
        )
        yield RecordError(position, reason, key=key)
        return
    organization = {k: v for k, v in item.items() if k not in ("services", "locations")}
    for index, service in enumerate(services):
        where = f"{position} services[{index}]"
        if not isinstance(service, dict):
            yield RecordError(where, f"expected a JSON object, found {type(service).__name__}")
            continue
        if not isinstance(service.get("organization"), dict):
            service = {**service, "organization": copy.deepcopy(organization)}
        yield where, service
    left = _not_in_services(item, services)
    if left:
        reason = (
            f"organization {name}: its own {', '.join(left)} appear in none of its services, "
            "and are not imported (Signpost publishes an organization's phones, contacts, "
            "programs and locations through its services)"
        )
        yield Note(position, reason, field=", ".join(part.split()[0] for part in left))


ORGANIZATION_PARTS = ("locations", "phones", "contacts", "funding", "programs")


def _not_in_services(organization: dict[str, Any], services: list[Any]) -> list[str]:
    """The organization's own parts that no nested service holds, as "phones (2)",
    "locations (1)"... (by id; a part with no id is compared whole)."""
    held_ids: set[str] = set()
    held: list[Any] = []
    stack: list[Any] = list(services)
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if isinstance(value.get("id"), str):
                held_ids.add(value["id"])
            held.append(value)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    left = []
    for part in ORGANIZATION_PARTS:
        entries = organization.get(part)
        missing = [
            entry
            for entry in (entries if isinstance(entries, list) else [])
            if isinstance(entry, dict)
            and (entry.get("id") not in held_ids if entry.get("id") else entry not in held)
        ]
        if missing:
            left.append(f"{part} ({len(missing)})")
    return left


def check_item(position: str, item: Any) -> RecordError | None:
    """Return why `item` cannot be a service (not an object, no id, no name), or None."""
    if not isinstance(item, dict):
        return RecordError(position, f"expected a JSON object, found {type(item).__name__}")
    if _deeper_than(item, MAX_DEPTH):  # copying or walking it would exhaust the stack
        return RecordError(position, f"the item is nested more than {MAX_DEPTH} levels deep")
    key = item.get("id")
    if key in (None, "") or isinstance(key, dict | list | bool):
        return RecordError(position, "service has no id", field="id")
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        return RecordError(position, "service has no name", key=str(key), field="name")
    return None


def iter_items(
    source: str | Path,
    fetch: Fetch | None = None,
    *,
    per_page: int = DEFAULT_PER_PAGE,
    size_limit: int = DEFAULT_SIZE_LIMIT,
) -> Iterator[tuple[str, Any] | RecordError]:
    """Yield (position, item) for each service in a JSON file or an API base URL.

    Items are not checked. A detail page that cannot be fetched yields a RecordError.
    """
    if isinstance(source, str) and source.startswith(("http://", "https://")):
        yield from iter_api_items(source, fetch or fetch_url, per_page=per_page)
    else:
        yield from iter_file_items(Path(source), size_limit)


def iter_file_items(
    path: Path, size_limit: int = DEFAULT_SIZE_LIMIT
) -> Iterator[tuple[str, Any] | RecordError]:
    """Yield (position, item) from a JSON document or an NDJSON file."""
    if path.is_dir() or path.suffix.lower() in OTHER_FORMATS:
        what = "a folder" if path.is_dir() else f"a {path.suffix.lower()} file"
        raise SourceFormatError(
            f"{path} is {what}, not HSDS JSON: {OTHER_FORMATS.get(path.suffix.lower(), FOLDER)}."
        )
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
            _check_document_size(path, size_limit)  # one JSON document, parsed whole
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
    number, previous = 0, None
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
        if items and items == previous:
            raise SourceFormatError(f"{url} repeats the previous page: `page` is ignored.")
        previous = items
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
    url: str,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    deadline: float = DEFAULT_DEADLINE,
) -> bytes:
    """GET an http(s) URL and return its body: at most `max_bytes`, within `deadline`
    seconds in all and `timeout` seconds of silence; redirects only to http(s) URLs.

    Raises OSError on network errors (a refused redirect too), ValueError when the body
    is too big or too slow to arrive.
    """
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"{url} is not an http(s) URL")
    request = urllib.request.Request(
        url, headers={"Accept": "application/json", "User-Agent": "signpost-importer"}
    )
    give_up = time.monotonic() + deadline
    body = bytearray()
    with _OPENER.open(request, timeout=timeout) as response:
        while chunk := response.read1(CHUNK_SIZE):  # what has arrived, not a full chunk
            body += chunk
            if len(body) > max_bytes:
                raise ValueError(f"response larger than {max_bytes:,} bytes")
            if time.monotonic() > give_up:
                raise ValueError(f"response took more than {deadline:g} seconds")
    return bytes(body)


class _WebRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects to http(s) URLs only: urllib's own handler would follow ftp://."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001 (urllib's)
        if urllib.parse.urlsplit(newurl).scheme not in ("http", "https"):
            raise urllib.error.HTTPError(
                newurl, code, f"redirect to {newurl} refused (not an http(s) URL)", headers, fp
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_WebRedirects)


# -- internals ---------------------------------------------------------------------------

_NOT_JSON = object()


def _next_content_line(handle: Any) -> str | None:
    """The next non-blank line, or its first MAX_LINE characters (a JSON document may be
    one long line); None at the end."""
    while line := handle.readline(MAX_LINE):
        if line.strip():
            return line
    return None


def _lines(handle: Any) -> Iterator[str | None]:
    """The file's lines, each None if it is longer than MAX_LINE (its rest is skipped)."""
    while line := handle.readline(MAX_LINE + 1):
        if len(line) > MAX_LINE and not line.endswith("\n"):
            while line and not line.endswith("\n"):
                line = handle.readline(MAX_LINE)
            yield None
        else:
            yield line


def _check_document_size(path: Path, limit: int) -> None:
    size = path.stat().st_size
    if size > limit:
        raise SourceFormatError(
            f"{path} is a JSON document of {size:,} bytes, over the {limit:,}-byte limit for "
            "one document; publish large exports as NDJSON (one service a line)."
        )


def _try_json(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return _NOT_JSON


def _load_document(handle: Any, path: Path) -> Any:
    try:
        return json.load(handle)
    except json.JSONDecodeError as exc:
        raise SourceFormatError(
            f"{path} is not valid JSON (truncated or malformed): {exc.msg} "
            f"at line {exc.lineno} column {exc.colno}."
        ) from exc
    except RecursionError as exc:
        raise SourceFormatError(f"{path} is JSON nested too deeply to read.") from exc


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether lists and objects nest more than `limit` levels deep (walked without
    recursion, so that any depth json accepts can be measured)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in item)
    return False


def _iter_ndjson(handle: Any, path: Path) -> Iterator[tuple[str, Any] | RecordError]:
    number = 0
    for line_number, line in enumerate(_lines(handle), start=1):
        if line is None:
            number += 1
            reason = f"line {line_number} of {path.name} is over {MAX_LINE:,} characters long"
            yield RecordError(f"item {number}", reason)
            continue
        if not line.strip():
            continue
        number += 1
        try:
            yield f"item {number}", json.loads(line)
        except json.JSONDecodeError as exc:  # a broken line spoils only its own item
            reason = f"line {line_number} of {path.name} is not valid JSON: {exc.msg}"
            yield RecordError(f"item {number}", reason)
        except RecursionError:
            reason = f"line {line_number} of {path.name} is JSON nested too deeply to read"
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
    except (ValueError, RecursionError) as exc:  # also JSONDecodeError, UnicodeDecodeError
        raise SourceFormatError(f"{url} did not return JSON: {exc}.") from exc


def _fetch_detail(
    fetch: Fetch, base: str, position: str, summary: dict[str, Any]
) -> tuple[str, Any] | RecordError:
    key = str(summary["id"])
    url = f"{base}/services/{urllib.parse.quote(key, safe='')}"
    try:
        return position, json.loads(fetch(url))
    except (OSError, ValueError, RecursionError) as exc:
        return RecordError(position, f"cannot fetch {url}: {exc}", key=key)
