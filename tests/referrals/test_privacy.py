"""Nothing about the person: no such column in the referral tables, and what a link worker
types for a patient (postcode, notes, contact block) reaches no table and no log."""

from __future__ import annotations

import logging
import re

from sqlalchemy import String, Text, inspect, select

from app.models import Base
from tests.referrals.conftest import HEATH_WALK, KNIT
from tests.web.conftest import directory  # noqa: F401  (fixture)

PERSONAL = re.compile(
    r"name|email|phone|mobile|postcode|address|birth|dob|nhs|gender|sex|ethnic|age|patient|person|client",
    re.IGNORECASE,
)
POSTCODE = "NW3 2QG"  # in tests/web/conftest.py's postcodes
NOTES = "Alice Smythe-Patient, born 02/03/1951, NHS 943 476 5919, lives alone"
CONTACT = "Rae Linkworker, 020 7946 0999"


def test_the_referral_tables_have_no_column_for_a_person(engine):
    columns = {
        table: [c["name"] for c in inspect(engine).get_columns(table)]
        for table in ("referral", "referral_tally")
    }
    assert columns["referral"]  # the tables exist
    personal = [f"{t}.{c}" for t, names in columns.items() for c in names if PERSONAL.search(c)]
    assert personal == []


def every_text_value(session) -> list[str]:
    values = []
    for table in Base.metadata.sorted_tables:
        if table.name == "postcode":  # the reference postcode directory holds every postcode
            continue
        text_columns = [c for c in table.columns if isinstance(c.type, String | Text)]
        if text_columns:
            for row in session.execute(select(*text_columns)):
                values += [str(v) for v in row if v is not None]
    return values


def test_what_is_typed_for_the_patient_is_neither_stored_nor_logged(
    client,
    session,
    directory,  # noqa: F811
    caplog,
):
    caplog.set_level(logging.DEBUG)
    form = {"ids": [HEATH_WALK, KNIT], "postcode": POSTCODE, "notes": NOTES, "contact": CONTACT}
    shown = client.post("/prescription", data=form)
    body = shown.get_data(as_text=True)
    assert shown.status_code == 200 and NOTES in body and CONTACT in body  # printed
    assert "minutes&#39; walk" in body  # the distance was worked out
    assert shown.headers["Cache-Control"] == "no-store"
    page = client.get(f"/prescription?ids={HEATH_WALK},{KNIT}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    made = client.post("/prescription/codes", data={"ids": [HEATH_WALK, KNIT], "csrf_token": token,
                                                    "needs": ["need:loneliness"]})  # fmt: skip
    assert made.status_code == 303
    with_codes = client.post(made.headers["Location"], data=form)
    assert with_codes.status_code == 200 and "Your referral code" in with_codes.get_data(
        as_text=True
    )
    session.expire_all()
    stored = "\n".join(every_text_value(session))
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in (POSTCODE, NOTES, CONTACT, "Smythe", "943 476"):
        assert secret not in stored, secret
        assert secret not in logged, secret
    assert "/prescription" in logged  # the access log did run
