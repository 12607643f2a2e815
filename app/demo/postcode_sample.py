"""Write the committed London postcode sample from the vendored Code-Point Open extract
(app/data/reference/codepoint_open_2025_london).

    python -m app.demo.postcode_sample [--include postcodes.txt] [--size 3000]

A fixed-seed sample spread evenly over the 33 London boroughs (admin_district E09*),
plus every postcode listed in the --include file (one a line), is written as
``app/demo/data/london_postcodes_sample.csv`` (postcode,latitude,longitude,
admin_district,admin_ward) beside its OS OpenData attribution in
``london_postcodes_sample.LICENCE.txt``. Coordinates come from `read_postcodes`.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections import defaultdict
from pathlib import Path

from app.reference import CODEPOINT_LONDON
from importers.readers.postcodes import PostcodeRow, format_postcode, read_postcodes

OUTPUT = Path(__file__).resolve().parent / "data" / "london_postcodes_sample.csv"
SEED = 2025
ATTRIBUTION = (
    "Contains OS data © Crown copyright and database right 2025; "
    "Contains Royal Mail data © Royal Mail copyright and database right 2025; "
    "Contains National Statistics data © Crown copyright and database right 2025"
)
LICENCE_TEXT = f"""london_postcodes_sample.csv is a sample of OS Code-Point Open 2025.4 (London,
admin district E09*), with eastings/northings converted to WGS84 latitude/longitude.

Licence: OS OpenData licence (OGL-compatible),
https://www.ordnancesurvey.co.uk/opendata/licence

{ATTRIBUTION}
"""
COLUMNS = ("postcode", "latitude", "longitude", "admin_district", "admin_ward")


def sample_postcodes(
    rows: list[PostcodeRow], size: int, include: set[str], seed: int = SEED
) -> list[PostcodeRow]:
    """About `size` rows spread evenly over districts (fixed seed), plus `include`."""
    by_district: dict[str, list[PostcodeRow]] = defaultdict(list)
    for row in rows:
        by_district[row.admin_district or ""].append(row)
    generator = random.Random(seed)
    share, extra = divmod(size, max(1, len(by_district)))
    chosen = {row.postcode: row for row in rows if row.postcode in include}
    for number, district in enumerate(sorted(by_district)):
        candidates = sorted(by_district[district], key=lambda row: row.postcode)
        wanted = share + (1 if number < extra else 0)
        for row in generator.sample(candidates, min(wanted, len(candidates))):
            chosen[row.postcode] = row
    return sorted(chosen.values(), key=lambda row: row.postcode)


def write_sample(rows: list[PostcodeRow], output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow(
                (row.postcode, f"{row.latitude:.6f}", f"{row.longitude:.6f}",
                 row.admin_district or "", row.admin_ward or "")
            )  # fmt: skip
    licence = output.with_name(output.stem + ".LICENCE.txt")
    licence.write_text(LICENCE_TEXT, encoding="utf-8")


def read_include(path: Path) -> set[str]:
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    return {code for line in lines if (code := format_postcode(line))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=CODEPOINT_LONDON)
    parser.add_argument("--include", type=Path, help="file of postcodes to add, one a line")
    parser.add_argument("--size", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    if not args.source.is_file():
        parser.error(f"{args.source} not found; pass --source")
    include = read_include(args.include) if args.include else set()
    rows = list(read_postcodes(args.source))
    sample = sample_postcodes(rows, args.size, include, args.seed)
    missing = include - {row.postcode for row in sample}
    if missing:
        print(f"not in the source: {', '.join(sorted(missing))}", file=sys.stderr)
    write_sample(sample, args.output)
    districts = len({row.admin_district for row in sample})
    print(f"wrote {len(sample)} postcodes in {districts} districts to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
