"""The common intermediate record every reader yields.

A reader is a function ``read_<format>(path, ...) -> Iterator[Record | RecordError]`` that
streams (never loads a whole 100,000-row file into lists) and raises SourceFormatError
when the file as a whole is unreadable.

A reader only knows its file format. It turns each row/placemark/feed item into a
`Record` whose `service` is an HSDS 3.0 service object (a plain dict, the same shape
as GET /services/{id}), as complete as the source allows. Free text the source gives
where HSDS wants structure is left where HSDS keeps text, and the shared normaliser
derives the structure from it:

- opening times text  -> ``service["schedules"] = [{"description": text}]``
  (or on a service_at_location / location); normalise parses it into byday/opens_at/closes_at.
- cost text           -> ``service["fees_description"]``; normalise adds ``cost_options``.
- age text            -> ``service["eligibility_description"]``; normalise sets minimum/maximum_age.
- areas covered       -> ``service["service_areas"] = [{"name": "Camden"}]``.
- source categories   -> ``service["attributes"] =
  [{"taxonomy_term": {"name": ..., "taxonomy": ...}}]``.
- fields HSDS has no column for (referral route, evaluation, ...) ->
  ``service["attributes"] = [{"taxonomy_term": {"name": <field name>, ...}, "value": <text>}]``.

IDs inside `service` are the *source's own* IDs (or absent); the pipeline replaces them
with stable uuid5 IDs derived from the source name and `key`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importers.pipeline.finish import Finished
    from importers.pipeline.prepare import Prepared, Rejected


@dataclass
class Record:
    """One record as a source gave it, mapped into HSDS shape."""

    key: str  # the source's own stable ID for this record (e.g. CarePlace Service ID + location)
    position: str  # where it was read, for error reports: "line 12", "placemark 4", "item 37"
    raw: dict[str, Any]  # the payload exactly as read (strings as in the file)
    service: dict[str, Any]  # HSDS 3.0 service object, nested organization and service_at_locations
    # What prepare_record made of it: set by the pipeline, or already by the worker process
    # that read the file (importers/pipeline/worker.py). Readers leave it None.
    prepared: Prepared | Rejected | None = None
    # Set by the worker when it also did what staging needs no database for (finish.py).
    finished: Finished | None = None
    # Where the objects nested in `service` were read, when not at `position`: a data
    # package's phone from "phones.csv line 7", by its path in the service
    # ("service_at_locations[0].phones[1]"), so a warning about it names its own row.
    origins: dict[str, str] | None = None


@dataclass
class RecordError:
    """A record a reader could not turn into a Record; the import reports it and goes on."""

    position: str
    reason: str
    key: str | None = None
    field: str | None = None


@dataclass
class Note:
    """Something about the file the import report should tell its reader, costing no
    record: a column with no HSDS field, kept with the source record and not published
    (it may be internal: "Lead contact (internal - do not publish)")."""

    position: str
    reason: str
    field: str | None = None


def unpublished_column(position: str, header: str) -> Note:
    """The Note for a column no mapping publishes."""
    reason = f"column {header!r} has no HSDS field: kept with the source record, not published"
    return Note(position, reason, field=header)


class SourceFormatError(Exception):
    """The file as a whole cannot be read (truncated XML, no recognisable columns, too big).

    The message is one sentence a user can act on, naming the file.
    """
