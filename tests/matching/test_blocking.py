"""Blocking: duplicates meet, everything else mostly does not."""

from __future__ import annotations

from app.matching import MatchConfig, RecordIndex
from app.matching.geo import CELL_LAT, grid_cell
from tests.matching.builders import record, walking_group


def candidate_ids(index: RecordIndex, record_id: str) -> set[str]:
    found = index.candidates("services", index.positions[record_id])
    return {index.records[p].record_id for p in found}  # type: ignore[union-attr]


def test_a_pin_moved_across_a_grid_cell_edge_is_still_a_candidate():
    edge = (round(51.549 / CELL_LAT) * CELL_LAT, -0.103)  # a latitude on a cell boundary
    south, north = (edge[0] - 0.0009, edge[1]), (edge[0] + 0.0009, edge[1])  # 200 m apart
    assert grid_cell(south) != grid_cell(north)
    a = walking_group("careplace", "1", point=south, phone=None, postcode=None)
    b = walking_group("lvsc", "2", point=north, phone=None, postcode=None)

    index = RecordIndex.build([a, b], MatchConfig())

    assert candidate_ids(index, "careplace/1") == {"lvsc/2"}


def test_records_with_nothing_in_common_are_not_compared():
    a = walking_group("careplace", "1")
    b = record("council", "2", "Debt advice", "Citizens Advice Croydon", postcode="CR0 1NX")

    index = RecordIndex.build([a, b], MatchConfig())

    assert candidate_ids(index, "careplace/1") == set()


def test_a_large_block_gives_neighbours_not_all_pairs():
    # 300 groups sharing one venue phone: 44,850 pairs if compared all with all.
    config = MatchConfig()
    records = [
        record(
            "careplace",
            str(n),
            f"Group {n} meeting",
            f"Organisation {n:03d}",
            phone="020 7946 0999",
        )
        for n in range(300)
    ]
    index = RecordIndex.build(records, config)

    sizes = [len(candidate_ids(index, r.record_id)) for r in records]

    assert max(sizes) <= 4 * config.block_window + 2  # a window in each of two blocks
    assert sum(sizes) < 300 * 10


def test_huge_blocks_are_dropped_and_counted_as_widely_shared():
    config = MatchConfig(block_max=50)
    records = [record("careplace", str(n), "Walk", phone="020 7946 0999") for n in range(60)]
    index = RecordIndex.build(records, config)

    assert ("phone", "02079460999") not in index.blocks["services"]
    assert index.distinct(("phone", "02079460999"), "services") >= 50


def test_removing_a_record_takes_it_out_of_its_blocks():
    a, b = walking_group("careplace", "1"), walking_group("lvsc", "2")
    index = RecordIndex.build([a, b], MatchConfig())

    index.remove(["lvsc/2"])

    assert candidate_ids(index, "careplace/1") == set()
    assert "lvsc/2" not in index


def test_one_services_rows_at_two_venues_always_meet():
    # Nothing in common but the service ID CarePlace keys both rows with.
    a = record("careplace", "S12@N51AR", "Knit and natter", "Highbury Crafters", postcode="N5 1AR")
    b = record("careplace", "S12@CR01NX", "Crochet circle", "Croydon Makers", postcode="CR0 1NX")

    index = RecordIndex.build([a, b], MatchConfig())

    assert candidate_ids(index, "careplace/S12@N51AR") == {"careplace/S12@CR01NX"}
