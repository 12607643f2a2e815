"""The sample data generator: deterministic, readable, overlapping, on real postcodes."""

import csv
import json
import math
import re
from collections import defaultdict
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from app.demo.sample_catalogue import (
    ACTIVITIES,
    CAREPLACE_CAMDEN,
    CAREPLACE_ISLINGTON,
    LINK_WORKERS,
    LVSC,
    POSTCODE_SAMPLE,
    build_world,
)
from app.demo.sample_data import MANIFEST, main, read_manifest, write_samples
from app.records.normalise import normalise_phone, normalise_postcode, parse_opening_times
from importers.readers.careplace import read_careplace
from importers.readers.hsds_json import read_hsds
from importers.readers.lvsc import read_lvsc
from importers.readers.oruk import read_oruk
from importers.readers.record import Record, RecordError
from importers.readers.spreadsheet import read_spreadsheet
from importers.readers.tabular import detect_encoding
from tests.hsds import errors as hsds_errors

EXPECTED = {  # format -> (file, fewest rows, most rows)
    "lvsc": ("lvsc_social_prescribing_map.kml", 25, 30),
    "hsds": ("council_hsds_feed.json", 18, 22),
    "oruk": ("oruk_feed.json", 13, 17),
    "csv": ("council_spreadsheet.csv", 13, 17),
}


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("samples")
    return out_dir, write_samples(out_dir)


@pytest.fixture(scope="module")
def read(samples):
    """Source name -> everything its reader yielded."""
    return {source.name: list(read_source(source)) for source in samples[1]}


def read_source(source):
    if source.format == "lvsc":
        return read_lvsc(source.path)
    if source.format == "careplace":
        return read_careplace(source.path, borough=source.borough)
    if source.format == "hsds":
        return read_hsds(source.path)
    if source.format == "oruk":
        return read_oruk(source.path)
    if source.format == "csv":
        return read_spreadsheet(source.path, source.mapping)
    raise AssertionError(f"no reader for {source.format}")


def records(items):
    return [item for item in items if isinstance(item, Record)]


def locations(service):
    return [sal["location"] for sal in service.get("service_at_locations", [])]


def files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_same_seed_writes_same_bytes(tmp_path):
    write_samples(tmp_path / "a")
    write_samples(tmp_path / "b")
    first, second = files(tmp_path / "a"), files(tmp_path / "b")
    assert len(first) == 8
    assert first == second


def test_another_seed_writes_another_world(tmp_path):
    write_samples(tmp_path / "a", seed=1)
    write_samples(tmp_path / "b", seed=2)
    assert files(tmp_path / "a") != files(tmp_path / "b")


def test_manifest_lists_sources_with_relative_paths(samples):
    out_dir, sources = samples
    manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["seed"] == 2026
    entries = manifest["sources"]
    assert [entry["format"] for entry in entries] == [
        "lvsc", "careplace", "careplace", "hsds", "oruk", "csv",
    ]  # fmt: skip
    assert all(not Path(entry["path"]).is_absolute() for entry in entries)
    assert entries[-1]["mapping"] == "council_spreadsheet.toml"
    assert {entry["borough"] for entry in entries if entry["format"] == "careplace"} == {
        "Camden",
        "Islington",
    }
    assert read_manifest(out_dir / MANIFEST) == sources
    assert len({source.name for source in sources}) == len(sources)


def test_licences(samples):
    by_name = {source.name: source for source in samples[1]}
    assert by_name[LVSC].licence == "CC-BY-4.0"
    assert by_name[LVSC].attribution == "London Voluntary Service Council social prescribing map"
    careplace = [by_name[CAREPLACE_CAMDEN], by_name[CAREPLACE_ISLINGTON]]
    assert sorted(source.redistributable for source in careplace) == [False, True]
    assert {source.licence for source in careplace} == {"OGL-UK-3.0", "not for redistribution"}
    others = [s for s in samples[1] if s.format in ("hsds", "oruk", "csv")]
    assert {source.licence for source in others} == {"OGL-UK-3.0"}


