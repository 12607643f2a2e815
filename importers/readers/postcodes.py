"""Read postcode directories: ONSPD, Code-Point Open, and Signpost's own sample.

`read_postcodes(path)` yields one `PostcodeRow` per live postcode with coordinates, from:

- ONSPD CSV: columns found by pattern, since releases rename them
  (``pcds``/``pcd``, ``lat``, ``long``, ``oslaua``/``ladNNcd``, ``osward``/``wdNNcd``,
  ``doterm``); terminated postcodes and ``lat`` 99.999999 (no grid reference) are skipped.
- Code-Point Open CSV, with a header row or without one (the original release), plain or
  gzip-compressed: eastings/northings (EPSG:27700) are converted to WGS84 with pyproj, in
  batches; positional quality 90 (no coordinates) is skipped.
- The committed sample ``app/demo/data/london_postcodes_sample.csv``
  (postcode,latitude,longitude,admin_district,admin_ward).

Pass a `PostcodeSummary` to learn how many rows were read and skipped, and why.
Loading rows into the database is not done here.
"""

from __future__ import annotations

import csv
import gzip
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import IO

from pyproj import Transformer

from app.geo.postcodes import PostcodeRow
from importers.readers.record import SourceFormatError

BATCH_SIZE = 10_000  # rows per pyproj call
NO_GRID_LATITUDE = 99.999999  # ONSPD's latitude for postcodes without a grid reference
NO_COORDINATES_QUALITY = "90"  # Code-Point Open positional quality: no coordinates
# Code-Point Open without a header: Postcode, Positional_quality_indicator, Eastings,
# Northings, Country_code, NHS_regional_HA_code, NHS_HA_code, Admin_county_code,
# Admin_district_code, Admin_ward_code.
CODEPOINT_COLUMNS = {
    "postcode": 0,
    "quality": 1,
    "eastings": 2,
    "northings": 3,
    "district": 8,
    "ward": 9,
}
# Header patterns (lower case) per column; earlier alternatives win (pcds over pcd).
HEADER_PATTERNS = {
    "postcode": r"pcds|pcd|pcd7|pcd8|postcode|pc",
    "latitude": r"lat|latitude",
    "longitude": r"long|lon|longitude",
    "eastings": r"eastings?|oseast1m|ea",
    "northings": r"northings?|osnrth1m|no",
    "quality": r"positional_quality_indicator|pq|osgrdind",
    "district": r"oslaua|lad\d*cd|laua|admin_district(_code)?|dc",
    "ward": r"osward|wd\d*cd|ward(_code)?|admin_ward(_code)?|wc",
    "terminated": r"doterm",
}
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")


@dataclass
class PostcodeSummary:
    """Counts filled in while `read_postcodes` runs."""

    read: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> rows


def read_postcodes(
    path: str | Path, summary: PostcodeSummary | None = None
) -> Iterator[PostcodeRow]:
    """Yield live postcodes with WGS84 coordinates from an ONSPD or Code-Point Open file."""
    path = Path(path)
    summary = summary if summary is not None else PostcodeSummary()
    with _open_text(path) as handle:
        reader = csv.reader(handle)
        try:
            first = next(reader, None)
            if first is None:
                raise SourceFormatError(f"{path} is empty.")
            columns, has_header = _columns(first, path)
            rows = reader if has_header else chain([first], reader)
            if "latitude" in columns:
                yield from _read_wgs84(rows, columns, summary)
            else:
                yield from _read_grid(rows, columns, summary)
        except (csv.Error, UnicodeDecodeError, EOFError, OSError) as exc:  # truncated gzip too
            raise SourceFormatError(
                f"{path} cannot be read near line {reader.line_num + 1}: {exc}."
            ) from exc


