"""Uptake per service, need and borough, with small numbers suppressed, and retention
that keeps the counts exact."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update

from app.models import Location, MetadataEntry, ServiceAtLocation
from app.models.referrals import Referral, ReferralTally
from app.referrals.referrals import create_referrals, set_status
from app.referrals.retention import prune_referrals
from app.referrals.uptake import Counts, suppress, uptake_rows
from tests.referrals.conftest import HEATH_WALK, KNIT, NOW


def refer(session, service_id, n, status=None, reason=None, needs=(), when=NOW, days=1):
    made = []
    for _ in range(n):
        (referral,) = create_referrals(session, [service_id], when, needs=needs)
        if status:
            set_status(referral, status, reason, when + dt.timedelta(days=days))
        made.append(referral)
    session.flush()
    return made


def in_camden(session, service_id):
    """The sample has no borough polygons loaded: say where the venue is."""
    ids = select(ServiceAtLocation.location_id).where(ServiceAtLocation.service_id == service_id)
    session.execute(update(Location).where(Location.id.in_(ids)).values(borough="Camden"))


def counts(**cells) -> Counts:
    row = Counts()
    for name, value in cells.items():
        row.cells[name] = value
    return row


def test_a_row_under_five_referrals_is_not_published(session, sample):
    refer(session, HEATH_WALK, 4, "attended")
    assert uptake_rows(session) == []


def test_five_referrals_are_counted_per_service_need_and_borough(session, sample):
    in_camden(session, HEATH_WALK)
    refer(session, HEATH_WALK, 5, "attended", needs=["activity:active"], days=2)
    refer(session, HEATH_WALK, 6, needs=["need:loneliness"])
    rows = {(r.service_id, r.need): r for r in uptake_rows(session)}
    active = rows[(HEATH_WALK, "activity:active")]
    assert active.borough == "Camden"
    assert active.values["referrals"] == 5 and active.values["attended"] == 5
    assert active.values["acknowledged"] == 5 and active.values["median_days_to_contact"] == 2
    lonely = rows[(HEATH_WALK, "need:loneliness")]
    assert lonely.values["open"] == 6 and lonely.values["acknowledged"] == 0
    assert lonely.values["median_days_to_contact"] is None  # fewer than 5 contacted


OUTCOMES = ["open", "attended", "did_not_attend", "declined_full", "declined_not_eligible",
            "declined_could_not_reach", "withdrawn"]  # fmt: skip


@pytest.mark.parametrize(
    "cells",
    [
        {"attended": 6, "did_not_attend": 3},
        {"attended": 10, "declined_full": 1},
        {"attended": 10, "declined_full": 2, "withdrawn": 1},
        {"open": 20, "attended": 7, "did_not_attend": 4, "declined_full": 4},
        {"attended": 3, "did_not_attend": 2},
    ],
)
def test_no_published_row_reveals_a_count_under_five_by_subtraction(cells):
    row = counts(referrals=sum(cells.values()), **cells)
    values = suppress(row)
    hidden = [n for n in OUTCOMES if values[n] is None]
    assert all(values[n] is None for n, v in cells.items() if 0 < v < 5)
    shown_total = sum(values[n] for n in OUTCOMES if values[n] is not None)
    assert len(hidden) != 1  # one unknown alone would be the difference
    assert values["referrals"] - shown_total == 0 or values["referrals"] - shown_total >= 5


def test_the_open_data_file_leaves_suppressed_cells_empty(client, session, sample):
    refer(session, KNIT, 7, "declined", "full")
    refer(session, KNIT, 2, "attended")
    refer(session, KNIT, 6, "did_not_attend")
    session.commit()
    response = client.get("/uptake.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    header, *rows = response.get_data(as_text=True).splitlines()
    assert header.startswith("borough,service_id,service_name,need,referrals,acknowledged")
    (row,) = rows
    cells = dict(zip(header.split(","), row.split(","), strict=True))
    assert cells["referrals"] == "15" and cells["declined_full"] == "7"
    assert cells["attended"] == ""  # 2: suppressed
    assert cells["did_not_attend"] == ""  # else 15 - 7 - 6 would be the 2
    page = client.get("/uptake").get_data(as_text=True)
    assert "Knit and Natter" in page and "&lt;5" in page


def test_pruning_keeps_the_counts_and_drops_the_codes(client, session, sample):
    old = NOW - dt.timedelta(days=400)
    made = refer(session, HEATH_WALK, 6, "attended", needs=["activity:active"], when=old, days=3)
    refer(session, HEATH_WALK, 5, "contacted", needs=["activity:active"], days=1)
    session.commit()
    old_codes = [r.code for r in made]
    before = [(r.need, r.values) for r in uptake_rows(session)]
    assert prune_referrals(session, NOW, months=12) == 6
    session.commit()
    assert session.scalar(select(func.count()).select_from(Referral)) == 5
    assert session.scalar(select(func.sum(ReferralTally.count))) == 6
    assert [(r.need, r.values) for r in uptake_rows(session)] == before
    history = select(func.count()).where(
        MetadataEntry.resource_type == "referral",
        MetadataEntry.resource_id.in_(old_codes),
    )
    assert session.scalar(history) == 0
    assert client.get(f"/referrals/{old_codes[0]}").status_code == 404


def test_prune_and_remind_run_from_the_command_line(runner, session, sample):
    refer(session, HEATH_WALK, 2, when=NOW - dt.timedelta(days=500))
    session.commit()
    result = runner.invoke(["referrals", "prune", "--now", NOW.isoformat()])
    assert result.exit_code == 0, result.output
    assert "2 referral(s) older than 12 months" in result.output
    bad = runner.invoke(["referrals", "prune", "--months", "0"])
    assert bad.exit_code != 0 and "at least 1" in bad.output