def test_every_file_reads_without_record_errors(samples, read):
    for source in samples[1]:
        items = read[source.name]
        assert [item for item in items if isinstance(item, RecordError)] == [], source.name
        assert items, source.name
        if source.format in EXPECTED:
            name, fewest, most = EXPECTED[source.format]
            assert source.path.name == name
            assert fewest <= len(items) <= most, source.name
        else:
            assert 36 <= len(items) <= 44, source.name


def test_lvsc_map_has_folders_columns_and_points(samples, read):
    placemarks = records(read[LVSC])
    folders = {
        a["taxonomy_term"]["name"]
        for r in placemarks
        for a in r.service["attributes"]
        if a["taxonomy_term"]["taxonomy"] == "LVSC folder"
    }
    assert len(folders) >= 6
    columns = set(placemarks[0].raw)
    assert {
        "Organisation",
        "Borough",
        "Address",
        "Postcode",
        "Website",
        "Email",
        "Phone",
    } <= columns
    assert {"Referral route", "Funding source", "Funding position", "Evaluation"} <= columns
    assert sum(1 for r in placemarks if r.raw["coordinates"].endswith(",0")) >= 20


def test_careplace_exports_differ_in_encoding_and_headers(samples):
    by_name = {source.name: source for source in samples[1]}
    camden, islington = by_name[CAREPLACE_CAMDEN].path, by_name[CAREPLACE_ISLINGTON].path
    assert detect_encoding(camden) == "utf-8-sig"
    assert detect_encoding(islington) == "cp1252"
    assert b"\xa3" in islington.read_bytes()  # "£" in Windows-1252
    with camden.open(encoding="utf-8-sig", newline="") as handle:
        camden_headers = next(csv.reader(handle))
    with islington.open(encoding="cp1252", newline="") as handle:
        islington_headers = next(csv.reader(handle))
    assert camden_headers[0] != islington_headers[0]
    assert not set(camden_headers) & {"Service Title", "Tel", "Post code", "Fees"}
    assert not set(islington_headers) & {"Service name", "Telephone", "Postcode", "Cost"}


def test_careplace_lists_one_service_in_both_boroughs(read):
    camden = {r.service["id"]: r.service["name"] for r in records(read[CAREPLACE_CAMDEN])}
    islington = {r.service["id"]: r.service["name"] for r in records(read[CAREPLACE_ISLINGTON])}
    shared = camden.keys() & islington.keys()
    assert len(shared) == 1
    key = shared.pop()
    assert camden[key] == islington[key]  # one CarePlace record, exported twice
    assert fuzz.ratio(normalised(camden[key]), "singing for the brain") >= 85


def test_hsds_feed_is_a_page_of_valid_hsds_services(samples, read):
    source = next(source for source in samples[1] if source.format == "hsds")
    page = json.loads(source.path.read_text(encoding="utf-8"))
    assert page["total_items"] == len(page["contents"])
    for service in page["contents"]:
        assert hsds_errors(service, "compiled/service.json") == [], service["name"]
        assert service["schedules"][0]["byday"]
        assert service["cost_options"]
        assert "Hackney" in {area["name"] for area in service["service_areas"]}


def test_oruk_feed_is_v1_shaped(samples, read):
    source = next(source for source in samples[1] if source.format == "oruk")
    page = json.loads(source.path.read_text(encoding="utf-8"))
    for item in page["content"]:
        assert {"regular_schedules", "service_taxonomys", "eligibilitys"} <= item.keys()
        assert "physical_addresses" in item["service_at_locations"][0]["location"]
    for record in records(read[source.name]):
        assert record.service["schedules"][0]["opens_at"]
        assert record.service["attributes"]


def normalised(name: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]", "", name.lower().replace("&", "and")).split())


