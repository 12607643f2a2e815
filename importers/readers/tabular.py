"""Read CSV files whatever their encoding or delimiter, and find columns by name.

Encoding: UTF-8 (with or without a byte order mark), else Windows-1252, decided by a
strict UTF-8 decode of the file (a quick first pass, in chunks); a file that decodes as
neither, or mixes them, is refused before any row is read.
Delimiter: ``,`` ``;`` or tab, sniffed from the head and checked against the header line.
Rows are streamed; a file-level problem met part-way through (a malformed quoted field)
raises SourceFormatError after earlier rows were yielded, so a caller must treat that
error as "discard this import".
Quotes are parsed strictly: an unclosed quote, or text after a closing quote, is such an
error naming the line, never a field that silently swallows the rest of the file (which
read a 50-row export as 2 rows and withdrew the other 49); a quoted field whose lines
look like whole rows of the file is refused the same way (a stray quote closed by another).
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import dropwhile
from pathlib import Path
from typing import BinaryIO

from importers.readers.record import SourceFormatError

DEFAULT_SIZE_LIMIT = 200 * 1024 * 1024  # bytes
HEAD_SIZE = 64 * 1024  # bytes read to choose the delimiter
CHUNK_SIZE = 1024 * 1024  # bytes decoded at a time while checking the encoding
DELIMITERS = ",;\t"

_NOT_ALNUM = re.compile(r"[\W_]+")


@dataclass
class Table:
    """A CSV file's header and a stream of ``(line_number, row)`` for its data rows."""

    headers: list[str]
    rows: Iterator[tuple[int, dict[str, str]]]


def check_size(path: Path, limit: int = DEFAULT_SIZE_LIMIT) -> None:
    """Raise SourceFormatError if `path` is missing, empty or larger than `limit` bytes."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SourceFormatError(f"{path.name}: cannot be opened ({exc.strerror}).") from exc
    if size == 0:
        raise SourceFormatError(f"{path.name}: the file is empty.")
    if size > limit:
        raise SourceFormatError(
            f"{path.name}: the file is {size:,} bytes, over the {limit:,}-byte limit."
        )


@contextmanager
def open_csv(
    path: Path, size_limit: int = DEFAULT_SIZE_LIMIT, header_line: int = 1
) -> Iterator[Table]:
    """Open a CSV file and give its header and rows; blank rows are skipped.

    The header is the first non-blank row from `header_line` on (lines before it, such as
    a title, are skipped). Line numbers are physical lines in the file, so a row with a
    quoted multi-line field reports the line it starts on.
    """
    check_size(path, size_limit)
    encoding = detect_encoding(path)
    with path.open("rb") as handle:
        head = handle.read(HEAD_SIZE)
        whole = not handle.read(1)
    head_text = codecs.decode(head, encoding, errors="ignore")
    if not whole and "\n" in head_text:
        head_text = head_text[: head_text.rindex("\n") + 1]
    head_lines = head_text.splitlines(keepends=True)[header_line - 1 :]
    delimiter = sniff_delimiter("".join(head_lines))
    with path.open(encoding=encoding, errors="strict", newline="") as handle:
        rows = _numbered_rows(path, handle, delimiter, encoding)
        rows = dropwhile(lambda item: item[0] < header_line, rows)
        first = next(rows, None)
        if first is None:
            raise SourceFormatError(f"{path.name}: the file has no header row.")
        headers = name_headers(first[1])
        rows = _refuse_swallowed_rows(path, rows, len(headers), delimiter)
        yield Table(headers, iter_dicts(headers, rows))


SWALLOWED_ROWS = 2  # lines that look like rows inside one field before it is refused


def _refuse_swallowed_rows(
    path: Path, rows: Iterable[tuple[int, list[str]]], width: int, delimiter: str
) -> Iterator[tuple[int, list[str]]]:
    """The rows, refusing one whose quoted field holds lines shaped like whole rows (as
    many delimiters as the header): a stray quote that a later one closed. A real
    multi-line description does not break into full rows of this file."""
    for start, cells in rows:
        if width >= 3:
            for cell in cells:
                if "\n" in cell and _row_like_lines(cell, width, delimiter) >= SWALLOWED_ROWS:
                    raise SourceFormatError(
                        f"{path.name}: line {start} has a quoted field that runs on over "
                        "lines shaped like rows; a quote is probably not closed."
                    )
        yield start, cells


def _row_like_lines(cell: str, width: int, delimiter: str) -> int:
    return sum(1 for line in cell.splitlines()[1:] if line.count(delimiter) >= width - 1)


def detect_encoding(path: Path) -> str:
    """'utf-8-sig', 'utf-8' or 'cp1252': the one encoding the whole file decodes with.

    The file is read once in chunks: strict UTF-8 if every byte decodes, else
    Windows-1252 if no UTF-8 letters came before the first bad byte (a file mixing both
    encodings is refused rather than read as mojibake).
    """
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    ascii_so_far = True
    with path.open("rb") as handle:
        head = handle.read(HEAD_SIZE)
        if b"\x00" in head:
            raise SourceFormatError(
                f"{path.name}: the file is binary or UTF-16, not a UTF-8 or Windows-1252 CSV."
            )
        chunk = head
        try:
            while chunk:
                decoder.decode(chunk)
                ascii_so_far = ascii_so_far and chunk.isascii()
                chunk = handle.read(CHUNK_SIZE)
            decoder.decode(b"", final=True)
            return "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
        except UnicodeDecodeError as exc:
            ascii_so_far = ascii_so_far and chunk[: max(exc.start, 0)].isascii()
        if ascii_so_far and _decodes_as_cp1252(handle):
            return "cp1252"
    raise SourceFormatError(
        f"{path.name}: the file is neither all UTF-8 nor all Windows-1252 text; "
        "save it again in one encoding."
    )


def _decodes_as_cp1252(handle: BinaryIO) -> bool:
    handle.seek(0)
    try:
        for chunk in iter(lambda: handle.read(CHUNK_SIZE), b""):
            chunk.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def sniff_delimiter(sample: str) -> str:
    """The delimiter csv.Sniffer finds, if the header line has it; else the header's commonest."""
    header = next((line for line in sample.splitlines() if line.strip()), "")
    try:
        found = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        found = ""
    if found and found in header:
        return found
    counts = {candidate: header.count(candidate) for candidate in DELIMITERS}
    best = max(counts, key=lambda candidate: counts[candidate])
    return best if counts[best] else ","


