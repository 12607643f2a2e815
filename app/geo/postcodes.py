"""Postcodes: where a patient's postcode (or just its outward code) is, and loading the
postcode directory (ONSPD, Code-Point Open) into the `postcode` table."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app import generation
from app.chunks import chunks
from app.models import Postcode
from app.records.normalise.postcodes import normalise_postcode, outward_code
from app.search.places import Point

BATCH_SIZE = 5000


class UnknownPostcode(ValueError):
    """The text is not a postcode, or not one the directory knows."""


@dataclass(frozen=True, slots=True)
class PostcodeRow:
    """One row of a postcode directory, as the readers in importers/readers/postcodes.py
    yield it and `load_postcodes` writes it."""

    postcode: str  # "SW1A 1AA"
    latitude: float
    longitude: float
    admin_district: str | None  # local authority GSS code, e.g. E09000007
    admin_ward: str | None  # ward GSS code


def locate_postcode(session: Session, text: str) -> Point:
    """The centroid of a full postcode ("sw1a1aa") or, for an outward code ("SW1A"), the
    mean of its district's postcodes. Raises UnknownPostcode with a sentence."""
    full = normalise_postcode(text)
    if full is not None:
        row = session.execute(
            select(Postcode.latitude, Postcode.longitude).where(Postcode.postcode == full)
        ).first()
        if row is None:
            raise UnknownPostcode(f"'{full}' is not a postcode we know.")
        return Point(row.latitude, row.longitude)
    outward = outward_code(text)
    if outward is None:
        raise UnknownPostcode(f"'{text}' is not a UK postcode or outward code.")
    latitude, longitude, count = session.execute(
        select(func.avg(Postcode.latitude), func.avg(Postcode.longitude), func.count()).where(
            Postcode.district == outward
        )
    ).one()
    if not count:
        raise UnknownPostcode(f"'{outward}' is not a postcode district we know.")
    return Point(float(latitude), float(longitude))


def load_postcodes(
    session: Session,
    rows: Iterable[PostcodeRow],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Insert or update postcodes in batches (executemany); returns how many were written.

    The caller owns the transaction: loading a whole directory is one transaction.
    """
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(Postcode)
    statement = statement.on_conflict_do_update(
        index_elements=[Postcode.postcode],
        set_={
            name: statement.excluded[name]
            for name in ("district", "latitude", "longitude", "admin_district", "admin_ward")
        },
    )
    written = 0
    for batch in chunks(rows, BATCH_SIZE):
        values = {}
        for row in batch:  # a later row for the same postcode wins within a batch too
            values[row.postcode] = {
                "postcode": row.postcode,
                "district": outward_code(row.postcode) or row.postcode.split(" ")[0],
                "latitude": row.latitude,
                "longitude": row.longitude,
                "admin_district": row.admin_district,
                "admin_ward": row.admin_ward,
            }
        session.execute(statement, list(values.values()))
        written += len(values)
        if progress:
            progress(len(batch))
    if written:
        generation.change_after_commit(session)  # searches keep a postcode's point
    return written
