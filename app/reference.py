"""Where the vendored open reference data lives (app/data/reference/, see its README).

One place names the paths, so that code, tests and scripts never reach outside the
repository for them: a fresh clone carries everything it reads.

    >>> LONDON_BOROUGHS.name
    'london_boroughs.geojson'
"""

from __future__ import annotations

from pathlib import Path

REFERENCE = Path(__file__).resolve().parent / "data" / "reference"

HSDS = REFERENCE / "hsds"
HSDS_SCHEMAS = HSDS / "schema"
HSDS_OPENAPI = HSDS_SCHEMAS / "openapi.json"
HSDS_DATAPACKAGE = HSDS / "datapackage.json"
HSDS_EXAMPLES = HSDS / "examples"
HSDS_1_1_DATAPACKAGE = REFERENCE / "hsds_1_1_datapackage"
ORUK_V3_EXAMPLES = REFERENCE / "oruk_v3_examples"
LONDON_BOROUGHS = REFERENCE / "london_boroughs" / "london_boroughs.geojson"
LONDON_BOROUGH_CODES = REFERENCE / "london_boroughs" / "london_borough_codes.csv"
CODEPOINT_LONDON = (
    REFERENCE / "codepoint_open_2025_london" / "codepoint_open_2025_4_london_E09.csv.gz"
)
