"""Read a council spreadsheet (CSV or XLSX) through a small TOML mapping file.

Councils publish directories with their own column names, so a mapping file says which
column holds what. The format (see ``importers/mappings/example_council.toml``)::

    name = "Example Council"       # the source; names the attribute taxonomies
    sheet = "Services"             # XLSX worksheet (default: the first); ignored for CSV
    header_row = 2                 # row (XLSX) or line (CSV) of the headers (default 1)
    key = ["Service ref", "Postcode"]  # column(s) whose values, joined by "@", are the
                                   # record key (default: the service_id column)
    categories_separator = ";"     # splits the categories column (default ";")
    categories_taxonomy = "..."    # default "<name> categories"
    attributes_taxonomy = "..."    # referral and [extra] attributes (default "<name> fields")

    [columns]                      # field = "column header"; service_name is required
    service_name = "Service"
    postcode = "Post Code"

    [extra]                        # attribute name = "column header", kept as attributes
    "Accessibility" = "Access notes"

Fields: organization_name, organization_id, organization_url, service_id, service_name,
description, url, email, phone, languages, address_1, address_2, city, postcode,
location_name, latitude, longitude, opening_times, cost, age_range, eligibility, referral,
funding, categories, area_covered, last_updated.

Headers match ignoring case, spacing, punctuation and underscores. An unknown field or key,
or a column the sheet does not have, raises SourceFormatError naming them. XLSX is read
with openpyxl in read-only mode (streamed); positions are "row N" for XLSX, "line N" for CSV.
openpyxl parses the workbook's XML with defusedxml when it is installed (it is a Signpost
dependency), which refuses entity declarations and external references; XLSX files are
refused outright if openpyxl was told not to (OPENPYXL_DEFUSEDXML=False).
"""

from __future__ import annotations

import datetime
import tomllib
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from defusedxml import DefusedXmlException

from importers.readers.archives import check_unzipped_size, open_zip
from importers.readers.flat import FIELDS, FieldError, build_service, split_list
from importers.readers.record import (
    Note,
    Record,
    RecordError,
    SourceFormatError,
    unpublished_column,
)
from importers.readers.tabular import (
    DEFAULT_SIZE_LIMIT,
    Table,
    check_size,
    header_key,
    iter_dicts,
    name_headers,
    open_csv,
)

SUPPORTED_FIELDS = frozenset(FIELDS) | {"categories"}
SETTINGS = frozenset(
    {
        "name",
        "sheet",
        "header_row",
        "key",
        "categories_separator",
        "categories_taxonomy",
        "attributes_taxonomy",
        "columns",
        "extra",
    }
)


@dataclass
class SheetMapping:
    """A validated mapping file: which column holds which field."""

    name: str
    columns: dict[str, str]  # field -> column header
    extra: dict[str, str]  # attribute name -> column header
    key: list[str]  # column headers
    sheet: str | None = None
    header_row: int = 1
    categories_separator: str = ";"
    categories_taxonomy: str = ""
    attributes_taxonomy: str = ""