def test_about_a_third_of_services_are_in_two_or_three_sources(read):
    names = defaultdict(list)  # source -> normalised service names it lists
    for source, items in read.items():
        names[source] = [normalised(r.service["name"]) for r in records(items)]
    world = build_world()
    shared = [service for service in world if len(service.sources) > 1]
    assert 0.25 <= len(shared) / len(world) <= 0.35
    assert max(len(service.sources) for service in world) == 3
    for service in shared:
        for source in service.sources:  # each listing, however varied, still reads alike
            best = max(fuzz.ratio(normalised(service.name), name) for name in names[source])
            assert best >= 85, (service.name, source)


def test_overlapping_listings_vary(read):
    world = build_world()
    shared = {normalised(s.name) for s in world if len(s.sources) > 1}
    listed = [(source, r.service) for source, items in read.items() for r in records(items)]
    variants = {normalised(service["name"]) for _, service in listed} - shared
    assert len(variants) >= 5  # typos, "&"/"and", case: not the names as they really are
    phones = {p["number"] for _, service in listed for p in service.get("phones", [])}
    assert any(number.startswith("+44 20 7946") for number in phones)
    assert any(re.fullmatch(r"0207946\d{4}", number) for number in phones)
    postcodes = {
        address["postal_code"]
        for _, service in listed
        for location in locations(service)
        for address in location.get("addresses", [])
    }
    assert any(code != code.upper() for code in postcodes)
    assert any(" " not in code for code in postcodes)


def test_hard_negatives(read):
    world = build_world()
    befriending = {s.organisation.name for s in world if s.name == "Befriending Service"}
    assert befriending == {"Age UK Camden", "Age UK Islington"}
    walking = {s.organisation.name for s in world if s.name == "Walking Group"}
    assert len(walking) == 2
    by_place = defaultdict(set)  # one community centre: many groups, one address and phone
    for record in records(read[CAREPLACE_CAMDEN]):
        phone = normalise_phone(record.service["phones"][0]["number"])
        for location in locations(record.service):
            by_place[(location["addresses"][0]["postal_code"], phone)].add(record.service["name"])
    assert max(len(names) for names in by_place.values()) >= 4


def test_contacts_are_fictional(read):
    for items in read.values():
        for record in records(items):
            service = record.service
            for phone in service.get("phones", []):
                assert normalise_phone(phone["number"])[0].startswith("020 7946 0"), phone
            for contact in service.get("contacts", []):
                for phone in contact.get("phones", []):
                    assert normalise_phone(phone["number"])[0].startswith("020 7946 0"), phone
            for address in (service.get("email"), service["organization"].get("email")):
                assert address is None or address.endswith("example.org")
            for url in (service.get("url"), service["organization"].get("website")):
                assert url is None or ".example.org" in url


def test_every_postcode_is_in_the_committed_sample_near_its_coordinates(read):
    with POSTCODE_SAMPLE.open(encoding="utf-8", newline="") as handle:
        sample = {
            row["postcode"]: (float(row["latitude"]), float(row["longitude"]))
            for row in csv.DictReader(handle)
        }
    seen = 0
    for items in read.values():
        for record in records(items):
            for location in locations(record.service):
                postcode = normalise_postcode(location["addresses"][0]["postal_code"])
                assert postcode in sample, (record.position, postcode)
                seen += 1
                if location.get("latitude") is not None:
                    assert metres(sample[postcode], location) <= 210, record.service["name"]
    assert seen >= 150


def metres(point, location):
    latitude, longitude = point
    north = (location["latitude"] - latitude) * 111_320
    east = (location["longitude"] - longitude) * 111_320 * math.cos(math.radians(latitude))
    return math.hypot(north, east)


def test_opening_times_are_in_forms_the_pipeline_parses():
    texts = {text for a in [*ACTIVITIES.values(), LINK_WORKERS] for text in a.times}
    for text in texts:
        assert all("byday" in s for s in parse_opening_times(text)), text


def test_main_writes_the_samples(tmp_path, capsys):
    assert main([str(tmp_path)]) == 0
    assert (tmp_path / MANIFEST).is_file()
    assert "careplace-islington" in capsys.readouterr().out
