"""The demo directory `./scripts/serve` starts with: reference data plus every sample source.

Loads the committed London postcode sample and the 33 London borough polygons
(app/data/reference), writes the generated sample sources (six sources in five formats,
overlapping as real directories do), imports each through the one pipeline, then merges
the overlaps (app.dedupe). Idempotent: a second run finds everything unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.dedupe import run_dedupe
from app.demo.sample_data import SampleSource, write_samples
from app.geo.areas import load_areas
from app.geo.postcodes import load_postcodes
from app.models import Area, Postcode
from app.reference import LONDON_BOROUGHS
from importers.pipeline.finish import Finishing
from importers.pipeline.formats import FORMATS, read_source
from importers.pipeline.run import ImportReport, SourceSpec, run_import
from importers.readers.postcodes import read_postcodes

POSTCODE_SAMPLE = Path(__file__).resolve().parent / "data" / "london_postcodes_sample.csv"


def load_reference_data(session: Session) -> list[str]:
    """Postcodes and borough polygons, each only when its table is still empty."""
    done = []
    if not session.scalar(select(func.count()).select_from(Postcode)):
        count = load_postcodes(session, read_postcodes(POSTCODE_SAMPLE))
        done.append(f"Loaded {count} sample postcodes.")
    if not session.scalar(select(func.count()).select_from(Area)):
        result = load_areas(session, LONDON_BOROUGHS)
        done.append(f"Loaded {len(result.loaded)} London borough areas.")
    return done


def import_sample(source: SampleSource, session: Session) -> ImportReport:
    spec = SourceSpec(
        name=source.name,
        format=source.format,
        title=source.title,
        licence=source.licence,
        attribution=source.attribution,
        redistributable=source.redistributable,
    )
    keep_ids = FORMATS[source.format].keep_ids
    finishing = Finishing(source.name, keep_ids)
    items = read_source(source.format, str(source.path), source.mapping, source.borough, finishing)
    return run_import(session, spec, items, keep_ids=keep_ids, dedupe=False)


def load_demo(session_factory: Callable[[], Session], folder: Path) -> list[str]:
    """Reference data, then each sample source in its own transaction; summary lines."""
    lines = []
    with session_factory() as session, session.begin():
        lines += load_reference_data(session)
    for source in write_samples(folder):
        with session_factory() as session, session.begin():
            lines.append(import_sample(source, session).summary())
    with session_factory() as session, session.begin():
        lines.append(run_dedupe(session).summary())  # the sources overlap, as real ones do
    return lines