def read_spreadsheet(
    path: Path, mapping_path: Path, *, size_limit: int = DEFAULT_SIZE_LIMIT
) -> Iterator[Record | RecordError | Note]:
    """Yield a Record per row of a council CSV or XLSX file, read through a TOML mapping,
    after a Note for each column the mapping does not name: it is not published (it may
    be internal), and the import report lists it (issue 19, M3)."""
    mapping = load_mapping(mapping_path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        opened, unit = open_csv(path, size_limit, mapping.header_row), "line"
    elif suffix in (".xlsx", ".xlsm"):
        opened, unit = open_xlsx(path, mapping.sheet, mapping.header_row, size_limit), "row"
    else:
        raise SourceFormatError(f"{path.name}: a council spreadsheet must be .csv or .xlsx.")
    with opened as table:
        headers = find_headers(path, mapping, table.headers)
        used = set(headers.values())
        for header in table.headers:
            if header not in used:
                yield unpublished_column("header", header)
        for number, row in table.rows:
            yield read_row(f"{unit} {number}", row, mapping, headers)


def load_mapping(path: Path) -> SheetMapping:
    """Read and check a mapping file; raise SourceFormatError naming what is wrong."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise SourceFormatError(f"{path.name}: cannot be opened ({exc.strerror}).") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SourceFormatError(f"{path.name}: the mapping is not valid TOML ({exc}).") from exc
    unknown = sorted(set(data) - SETTINGS)
    if unknown:
        raise SourceFormatError(f"{path.name}: unknown setting(s) {', '.join(unknown)}.")
    columns = _string_table(path, data, "columns")
    bad = sorted(set(columns) - SUPPORTED_FIELDS)
    if bad:
        raise SourceFormatError(
            f"{path.name}: unknown field(s) {', '.join(bad)} in [columns]; "
            f"supported: {', '.join(sorted(SUPPORTED_FIELDS))}."
        )
    if "service_name" not in columns:
        raise SourceFormatError(f"{path.name}: [columns] must map service_name to a column.")
    key = _key_columns(path, data, columns)
    name = str(data.get("name") or path.stem)
    if not isinstance(data.get("sheet", ""), str):
        raise SourceFormatError(f"{path.name}: sheet must be a worksheet name in quotes.")
    try:
        return SheetMapping(
            name=name,
            columns=columns,
            extra=_string_table(path, data, "extra"),
            key=key,
            sheet=data.get("sheet"),
            header_row=int(data.get("header_row", 1)),
            categories_separator=str(data.get("categories_separator", ";")),
            categories_taxonomy=str(data.get("categories_taxonomy", f"{name} categories")),
            attributes_taxonomy=str(data.get("attributes_taxonomy", f"{name} fields")),
        )
    except (TypeError, ValueError) as exc:
        raise SourceFormatError(f"{path.name}: header_row must be a number.") from exc


def _key_columns(path: Path, data: dict[str, Any], columns: dict[str, str]) -> list[str]:
    key = data.get("key", columns.get("service_id"))
    key = [key] if isinstance(key, str) else key
    if not isinstance(key, list) or not key or not all(isinstance(k, str) and k for k in key):
        raise SourceFormatError(
            f"{path.name}: set key to a column (or list of columns), or map service_id."
        )
    return key


def _string_table(path: Path, data: dict[str, Any], name: str) -> dict[str, str]:
    table = data.get(name, {})
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise SourceFormatError(f'{path.name}: [{name}] must map names to column headers ("...").')
    return table


def find_headers(path: Path, mapping: SheetMapping, headers: list[str]) -> dict[str, str]:
    """The sheet's own spelling of every column the mapping names; raise if any is missing."""
    by_key = {}
    for header in headers:
        by_key.setdefault(header_key(header), header)
    wanted = [*mapping.columns.values(), *mapping.extra.values(), *mapping.key]
    found = {column: by_key.get(header_key(column)) for column in wanted}
    missing = [column for column, header in found.items() if header is None]
    if missing:
        raise SourceFormatError(
            f"{path.name}: the column(s) {', '.join(map(repr, missing))} named in the mapping "
            f"are not in the sheet (the headers are: {', '.join(headers)})."
        )
    return {column: header for column, header in found.items() if header is not None}


def read_row(
    position: str, row: dict[str, str], mapping: SheetMapping, headers: dict[str, str]
) -> Record | RecordError:
    """One row as a Record, or a RecordError saying which column makes it unusable."""
    values = {field: row[headers[column]] for field, column in mapping.columns.items()}
    parts = [row[headers[column]].strip() for column in mapping.key]
    if not any(parts):
        return RecordError(position, "the row has no key", field=headers[mapping.key[0]])
    key = "@".join(parts)
    categories = split_list(values.get("categories", ""), mapping.categories_separator)
    extra = [(name, row[headers[column]]) for name, column in mapping.extra.items()]
    labels = {field: headers[column] for field, column in mapping.columns.items()}
    try:
        service = build_service(
            values,
            taxonomy=mapping.attributes_taxonomy,
            categories=categories,
            categories_taxonomy=mapping.categories_taxonomy,
            extra=extra,
            labels=labels,
        )
    except FieldError as exc:
        return RecordError(position, exc.reason, key=key, field=exc.field)
    return Record(key=key, position=position, raw=row, service=service)


@contextmanager
def open_xlsx(
    path: Path, sheet: str | None, header_row: int = 1, size_limit: int = DEFAULT_SIZE_LIMIT
) -> Iterator[Table]:
    """Open a worksheet read-only: its header and ``(row number, row)`` for data rows.

    The workbook may unzip to at most `size_limit` bytes: openpyxl holds a workbook's
    shared strings in memory, so a zip bomb there would otherwise fill it.
    """
    if not openpyxl.DEFUSEDXML:
        raise SourceFormatError(
            f"{path.name}: XLSX files are read only with defusedxml, which openpyxl is not "
            "using here (install defusedxml; do not set OPENPYXL_DEFUSEDXML=False)."
        )
    check_size(path, size_limit)
    with open_zip(path, "XLSX workbook") as archive:
        check_unzipped_size(path.name, archive.infolist(), size_limit)
    with ExitStack() as stack:
        # Our own handle: openpyxl leaves its file open when a damaged workbook fails.
        handle = stack.enter_context(path.open("rb"))
        with _unreadable_as(path, "the file is not a readable XLSX workbook"):
            workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        stack.callback(workbook.close)
        yield _first_table(path, workbook, sheet, header_row)


def _first_table(path: Path, workbook: Any, sheet: str | None, header_row: int) -> Table:
    """The header and data rows of the named (or first) worksheet."""
    if sheet is not None and sheet not in workbook.sheetnames:
        raise SourceFormatError(
            f"{path.name}: there is no sheet {sheet!r} "
            f"(the sheets are: {', '.join(workbook.sheetnames)})."
        )
    with _unreadable_as(path, "the worksheet cannot be read"):
        worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
        worksheet.reset_dimensions()  # exports often record wrong dimensions
    rows = _sheet_rows(path, worksheet, header_row)
    first = next(rows, None)
    if first is None:
        raise SourceFormatError(f"{path.name}: the sheet has no header row.")
    headers = name_headers(first[1])
    return Table(headers, iter_dicts(headers, rows))


def _sheet_rows(path: Path, worksheet: Any, header_row: int) -> Iterator[tuple[int, list[str]]]:
    """(row number, cell texts) for each non-blank row from `header_row` on."""
    number = 0
    with _unreadable_as(path, lambda: f"the worksheet is damaged after row {number}"):
        for number, cells in enumerate(worksheet.iter_rows(values_only=True), start=1):
            if number >= header_row:
                texts = [cell_text(value) for value in cells]
                if any(text.strip() for text in texts):
                    yield number, texts


@contextmanager
def _unreadable_as(path: Path, problem: str | Callable[[], str]) -> Iterator[None]:
    """Report any error openpyxl raises as SourceFormatError: `problem`, then the error.

    openpyxl is a large parser of untrusted zipped XML; a damaged file can make it raise
    almost anything (zlib.error, KeyError, TypeError, ParseError...), and every one of
    them means the same to the user: this workbook cannot be read.
    """
    try:
        yield
    except SourceFormatError:
        raise
    except Exception as exc:  # noqa: BLE001 (see the docstring)
        if _caused_by(exc, DefusedXmlException):  # openpyxl wraps it in a ValueError
            raise SourceFormatError(
                f"{path.name}: the workbook's XML declares entities or external references, "
                "which are refused as unsafe."
            ) from exc
        text = problem() if callable(problem) else problem
        reason = str(exc).splitlines()[0] if str(exc) else ""
        raise SourceFormatError(f"{path.name}: {text} ({type(exc).__name__}: {reason}).") from exc


def _caused_by(exc: BaseException | None, kind: type[BaseException]) -> bool:
    while exc is not None:
        if isinstance(exc, kind):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def cell_text(value: object) -> str:
    """A cell's value as the text a person sees: whole numbers without '.0', ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)
