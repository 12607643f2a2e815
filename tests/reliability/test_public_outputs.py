"""Issue 19, item 3: a scan of every public output for what must never be published.

After people sign in (and fail to), write, confirm listings and an import brings a
column headed "Lead contact (internal - do not publish)", the public API, the pages,
every dump and the log records hold no account email, no API token (nor its stored
hash) and nothing of the unmapped column.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from app.models.accounts import ApiToken
from tests.accounts.conftest import HEATH_WALK, KNIT, PASSWORD
from tests.accounts.test_web import csrf
from tests.reliability.outputs import everything, holding
from tests.reliability.test_hostile_imports import HEADER, ROWS, csv_text, import_text

INTERNAL = "Lead contact (internal - do not publish)"
INTERNAL_VALUE = "Priya Shah 07700 900456"


def test_no_account_email_token_or_unmapped_column_is_published(
    app, client, runner, session, tmp_path, caplog, jo, sam, mo, make_person
):
    caplog.set_level(logging.INFO)
    app.config["SESSION_COOKIE_SECURE"] = False  # the test client talks plain http
    ada = make_person("ada.admin@signpost.example", role="admin", password=PASSWORD)
    people = [jo, sam, mo, ada]

    rows = [[*HEADER, INTERNAL], *[[*row, INTERNAL_VALUE] for row in ROWS[:3]]]
    result = import_text(runner, tmp_path, csv_text(rows))
    assert result.exit_code == 0, result.output
    assert INTERNAL in result.output  # the import report names the column
    for email, password in ((ada.account.email, "wrong"), (ada.account.email, PASSWORD)):
        form = {"email": email, "password": password, "csrf_token": csrf(client)}
        client.post("/account/sign-in", data=form)
    client.patch(f"/services/{HEATH_WALK}", json={"alert": "No walk 24 Dec"}, headers=jo.headers)
    client.post(f"/services/{HEATH_WALK}/confirm", headers=jo.headers)
    client.post(f"/services/{KNIT}/confirm", headers=sam.headers)
    client.post(f"/services/{KNIT}/confirm", headers=mo.headers)
    client.post("/phones", json={"service_id": KNIT, "number": "x"}, headers=sam.headers)  # 422
    client.get("/services", headers={"Authorization": "Bearer not-a-token"})  # 401

    outputs = everything(client, runner, tmp_path / "dumps", caplog)
    assert "Heath Walk 1" in outputs["/services?per_page=100"]  # the import was published
    hashes = list(session.scalars(select(ApiToken.token_hash)))
    assert len(hashes) == len(people)
    secrets = [
        *(person.account.email for person in people),
        *(person.token for person in people),
        *hashes,
        INTERNAL,
        INTERNAL_VALUE,
    ]
    assert holding(outputs, *secrets) == {}