def _numbered_rows(
    path: Path, handle: Iterable[str], delimiter: str, encoding: str
) -> Iterator[tuple[int, list[str]]]:
    """Yield (first physical line, cells) for each non-blank row."""
    reader = csv.reader(handle, delimiter=delimiter, strict=True)
    line = 0
    try:
        for cells in reader:
            start, line = line + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                yield start, cells
    except UnicodeDecodeError as exc:
        label = "Windows-1252" if encoding == "cp1252" else "UTF-8"
        raise SourceFormatError(
            f"{path.name}: a byte after line {line} is not valid {label}; "
            "save the whole file in one encoding."
        ) from exc
    except csv.Error as exc:
        reason = _quote_problem(str(exc))
        raise SourceFormatError(
            f"{path.name}: line {line + 1} is not valid CSV ({reason})."
        ) from exc


def _quote_problem(message: str) -> str:
    """csv's message in words a person fixing the file knows."""
    if message == "unexpected end of data":
        return "a quoted field is never closed"
    if "expected after '\"'" in message:
        return "text follows a closing quote"
    return message


def name_headers(cells: Sequence[object]) -> list[str]:
    """Header names, trimmed; a blank one becomes 'column N', a repeated one 'Name (2)'."""
    headers: list[str] = []
    for number, cell in enumerate(cells, start=1):
        name = str(cell).strip() if cell is not None else ""
        name = name or f"column {number}"
        candidate, copy = name, 1
        while candidate in headers:
            copy += 1
            candidate = f"{name} ({copy})"
        headers.append(candidate)
    return headers


def iter_dicts(
    headers: list[str], rows: Iterable[tuple[int, Sequence[str]]]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Pair each row's cells with the headers; missing cells are '', extra ones 'column N'."""
    width = len(headers)
    for number, cells in rows:
        row = dict(zip(headers, cells, strict=False))
        if len(cells) < width:
            row.update(dict.fromkeys(headers[len(cells) :], ""))
        for index in range(width, len(cells)):
            row[f"column {index + 1}"] = cells[index]
        yield number, row


def header_key(name: str) -> str:
    """A header name with case, spacing, punctuation and underscores removed."""
    return _NOT_ALNUM.sub("", name.casefold())


def match_columns(headers: Iterable[str], aliases: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Map each field to the first header matching one of its aliases, in alias order.

    Matching ignores case, spacing, punctuation and underscores ("Provider name",
    "provider_name" and "ProviderName" are the same). A header serves one field only;
    fields are served in the order `aliases` lists them.
    """
    by_key: dict[str, str] = {}
    for header in headers:
        by_key.setdefault(header_key(header), header)
    columns: dict[str, str] = {}
    taken: set[str] = set()
    for field, names in aliases.items():
        for alias in names:
            header = by_key.get(header_key(alias))
            if header is not None and header not in taken:
                columns[field] = header
                taken.add(header)
                break
    return columns