def format_postcode(text: str) -> str | None:
    """'sw1a1aa', 'E1  0AA' -> 'SW1A 1AA', 'E1 0AA'; None if it is not a UK postcode."""
    compact = re.sub(r"\s+", "", text).upper()
    if not _POSTCODE.match(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"


@lru_cache(maxsize=1)
def british_grid_to_wgs84() -> Transformer:
    """The one EPSG:27700 -> EPSG:4326 transformer (x = easting, y = northing)."""
    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


# -- internals ---------------------------------------------------------------------------


def _open_text(path: Path) -> IO[str]:
    try:
        with path.open("rb") as probe:
            gzipped = probe.read(2) == b"\x1f\x8b"
        if gzipped:
            return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
        return path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise SourceFormatError(f"Cannot open {path}: {exc.strerror or exc}.") from exc


def _columns(first: list[str], path: Path) -> tuple[dict[str, int], bool]:
    """Column positions by name, and whether `first` is a header row."""
    if first and format_postcode(first[0]) and len(first) >= 4:
        return CODEPOINT_COLUMNS, False  # Code-Point Open as released: no header
    header = [cell.strip().lower() for cell in first]
    columns: dict[str, int] = {}
    for name, pattern in HEADER_PATTERNS.items():
        matches = [i for i, cell in enumerate(header) if re.fullmatch(pattern, cell)]
        ranked = sorted(matches, key=lambda i: (_rank(pattern, header[i]), i))
        if ranked:
            columns[name] = ranked[0]
    has_wgs84 = {"latitude", "longitude"} <= columns.keys()
    has_grid = {"eastings", "northings"} <= columns.keys()
    has_position = has_wgs84 or has_grid
    if "postcode" not in columns or not has_position:
        raise SourceFormatError(
            f"{path} has no recognisable postcode and coordinate columns "
            f"(expected e.g. pcds/lat/long or Postcode/Eastings/Northings), found {first[:6]}."
        )
    if "latitude" in columns and "longitude" not in columns:
        columns.pop("latitude")
    return columns, True


def _rank(pattern: str, cell: str) -> int:
    for rank, alternative in enumerate(pattern.split("|")):
        if re.fullmatch(alternative, cell):
            return rank
    return len(pattern)


def _cell(row: list[str], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    if index is None or index >= len(row):
        return ""
    return row[index].strip()


def _parse_common(
    row: list[str], columns: dict[str, int], summary: PostcodeSummary
) -> tuple[str, str | None, str | None] | None:
    """(postcode, district, ward) for a live row; None (and counted) if it is skipped."""
    if not any(cell.strip() for cell in row):
        return None  # blank line
    summary.read += 1
    postcode = format_postcode(_cell(row, columns, "postcode"))
    if postcode is None:
        summary.skipped["invalid postcode"] += 1
        return None
    if _cell(row, columns, "terminated"):
        summary.skipped["terminated"] += 1
        return None
    if _cell(row, columns, "quality") == NO_COORDINATES_QUALITY:
        summary.skipped["no coordinates"] += 1
        return None
    district = _cell(row, columns, "district") or None
    ward = _cell(row, columns, "ward") or None
    return postcode, district, ward


def _read_wgs84(
    rows: Iterable[list[str]], columns: dict[str, int], summary: PostcodeSummary
) -> Iterator[PostcodeRow]:
    for row in rows:
        common = _parse_common(row, columns, summary)
        if common is None:
            continue
        try:
            latitude = float(_cell(row, columns, "latitude"))
            longitude = float(_cell(row, columns, "longitude"))
        except ValueError:
            summary.skipped["invalid coordinates"] += 1
            continue
        if latitude == NO_GRID_LATITUDE:
            summary.skipped["no coordinates"] += 1
            continue
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):  # NaN fails too
            summary.skipped["invalid coordinates"] += 1
            continue
        yield PostcodeRow(common[0], latitude, longitude, common[1], common[2])


def _read_grid(
    rows: Iterable[list[str]], columns: dict[str, int], summary: PostcodeSummary
) -> Iterator[PostcodeRow]:
    batch: list[tuple[str, str | None, str | None, float, float]] = []
    for row in rows:
        common = _parse_common(row, columns, summary)
        if common is None:
            continue
        try:
            eastings = float(_cell(row, columns, "eastings"))
            northings = float(_cell(row, columns, "northings"))
        except ValueError:
            summary.skipped["invalid coordinates"] += 1
            continue
        if not (math.isfinite(eastings) and math.isfinite(northings)):
            summary.skipped["invalid coordinates"] += 1
            continue
        if eastings <= 0 or northings <= 0:  # 0,0: a grid reference was never assigned
            summary.skipped["no coordinates"] += 1
            continue
        batch.append((*common, eastings, northings))
        if len(batch) >= BATCH_SIZE:
            yield from _convert(batch)
            batch = []
    yield from _convert(batch)


def _convert(
    batch: list[tuple[str, str | None, str | None, float, float]],
) -> Iterator[PostcodeRow]:
    if not batch:
        return
    longitudes, latitudes = british_grid_to_wgs84().transform(
        [entry[3] for entry in batch], [entry[4] for entry in batch]
    )
    for (postcode, district, ward, _, _), latitude, longitude in zip(
        batch, latitudes, longitudes, strict=True
    ):
        yield PostcodeRow(postcode, round(latitude, 6), round(longitude, 6), district, ward)
