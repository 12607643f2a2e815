"""Issue 19, M2: confirming a listing never publishes the sign-in address of whoever
confirmed it. assurer_email is the organisation's public contact email, or left out.

Before, Jo's, Sam's and Ada's sign-in emails went out as assurer_email in the API, the
public history and the dumps.
"""

from __future__ import annotations

from tests.accounts.conftest import HEATH_WALK, KNIT
from tests.reliability.outputs import everything, holding


def test_confirming_publishes_the_organisations_email_or_none(
    client, runner, tmp_path, caplog, jo, sam, make_person
):
    ada = make_person("ada.admin@signpost.example", role="admin")
    assert client.post(f"/services/{HEATH_WALK}/confirm", headers=jo.headers).status_code == 200
    assert client.post(f"/services/{KNIT}/confirm", headers=sam.headers).status_code == 200
    assert client.post(f"/services/{HEATH_WALK}/confirm", headers=ada.headers).status_code == 200

    camden = client.get(f"/services/{HEATH_WALK}").get_json()
    assert camden["assurer_email"] == "hello@camdenhealthwalks.example.org"  # its public one
    assert client.get(f"/services/{KNIT}").get_json().get("assurer_email") is None  # has none
    outputs = everything(client, runner, tmp_path / "dumps", caplog)
    assert any(name.endswith(".csv") for name in outputs)  # the dumps were read
    emails = [person.account.email for person in (jo, sam, ada)]
    assert holding(outputs, *emails) == {}
