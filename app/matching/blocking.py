"""Blocking keys: which records are worth comparing at all.

Comparing every pair of 100,000 records is 5 billion comparisons; duplicates almost always
share something cheap to index. A record is filed under each of its keys and compared
only with records filed under the keys it looks up:

- exact keys: phone, email, web/mail domain, charity and company number, postcode, and
  the description text itself (organisation boilerplate is pasted into every service);
  a source's own service ID where its keys carry one per venue ("S12@N16AB"), so the
  rows of one service always meet;
- name words (distinctive words of organisation + service name, else all its words):
  alone (large blocks: sorted-name neighbours only, so in effect rare words), and, by
  their first and last four letters so a typo breaks only one, with a venue name;
- activity words (the service name without organisation and venue) with a ~1 km grid
  cell, a record looking up the cells within 600 m too, so a pin moved 300 m across a
  cell edge is still found; for records without coordinates, with their postcode
  district instead. Measured at 100,000 records: district blocks for every record
  added a fifth more comparisons for 0.05% more true pairs, and place blocks on
  organisation words 40% more for 0.07%, so neither is used.

Block sizes are capped by the index (see RecordIndex.candidates): small blocks compare
every pair, larger ones only sorted-name neighbours, huge ones ("group" across London)
not at all. Organisations are blocked on organisation-name words and contact keys only.
"""

from __future__ import annotations

from app.matching.geo import grid_cell, nearby_cells
from app.matching.record import MatchRecord

Key = tuple[str, ...]
_MAX_WORDS = 6
# Copies of one service sit within a few hundred metres (map pins are placed by hand).
LOOKUP_RADIUS_M = 600.0
_DESCRIPTION_KEY_WORDS = 7  # shorter texts ("Free. All welcome.") are not a fingerprint
_TINY_WORDS = frozenset("a an of and in at for on by the with to".split())


def exact_keys(record: MatchRecord) -> list[Key]:
    """Keys that identify a contact or a place exactly; also the keys counted for weights."""
    keys: list[Key] = [("phone", value) for value in sorted(record.phones)]
    keys += [("email", value) for value in sorted(record.emails)]
    keys += [("domain", value) for value in sorted(record.domains)]
    keys += [("charity_number", value) for value in sorted(record.charity_numbers)]
    keys += [("company_number", value) for value in sorted(record.company_numbers)]
    keys += [("postcode", value) for value in sorted(record.postcodes)]
    if record.description.count(" ") >= _DESCRIPTION_KEY_WORDS:
        keys.append(("description", record.description))
    return keys


def _words(words: frozenset[str], name: str) -> list[str]:
    """Up to six blocking words, longest (most specific) first."""
    chosen = words or frozenset(name.split()) - _TINY_WORDS
    return sorted(chosen, key=lambda word: (-len(word), word))[:_MAX_WORDS]


def _word_parts(word: str) -> list[str]:
    """A word's first and last four letters: one slip of the keyboard leaves one intact
    ("cyccling" still ends "ling"), so nearby records still meet."""
    return [word] if len(word) < 6 else [word[:4] + "-", "-" + word[-4:]]


def _service_keys(record: MatchRecord, cells: list[tuple[int, int]]) -> list[Key]:
    """Exact keys; per name word: the word, and word + venue; per activity word: word +
    grid cell (or, for a record without coordinates, word + postcode district). Place
    blocks use what the service *is*: nearby records sharing only an organisation word
    ("Highbury Mums" / "Highbury Ramblers") are rarely one service, and ones that are
    share a name word or a venue as well."""
    keys = exact_keys(record)
    if record.service_id != record.key:  # CarePlace's "<service ID>@<venue>" rows
        keys.append(("service_id", record.source, record.service_id))
    for word in _words(record.name_words, record.full_name):
        keys.append(("word", word))
        for part in _word_parts(word):
            keys += [("venue_word", venue, part) for venue in sorted(record.location_names)]
    districts = [] if record.points else sorted(record.districts)
    for word in _words(record.activity_words, record.activity):
        keys += [("cell_word", f"{row}:{col}", word) for row, col in cells]
        keys += [("district_word", district, word) for district in districts]
    return keys


def service_block_keys(record: MatchRecord) -> list[Key]:
    """Keys a record is filed under for service matching."""
    cells = sorted({grid_cell(point) for point in record.points})
    return _service_keys(record, cells)


def service_lookup_keys(record: MatchRecord) -> list[Key]:
    """Keys a record looks up: its own, with the grid cells within LOOKUP_RADIUS_M."""
    cells = {cell for point in record.points for cell in nearby_cells(point, LOOKUP_RADIUS_M)}
    return _service_keys(record, sorted(cells))


def organization_block_keys(record: MatchRecord) -> list[Key]:
    """Keys for organisation matching; records without an organisation name have none."""
    if not record.organization:
        return []
    keys = [key for key in exact_keys(record) if key[0] != "postcode"]
    keys += [("org_word", word) for word in _words(record.org_words, record.organization)]
    return keys


def block_keys(level: str, record: MatchRecord) -> list[Key]:
    """Keys `record` is filed under at `level` ("services" or "organizations")."""
    if level == "services":
        return service_block_keys(record)
    return organization_block_keys(record)


def lookup_keys(level: str, record: MatchRecord) -> list[Key]:
    """Keys `record` looks up at `level`."""
    if level == "services":
        return service_lookup_keys(record)
    return organization_block_keys(record)


def sort_name(level: str, record: MatchRecord) -> str:
    """The name large blocks are sorted by, so neighbours are look-alikes: its words in
    alphabetical order, so "Carers Centre Camden" sits next to "Camden Carers Centre"."""
    name = record.full_name if level == "services" else record.organization
    return " ".join(sorted(set(name.split())))
