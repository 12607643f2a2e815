"""The source formats `signpost import` knows: which reader, and how IDs are treated."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from importers.pipeline.finish import Finishing
from importers.pipeline.worker import read_prepared
from importers.readers.careplace import read_careplace
from importers.readers.datapackage import read_datapackage
from importers.readers.hsds_json import read_hsds
from importers.readers.lvsc import read_lvsc
from importers.readers.oruk import read_oruk
from importers.readers.record import Record, RecordError
from importers.readers.spreadsheet import read_spreadsheet

Reader = Callable[..., Iterator[Record | RecordError]]


@dataclass(frozen=True)
class Format:
    reader: Reader
    description: str
    keep_ids: bool = False  # the source publishes HSDS UUIDs of its own
    remote: bool = False  # PATH may be an API base URL


FORMATS: dict[str, Format] = {
    "lvsc": Format(read_lvsc, "LVSC social prescribing map: Google My Maps KML/KMZ or CSV"),
    "careplace": Format(read_careplace, "CarePlace CSV export of one borough"),
    "hsds": Format(read_hsds, "HSDS 3.0 JSON file or API base URL", keep_ids=True, remote=True),
    "oruk": Format(
        read_oruk, "Open Referral UK feed (v1 or 3.0), file or URL", keep_ids=True, remote=True
    ),
    "datapackage": Format(
        read_datapackage, "HSDS tabular data package (folder or zip)", keep_ids=True
    ),
    "csv": Format(read_spreadsheet, "council spreadsheet (CSV/XLSX) with a --mapping file"),
}


def read_source(
    format_name: str,
    location: str,
    mapping: Path | None = None,
    borough: str | None = None,
    finishing: Finishing | None = None,
) -> Iterator[Record | RecordError]:
    """The records of one file or feed, by format name (a large file's read and prepared
    by a worker process: see worker.py; given `finishing`, the source they are imported
    as, the worker also finishes those that need no database: finish.py)."""
    fmt = FORMATS[format_name]
    if finishing is not None and finishing.keep_ids != fmt.keep_ids:
        raise ValueError(f"{format_name} records keep_ids={fmt.keep_ids}: {finishing}")
    if format_name == "csv":
        if mapping is None:
            raise ValueError("a council spreadsheet needs --mapping FILE (see importers/mappings)")
        return read_prepared(fmt.reader, Path(location), mapping, finishing=finishing)
    if format_name == "careplace":
        return read_prepared(fmt.reader, Path(location), borough, finishing=finishing)
    if fmt.remote and "://" in location:
        return fmt.reader(location)
    return read_prepared(fmt.reader, Path(location), finishing=finishing)
